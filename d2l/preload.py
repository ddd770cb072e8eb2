"""Preload: what must happen before MXNet loads, in one place.

`prepare_mxnet` is the entry point; `import d2l` calls it first.

Threads. MXNet 1.9.1 on x86 assumes hyper-threading and starts half as
many OpenMP threads as there are processors: one on a 2-core machine
without it, where ResNet-18 then trains at two thirds of the speed that
both cores give. MXNet reads OMP_NUM_THREADS only when it loads.

NumPy names. MXNet 1.9.1 (2022) reads names from NumPy as it loads and when
it runs that later NumPy releases removed (`np.bool` in 1.24, `np.PZERO`,
`np.alltrue`, `np.compat` ... in 2.0, `np.in1d`, `np.trapz` and the
`numpy.compat` module in 2.4). Restored where missing, MXNet runs on NumPy
1.24 to 2.5. NumPy 2.3 removed `ndarray.tostring`, a method no module
attribute can bring back; MXNet calls it only in `mxnet.recordio.pack` and
`pack_img`, which d2l replaces once MXNet has loaded (d2l/recordio.py).
NumPy 2 writes a
scalar as `np.int64(19)`, which MXNet cannot parse where it passes
operator parameters as text; d2l has NumPy 2 print scalars as 1.25 did.
Python 3.12 removed `distutils`, whose LooseVersion MXNet imports;
setuptools provides it.

CUDA. The mxnet-cu112 wheel ships no CUDA libraries; the nvidia-*-cu11
wheels (requirements-cuda.txt) put them in site-packages/nvidia/*/lib, a
folder the dynamic loader does not search. Loaded by path first, they are
found by name when libmxnet.so asks for them, whatever LD_LIBRARY_PATH says.
"""
import builtins
import ctypes
import importlib
import importlib.util
import math
import os
import pathlib
import struct
import sys
import types
import warnings

# cgroup v2's CPU limit for this process ("max" or "QUOTA PERIOD").
_CGROUP_CPU_MAX = '/sys/fs/cgroup/cpu.max'


def usable_cores(cpu_max_path=_CGROUP_CPU_MAX):
    """Cores this process may run on: its CPU affinity, capped by a
    container's CPU quota (as `docker run --cpus` sets) where there is one.
    """
    if hasattr(os, 'sched_getaffinity'):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    try:
        with open(cpu_max_path) as f:
            quota, period = f.read().split()[:2]
        if quota != 'max':
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # No cgroup v2 limit readable: the affinity is the limit.
    return cores


def _mxnet_loaded(modules):
    # An `import mxnet` that failed half-way (e.g. on a NumPy name) leaves
    # mxnet.base, and with it the library, loaded.
    return 'mxnet' in modules or 'mxnet.base' in modules


def use_all_cores(environ=os.environ, modules=sys.modules):
    """Set OMP_NUM_THREADS to the usable cores unless the user chose.

    Returns a one-line note that says what MXNet computes with.
    """
    if 'OMP_NUM_THREADS' in environ:
        return (f'd2l: MXNet computes with OMP_NUM_THREADS='
                f'{environ["OMP_NUM_THREADS"]} as set.')
    if _mxnet_loaded(modules):
        return ('d2l: mxnet was imported before d2l, so it keeps its own '
                'OpenMP thread count (half the processors on x86); import '
                'd2l first or set OMP_NUM_THREADS.')
    cores = usable_cores()
    environ['OMP_NUM_THREADS'] = str(cores)
    return (f'd2l: MXNet computes with {cores} OpenMP thread'
            f'{"s" if cores > 1 else ""}, one per usable core; set '
            f'OMP_NUM_THREADS to choose another number.')


# The newest NumPy that MXNet 1.9.1 was tested with, its removals restored.
NEWEST_NUMPY = (2, 5)

# As NumPy 1.23 had them.
_REMOVED_VALUES = {
    'PZERO': 0.0, 'NZERO': -0.0, 'PINF': math.inf, 'NINF': -math.inf,
    'Inf': math.inf, 'NAN': math.nan, 'NaN': math.nan,
    'bool': builtins.bool, 'int': builtins.int,
}
# Old names of functions that NumPy kept under new ones. Wrappers, not
# aliases: MXNet's __array_function__ table is keyed by the NumPy function,
# so an alias would hand `np.all` to MXNet's `alltrue`.
_RENAMED = {'alltrue': 'all', 'sometrue': 'any', 'product': 'prod',
            'round_': 'round', 'trapz': 'trapezoid'}
# Moved to the numpy-financial package in NumPy 1.20; MXNet lists them.
_FINANCIAL = ('mirr', 'npv', 'pmt', 'ppmt', 'pv', 'rate')


