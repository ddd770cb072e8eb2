"""Devices: finding usable GPUs, splitting batches across devices, and
the CPU device that batched augmentation runs on."""
import ctypes
import functools
import os

import mxnet as mx
from mxnet import nd
from mxnet.base import _LIB, check_call

from .notes import say
from .preload import usable_cores


@functools.lru_cache(maxsize=None)
def _gpu_runs(i):
    """Whether MXNet can run a kernel on GPU `i` (not just see it)."""
    try:
        return (nd.ones((2, 2), ctx=mx.gpu(i)) * 2).sum().asscalar() == 8
    except mx.base.MXNetError as err:
        # The mxnet-cu112 1.9.1 wheel has kernels for sm_50 to sm_86 only,
        # so newer GPUs (Hopper, sm_90) answer "no kernel image".
        reason = str(err).strip().splitlines()[0][:160]
        say(f'gpu({i}) is present but MXNet cannot run on it '
            f'({reason}); using the CPU instead.')
        return False


def _cuda_runtime():
    """The CUDA runtime that mxnet-cu112 loaded, or None: an MXNet built
    against another CUDA runtime."""
    try:
        return ctypes.CDLL('libcudart.so.11.0')
    except OSError:
        return None


@functools.lru_cache(maxsize=None)
def _say_why_no_gpu():
    """Print, once, why a CUDA build of MXNet trains on the CPU.

    MXNet 1.9.1's num_gpus() answers 0 alike for "no device" and "driver
    too old"; the CUDA runtime that MXNet loaded names the reason.
    """
    cudart = _cuda_runtime()
    if cudart is None:
        reason = 'unknown: no libcudart.so.11.0 to ask'
    else:
        cudart.cudaGetErrorString.restype = ctypes.c_char_p
        error = cudart.cudaGetDeviceCount(ctypes.byref(ctypes.c_int()))
        reason = cudart.cudaGetErrorString(error).decode()
    say(f'this MXNet is a CUDA build, but CUDA finds no usable GPU '
        f'({reason}); training on the CPU.')


def pci_bus_id(text):
    """A PCI bus id such as '00000000:3B:00.0' as (domain, bus, device,
    function): nvidia-smi and the CUDA runtime write the domain apart."""
    domain, bus, rest = text.strip().split(':')
    device, function = rest.split('.')
    return tuple(int(part, 16) for part in (domain, bus, device, function))


def gpu_bus_id(i):
    """The PCI bus id (see `pci_bus_id`) of MXNet's gpu(i), or None where
    the CUDA runtime cannot tell. MXNet numbers the GPUs as CUDA does:
    those CUDA_VISIBLE_DEVICES leaves, in CUDA's order."""
    cudart = _cuda_runtime()
    if cudart is None:
        return None
    text = ctypes.create_string_buffer(64)
    if cudart.cudaDeviceGetPCIBusId(text, len(text), i) != 0:
        return None
    return pci_bus_id(text.value.decode())


def _num_gpus():
    try:
        count = mx.context.num_gpus()
    except mx.base.MXNetError:  # A CUDA build without a working driver.
        count = 0
    if count == 0 and mx.runtime.Features().is_enabled('CUDA'):
        _say_why_no_gpu()
    return count


def try_gpu(i=0):
    """Return gpu(i) if MXNet can run on it, otherwise cpu()."""
    if i < _num_gpus() and _gpu_runs(i):
        return mx.gpu(i)
    return mx.cpu()


def try_all_gpus():
    """Return every GPU MXNet can run on, or [cpu()] if there is none."""
    devices = [mx.gpu(i) for i in range(_num_gpus()) if _gpu_runs(i)]
    return devices or [mx.cpu()]


def check_devices(devices, caller):
    """Raise one clear error unless `devices` lists distinct devices.

    A repeated device would hold two copies of the net that Gluon cannot
    tell apart, and its share of each minibatch would be trained twice.
    """
    devices = list(devices or [])
    if not devices:
        raise ValueError(f'{caller}: no devices given; pass at least one, '
                         f'e.g. d2l.try_all_gpus().')
    repeated = sorted({str(d) for d in devices if devices.count(d) > 1})
    if repeated:
        raise ValueError(f'{caller}: devices {devices} name '
                         f'{", ".join(repeated)} more than once; list each '
                         f'device once, e.g. d2l.try_all_gpus().')
    return devices


