#!/usr/bin/env bash
# Print a Python that MXNet 1.9.1 runs on (3.8 to 3.11, newest first).
# numpy 1.23.5, the last numpy that MXNet 1.9.1 imports with, has no wheels
# past Python 3.11.
for candidate in ${PYTHON:-} python3.11 python3.10 python3.9 python3.8 python3; do
    if "$candidate" -c 'import sys; sys.exit(not (3, 8) <= sys.version_info[:2] <= (3, 11))' \
            2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done
echo 'make install: MXNet 1.9.1 needs Python 3.8-3.11 (numpy<=1.23.5 has no' \
     'wheels for 3.12+); install python3.11 or set PYTHON=/path/to/python3.11.' >&2
exit 1