def _renamed(old, new, numpy):
    def wrapper(*args, **kwargs):
        return getattr(numpy, new)(*args, **kwargs)
    wrapper.__name__ = wrapper.__qualname__ = old
    wrapper.__doc__ = f'numpy.{old}, removed from NumPy: numpy.{new}.'
    return wrapper


def _msort(numpy):
    def msort(a):
        """numpy.msort, removed from NumPy: a sorted along axis 0."""
        return numpy.sort(a, axis=0)
    return msort


def _financial(name):
    def removed(*args, **kwargs):
        raise RuntimeError(f'numpy.{name} moved to the numpy-financial '
                           f'package in NumPy 1.20: use numpy_financial.'
                           f'{name}.')
    removed.__name__ = removed.__qualname__ = name
    return removed


def _in1d(numpy):
    def in1d(ar1, ar2, *args, **kwargs):
        """numpy.in1d, removed from NumPy 2.4: numpy.isin, flattened."""
        return numpy.isin(ar1, ar2, *args, **kwargs).ravel()
    return in1d


def _compat(numpy, modules):
    # NumPy 2.0 to 2.3 keep numpy.compat importable, deprecated, but no
    # longer import it themselves; 2.4 has none. MXNet reads only
    # numpy.compat.basestring.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            return importlib.import_module(f'{numpy.__name__}.compat')
    except ImportError:
        compat = types.ModuleType(f'{numpy.__name__}.compat', 'd2l: what '
                                  'MXNet 1.9.1 reads of numpy.compat.')
        compat.basestring = str
        modules[compat.__name__] = compat
        return compat


def _numpy_has(numpy, name):
    # NumPy 1.20 to 1.23 answer the financial names with a stand-in that
    # warns on access; that counts as present.
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        return hasattr(numpy, name)


def numpy_names_missing(numpy):
    """The names MXNet 1.9.1 uses that `numpy` lacks, in a stable order."""
    names = [*_REMOVED_VALUES, *_RENAMED, 'msort', *_FINANCIAL, 'compat',
             'in1d']
    return [name for name in names if not _numpy_has(numpy, name)]


def restore_numpy_names(numpy=None, modules=sys.modules):
    """Give NumPy back the names MXNet 1.9.1 uses, only where missing.

    Returns a note naming what was restored, or None if nothing was.
    Raises ImportError for a NumPy newer than NEWEST_NUMPY.
    """
    if numpy is None:
        import numpy
    version = tuple(int(part) for part in numpy.__version__.split('.')[:2])
    if version > NEWEST_NUMPY:
        newest = '.'.join(map(str, NEWEST_NUMPY))
        raise ImportError(
            f'd2l: NumPy {numpy.__version__} is newer than any that d2l '
            f'and MXNet 1.9.1 were tested with (up to {newest}); install '
            f'NumPy {newest}: pip install "numpy<={newest}.99" (make '
            f'install does).')
    if version >= (2, 0):
        # NumPy 2 writes a scalar as `np.int64(19)`, and MXNet passes
        # operator parameters as text (`end=(19, 22)`): print as 1.25 did.
        numpy.set_printoptions(legacy='1.25')
    missing = numpy_names_missing(numpy)
    if not missing:
        return None
    for name in missing:
        if name in _REMOVED_VALUES:
            value = _REMOVED_VALUES[name]
        elif name in _RENAMED:
            value = _renamed(name, _RENAMED[name], numpy)
        elif name == 'msort':
            value = _msort(numpy)
        elif name == 'compat':
            value = _compat(numpy, modules)
        elif name == 'in1d':
            value = _in1d(numpy)
        else:
            value = _financial(name)
        setattr(numpy, name, value)
    note = (f'd2l: restored {len(missing)} names that MXNet 1.9.1 uses and '
            f'NumPy {numpy.__version__} lacks ({", ".join(missing)})')
    note += ('; NumPy scalars print as in 1.25, as MXNet expects.'
             if version >= (2, 0) else '.')
    if _mxnet_loaded(modules):
        note += ' mxnet was imported before d2l: import d2l first.'
    return note


def provide_distutils():
    """Make `distutils.version` importable on Python 3.12 and later.

    Importing setuptools installs its copy of distutils where Python has
    none (unless SETUPTOOLS_USE_DISTUTILS=stdlib turned that off).
    """
    try:
        import distutils.version  # noqa: F401
        return
    except ImportError:
        pass
    try:
        import setuptools  # noqa: F401
        import distutils.version  # noqa: F401,F811
    except ImportError:
        raise ImportError(
            f'd2l: MXNet 1.9.1 imports distutils, which Python '
            f'{sys.version_info[0]}.{sys.version_info[1]} no longer has; '
            f'install setuptools (pip install setuptools, as make install '
            f'does) and unset SETUPTOOLS_USE_DISTUTILS.') from None


