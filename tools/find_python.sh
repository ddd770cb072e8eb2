#!/usr/bin/env bash
# Print a Python that MXNet 1.9.1 and our pins run on: 3.10 to 3.15.
# 3.11 first: the committed notebooks were recorded with it and its numpy
# (1.23.5) needs nothing restored; then the newer ones, newest tested
# NumPy (d2l/preload.py restores what MXNet reads); 3.10 last, kept for
# NVIDIA's container (NGC 24.06 ships it). Nothing past 3.15 was tested.
# PYTHON=... names the one to use: if it is not usable, that is an error.
supported='import sys; sys.exit(not (3, 10) <= sys.version_info < (3, 16))'
if [ -n "${PYTHON:-}" ]; then
    if ! command -v "$PYTHON" >/dev/null; then
        echo "make install: PYTHON=$PYTHON: no such interpreter; name an" \
             'installed Python 3.10 to 3.15 (e.g. python3.13), or leave' \
             'PYTHON unset.' >&2
        exit 1
    fi
    if ! "$PYTHON" -c "$supported" 2>/dev/null; then
        version=$("$PYTHON" -c \
            'import platform; print(platform.python_version())' 2>/dev/null)
        echo "make install: PYTHON=$PYTHON" \
             "$([ -n "$version" ] && echo "is Python $version" ||
                echo 'does not run');" \
             'MXNet 1.9.1 and the pinned packages were tested with' \
             'Python 3.10 to 3.15: install one of those and name it,' \
             'e.g. PYTHON=python3.13.' >&2
        exit 1
    fi
    command -v "$PYTHON"
    exit 0
fi
for candidate in python3.11 python3.12 python3.13 python3.14 python3.15 \
        python3.10 python3; do
    if "$candidate" -c "$supported" 2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done
echo 'make install: MXNet 1.9.1 and the pinned packages need Python 3.10 to' \
     '3.15; install one (e.g. python3.13) or set PYTHON=/path/to/python3.13.' >&2
exit 1
