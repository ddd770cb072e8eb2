"""split_batch and the device helpers."""
import ctypes
import os

import mxnet as mx
import numpy as np
from mxnet import nd
import pytest

import d2l
from printed import notes

CPUS = [mx.cpu(0), mx.cpu(1), mx.cpu(2)]


@pytest.mark.parametrize('n, sizes', [(9, [3, 3, 3]), (10, [4, 3, 3]),
                                      (11, [4, 4, 3]), (2, [1, 1])])
def test_split_batch_uneven(n, sizes):
    X = nd.arange(n * 2).reshape((n, 2))
    y = nd.arange(n)
    Xs, ys = d2l.split_batch(X, y, CPUS)
    assert [x.shape[0] for x in Xs] == sizes
    assert [part.shape[0] for part in ys] == sizes
    assert [x.context for x in Xs] == CPUS[:len(sizes)]
    assert [part.context for part in ys] == CPUS[:len(sizes)]
    # Nothing lost, nothing repeated, order kept, features stay with labels.
    assert nd.concat(*ys, dim=0).asnumpy().tolist() == list(range(n))
    for x, part in zip(Xs, ys):
        assert (x[:, 0] == part * 2).asnumpy().all()


def test_split_batch_mismatched_lengths():
    with pytest.raises(ValueError, match='X has 4 examples but y has 3'):
        d2l.split_batch(nd.zeros((4, 2)), nd.zeros(3), CPUS)


def test_split_batch_no_devices():
    with pytest.raises(ValueError, match='split_batch: no devices given'):
        d2l.split_batch(nd.zeros((4, 2)), nd.zeros(4), [])


def test_try_all_gpus_falls_back_to_cpu(monkeypatch, capsys):
    monkeypatch.setattr(mx.context, 'num_gpus', lambda: 0)
    assert d2l.try_all_gpus() == [mx.cpu()]
    assert d2l.try_gpu() == mx.cpu()
    # The CPU build has no GPU to explain (a CUDA build says why: see
    # test_cuda_build.py).
    assert capsys.readouterr().out == ''


def test_unusable_gpu_warns_once_and_falls_back(monkeypatch, capsys):
    # One GPU more than there is: MXNet sees it but cannot run a kernel on
    # it, as with a Hopper GPU and the sm_50-sm_86 wheel.
    real = mx.context.num_gpus()
    monkeypatch.setattr(mx.context, 'num_gpus', lambda: real + 1)
    d2l.devices._gpu_runs.cache_clear()
    try:
        usable = d2l.try_all_gpus()
        assert d2l.try_gpu(real) == mx.cpu()
    finally:
        d2l.devices._gpu_runs.cache_clear()
    assert usable == ([mx.gpu(i) for i in range(real)] or [mx.cpu()])
    err = notes(capsys.readouterr().out)
    assert len(err) == 1
    assert f'gpu({real}) is present but MXNet cannot run on it' in err[0]
    assert 'using the CPU' in err[0]


def _worker_openmp_threads(ctx):
    """omp_get_max_threads() as seen on the engine worker of `ctx`."""
    openmp, seen = ctypes.CDLL('libgomp.so.1'), []
    d2l.devices.run_on_worker(ctx, lambda: seen.append(
        openmp.omp_get_max_threads()))
    return seen[0]


def test_batched_augmentation_gets_a_cpu_worker_with_one_thread():
    ctx = d2l.augment_context(mx.cpu(0))
    threads = int(os.environ['OMP_NUM_THREADS'])  # set by d2l
    if threads < 2:  # One core: nothing to set apart.
        assert ctx == mx.cpu(0)
        return
    assert ctx == mx.cpu(1)
    assert _worker_openmp_threads(ctx) == 1
    # Training keeps every thread d2l gave MXNet.
    assert _worker_openmp_threads(mx.cpu(0)) == threads


@pytest.mark.parametrize('environ', [
    {'OMP_NUM_THREADS': '1'},
    {'OMP_NUM_THREADS': '2', 'MXNET_ENGINE_TYPE': 'NaiveEngine'},
    {'OMP_NUM_THREADS': '2', 'MXNET_CPU_WORKER_NTHREADS': '2'}])
def test_augmentation_stays_where_no_worker_can_be_set_apart(environ):
    assert d2l.augment_context(mx.cpu(0), environ) == mx.cpu(0)


def test_a_gpu_augments_on_itself():
    # Nothing runs on the GPU: this needs none.
    assert d2l.augment_context(mx.gpu(0), {'OMP_NUM_THREADS': '2'}) == \
        mx.gpu(0)


def test_device_loader_yields_batches_on_its_ctx():
    images = np.arange(6 * 2 * 2 * 3, dtype=np.uint8).reshape((6, 2, 2, 3))
    loader = d2l.DeviceLoader(images, np.arange(6), 4, ctx=mx.cpu(0),
                              augment=lambda X: X * 2)
    assert loader.augment_ctx == d2l.augment_context(mx.cpu(0))
    batches = list(loader)
    assert [X.context for X, _ in batches] == [mx.cpu(0)] * 2
    assert [y.context for _, y in batches] == [mx.cpu(0)] * 2
    X = nd.concat(*[X for X, _ in batches], dim=0).asnumpy()
    expected = images.transpose((0, 3, 1, 2)) / 255 * 2
    assert np.allclose(X, expected)