# What mxnet-cu112 1.9.1 links against, in site-packages/nvidia, each after
# the libraries it needs: cuBLASLt before cuBLAS before cuSOLVER, and
# cuDNN's parts (which it opens by name when it first runs) ops before cnn
# before adv, inference before training.
_CUDA_LIBRARIES = (
    'cuda_runtime/lib/libcudart.so.11.0', 'cublas/lib/libcublasLt.so.11',
    'cublas/lib/libcublas.so.11', 'cusolver/lib/libcusolver.so.11',
    'cuda_nvrtc/lib/libnvrtc.so.11.2', 'cufft/lib/libcufft.so.10',
    'curand/lib/libcurand.so.10', 'nccl/lib/libnccl.so.2',
    'nvtx/lib/libnvToolsExt.so.1', 'cudnn/lib/libcudnn.so.8',
    *(f'cudnn/lib/libcudnn_{part}.so.8' for part in (
        'ops_infer', 'ops_train', 'cnn_infer', 'cnn_train', 'adv_infer',
        'adv_train')),
)


class CUDADriverNotFoundError(ImportError):
    """A CUDA build of MXNet on a machine without the NVIDIA driver."""


def _needed_libraries(path):
    """The libraries that the ELF64 shared library `path` links against
    (its DT_NEEDED entries), read without loading it."""
    with open(path, 'rb') as f:
        def read(offset, size):
            f.seek(offset)
            return f.read(size)
        phoff, = struct.unpack('<Q', read(0x20, 8))
        phentsize, phnum = struct.unpack('<HH', read(0x36, 4))
        loads, dynamic = [], None
        for i in range(phnum):
            kind, _, offset, vaddr, _, size = struct.unpack(
                '<IIQQQQ', read(phoff + i * phentsize, 40))
            if kind == 1:  # PT_LOAD: maps file offsets to addresses
                loads.append((vaddr, offset, size))
            elif kind == 2:  # PT_DYNAMIC
                dynamic = read(offset, size)
        tags = list(struct.iter_unpack('<qQ', dynamic))
        strtab = next(value for tag, value in tags if tag == 5)  # DT_STRTAB
        base = next(offset + strtab - vaddr for vaddr, offset, size in loads
                    if vaddr <= strtab < vaddr + size)
        return [read(base + value, 256).split(b'\0')[0].decode()
                for tag, value in tags if tag == 1]  # DT_NEEDED


def _mxnet_is_a_cuda_build():
    """Whether the MXNet that `import mxnet` would load needs the driver."""
    mxnet = importlib.util.find_spec('mxnet')
    libmxnet = mxnet and pathlib.Path(mxnet.origin).parent / 'libmxnet.so'
    return bool(libmxnet and libmxnet.exists()
                and 'libcuda.so.1' in _needed_libraries(libmxnet))


def load_cuda_libraries(modules=sys.modules):
    """For a CUDA build of MXNet, load the NVIDIA driver and the CUDA
    libraries of the nvidia-*-cu11 wheels, so that MXNet finds them.

    Does nothing for a CPU build or once mxnet is imported. Raises
    CUDADriverNotFoundError, having loaded nothing, if the driver's
    libcuda.so.1 cannot be loaded.
    """
    if _mxnet_loaded(modules) or not _mxnet_is_a_cuda_build():
        return
    try:
        ctypes.CDLL('libcuda.so.1', mode=ctypes.RTLD_GLOBAL)
    except OSError as err:
        raise CUDADriverNotFoundError(
            f'this MXNet is a CUDA build (mxnet-cu112), but the NVIDIA '
            f'driver, libcuda.so.1, cannot be loaded ({err}). On a machine '
            f'without an NVIDIA GPU and driver, install the CPU build: '
            f'`make install MXNET=mxnet`, or `pip install --no-deps '
            f'mxnet==1.9.1` in place of mxnet-cu112.') from None
    nvidia = importlib.util.find_spec('nvidia')
    for folder in (nvidia.submodule_search_locations if nvidia else []):
        for path in (pathlib.Path(folder, name) for name in _CUDA_LIBRARIES):
            if path.exists():
                ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)


def prepare_mxnet():
    """Make MXNet 1.9.1 load as this machine needs; call before it loads.

    Returns the notes to print, one line each.
    """
    provide_distutils()
    notes = [use_all_cores(), load_cuda_libraries(), restore_numpy_names()]
    return [note for note in notes if note]
