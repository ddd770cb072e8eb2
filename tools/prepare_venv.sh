#!/usr/bin/env bash
# make install, first step: leave VENV as a venv of a supported Python,
# ready for pip.  `make kernel`, the last step, marks it complete with
# VENV/.d2l-installed; a venv without that mark is what a failed install
# left behind, and is made anew rather than reused.
# With a second argument `system` (make install MXNET=system), the Python
# must have MXNet already, and the venv sees its packages.
set -euo pipefail
venv=$1
system=${2:-}
mark=$venv/.d2l-installed
python=$("$(dirname "$0")/find_python.sh")
# Found, not imported: MXNet imports only after d2l prepares NumPy 2.
which_mxnet='import importlib.util as u; s = u.find_spec("mxnet")
print(s.origin) if s else exit("No module named mxnet")'
if [ -n "$system" ] && ! mxnet=$("$python" -c "$which_mxnet" 2>&1); then
    echo "make install MXNET=system: $python cannot import mxnet" \
         "($(tail -1 <<< "$mxnet")); set PYTHON= to the Python that has" \
         "MXNet 1.9.1, or leave out MXNET=system to install it from" \
         "PyPI." >&2
    exit 1
fi
if [ -d "$venv" ] && [ ! -f "$mark" ]; then
    echo "removing $venv: no \`make install\` finished in it; making it anew"
    rm -rf "$venv"
fi
if [ -d "$venv" ]; then
    # A venv's sys.base_prefix names the Python it was made from.
    prefix='import sys; print(sys.base_prefix, sys.version.split()[0])'
    read -r have have_version < <("$venv/bin/python" -c "$prefix")
    read -r want want_version < <("$python" -c "$prefix")
    if [ -n "${PYTHON:-}" ] && [ "$have" != "$want" ]; then
        echo "make install: $venv uses Python $have_version ($have)," \
             "not PYTHON=$PYTHON ($want_version). To rebuild it with" \
             "PYTHON, run \`make clean-venv\` first; to keep it, leave" \
             'PYTHON unset.' >&2
        exit 1
    fi
    if [ -n "$system" ] && \
            [ "$("$venv/bin/python" -c "$which_mxnet" 2>&1)" != "$mxnet" ]
    then
        echo "make install MXNET=system: $venv does not use the mxnet of" \
             "$python; run \`make clean-venv\` first." >&2
        exit 1
    fi
    # Until `make kernel` marks it again, this venv counts as unfinished.
    rm -f "$mark"
else
    echo "creating $venv with $python"
    "$python" -m venv ${system:+--system-site-packages} "$venv"
fi
