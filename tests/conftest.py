"""Import d2l before any test module imports mxnet, so that MXNet loads
with every usable core (d2l.preload), as it does in the chapter."""
import os

import d2l  # noqa: F401

# Run under `make test VENV=...`, the tests' own `make` calls would inherit
# that make's variables (VENV, PYTHON) through MAKEFLAGS; each test names
# what it needs.
for _variable in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL'):
    os.environ.pop(_variable, None)