def split_batch(X, y, ctx_list):
    """Split `X` and `y` into consecutive parts, one per device.

    Parts differ in size by at most one example, so a last batch that does
    not divide evenly still uses every device; a batch with fewer examples
    than devices uses only the first `len(X)` devices.
    """
    if X.shape[0] != y.shape[0]:
        raise ValueError(f'split_batch: X has {X.shape[0]} examples but y '
                         f'has {y.shape[0]}; pass features and labels of '
                         f'the same batch.')
    check_devices(ctx_list, 'split_batch')
    base, extra = divmod(X.shape[0], len(ctx_list))
    Xs, ys, start = [], [], 0
    for i, ctx in enumerate(ctx_list[:X.shape[0]]):
        stop = start + base + (i < extra)
        Xs.append(X[start:stop].as_in_context(ctx))
        ys.append(y[start:stop].as_in_context(ctx))
        start = stop
    return Xs, ys


# Batched augmentation on a CPU. MXNet runs each CPU device id's operators
# on an engine worker thread of its own, and each operator starts as many
# OpenMP threads as that worker's OpenMP setting says. Measured on 2 cores
# (docs/performance.md, Input pipeline): the many small operators of
# batched augmentation run about half as fast with two threads as with
# one, with stalls of several milliseconds where three busy threads
# (Python's, the worker and its OpenMP helper) share two cores; ResNet's
# convolutions gain half as much again from the second core. So the
# augmentation runs on a second CPU device whose worker has one OpenMP
# thread, and training keeps every core on cpu(0).
_AUGMENT_CPU_ID = 1

# MXNet's C API: a function for MXEnginePushSync, and its Context.
_ENGINE_SYNC_FUNC = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class _Context(ctypes.Structure):
    _fields_ = [('dev_type', ctypes.c_int32), ('dev_id', ctypes.c_int32)]


def run_on_worker(ctx, function):
    """Call `function()` on the engine worker thread of `ctx`; wait."""
    callback = _ENGINE_SYNC_FUNC(lambda run_context, param: function())
    where = _Context(ctx.device_typeid, ctx.device_id)
    check_call(_LIB.MXEnginePushSync(
        callback, None, None, ctypes.byref(where), None, 0, None, 0, None,
        0, None))
    nd.waitall()  # Also keeps `callback` alive until it has run.


@functools.lru_cache(maxsize=None)
def _single_threaded_cpu():
    """cpu(1) with its worker at one OpenMP thread, or None where MXNet's
    OpenMP runtime (libgomp, as the pip wheels link) is not to be had."""
    try:
        openmp = ctypes.CDLL('libgomp.so.1')  # The one libmxnet.so loaded.
    except OSError:
        return None
    ctx = mx.cpu(_AUGMENT_CPU_ID)
    run_on_worker(ctx, lambda: openmp.omp_set_num_threads(1))
    return ctx


def augment_context(ctx, environ=os.environ):
    """The device that d2l's batched augmentation runs on for batches
    used on `ctx`: `ctx` itself, except on a CPU with more than one
    OpenMP thread, where it is cpu(1), whose worker uses one.

    Unchanged where the worker could not be set apart: with MXNet's
    NaiveEngine (operators run on the calling thread) or several CPU
    workers (MXNET_CPU_WORKER_NTHREADS).
    """
    threads = environ.get('OMP_NUM_THREADS', str(usable_cores()))
    shared = (environ.get('MXNET_ENGINE_TYPE', 'ThreadedEnginePerDevice')
              != 'ThreadedEnginePerDevice'
              or environ.get('MXNET_CPU_WORKER_NTHREADS', '1') != '1')
    if (ctx.device_type != 'cpu' or ctx.device_id == _AUGMENT_CPU_ID
            or not threads.isdigit() or int(threads) < 2 or shared):
        return ctx
    return _single_threaded_cpu() or ctx
