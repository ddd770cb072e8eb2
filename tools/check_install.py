"""Import MXNet and d2l as `make install` left them; say which MXNet runs.

Prints where MXNet comes from (the venv's pip wheel or the interpreter's
own, as in NVIDIA's container), its version, whether it was built with
CUDA, and the devices d2l will train on.
"""
import os
import sys

# d2l first: it prepares what MXNet needs as it loads (d2l/preload.py),
# for mxnet-cu112 the driver and the CUDA libraries.
try:
    import d2l
    import mxnet
except ImportError as err:  # e.g. mxnet-cu112 without the NVIDIA driver
    sys.exit(f'make install: {err}')
except OSError as err:  # A shared library that the wheel links is missing.
    sys.exit(f'make install: MXNet cannot load its libraries ({err}).')
import numpy  # noqa: E402


def describe(module):
    """`module`'s folder, and whether it is the venv's or the system's."""
    folder = os.path.dirname(os.path.abspath(module.__file__))
    inside = folder.startswith(os.path.join(sys.prefix, ''))
    return f'{folder} ({"venv" if inside else "system"})'


features = mxnet.runtime.Features()
cuda = ', '.join(name for name in ('CUDA', 'CUDNN', 'NCCL')
                 if features.is_enabled(name))
print(f'mxnet {mxnet.__version__} from {describe(mxnet)}, built '
      f'{f"with {cuda}" if cuda else "without CUDA"}')
print(f'numpy {numpy.__version__} from {describe(numpy)}')
print(f'd2l will train on {d2l.try_all_gpus()}')
