#!/usr/bin/env bash
# Print a Python that MXNet 1.9.1 and our pins run on: 3.10 or 3.11.
# numpy 1.23.5, the last numpy that MXNet 1.9.1 imports with, has no wheels
# past 3.11; matplotlib 3.10 and pytest 9, among our pins, need 3.10.
# PYTHON=... names the one to use: if it is not usable, that is an error.
supported='import sys; sys.exit(not (3, 10) <= sys.version_info < (3, 12))'
if [ -n "${PYTHON:-}" ]; then
    if ! command -v "$PYTHON" >/dev/null; then
        echo "make install: PYTHON=$PYTHON: no such interpreter; name an" \
             'installed python3.11 or python3.10, or leave PYTHON unset.' >&2
        exit 1
    fi
    if ! "$PYTHON" -c "$supported" 2>/dev/null; then
        version=$("$PYTHON" -c \
            'import platform; print(platform.python_version())' 2>/dev/null)
        echo "make install: PYTHON=$PYTHON" \
             "$([ -n "$version" ] && echo "is Python $version" ||
                echo 'does not run');" \
             'MXNet 1.9.1 and the pinned packages need Python 3.10 or' \
             '3.11.' >&2
        exit 1
    fi
    command -v "$PYTHON"
    exit 0
fi
for candidate in python3.11 python3.10 python3; do
    if "$candidate" -c "$supported" 2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done
echo 'make install: MXNet 1.9.1 needs Python 3.10 or 3.11 (numpy<=1.23.5' \
     'has no wheels for 3.12+); install python3.11 or set' \
     'PYTHON=/path/to/python3.11.' >&2
exit 1
