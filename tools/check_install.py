"""Import MXNet and d2l as `make install` left them; name the devices."""
import sys

try:
    import mxnet
except OSError as err:  # A shared library that the wheel links is missing.
    sys.exit(f'make install: MXNet cannot load its libraries ({err}). '
             f'mxnet-cu112 needs the NVIDIA driver (libcuda.so.1); on a '
             f'machine without one, run `make install MXNET=mxnet`.')

import d2l  # noqa: E402 (only once MXNet is known to load)

print(f'mxnet {mxnet.__version__} ready; d2l will train on '
      f'{d2l.try_all_gpus()}')
