"""Training over several devices gives one net: two CPU contexts stand in
for two GPUs (issue 27)."""
import dataclasses
import subprocess

import mxnet as mx
from mxnet import gluon, init, nd
from mxnet.gluon import nn
import numpy as np
import pytest

import d2l

CPUS = [mx.cpu(0), mx.cpu(1)]
TINY = dataclasses.replace(d2l.BUDGETS['quick'], num_train=128, num_test=64,
                           num_curve_test=64, num_epochs=2, width=4)


def _on_one_device(net, tmp_path, ctx=mx.cpu(0)):
    """A fresh copy of `net`'s parameters, on `ctx` alone."""
    path = str(tmp_path / 'net.params')
    net.save_parameters(path)
    single = d2l.resnet18(10, width=TINY.width)
    single.load_parameters(path, ctx=ctx)
    return single


def _running_stats_agree(net):
    return all(np.array_equal(p.data(CPUS[0]).asnumpy(),
                              p.data(CPUS[1]).asnumpy())
               for p in net.collect_params('.*running_.*').values())


def _split_scores(net, X):
    """`net`'s class scores for `X` split over both devices, as scored."""
    Xs, _ = d2l.split_batch(X, nd.zeros(len(X)), CPUS)
    return np.concatenate([net(part).asnumpy() for part in Xs])


def _cifar_iter(train, n, batch_size=32):
    to_tensor = gluon.data.vision.transforms.ToTensor()
    dataset = d2l.CIFAR10(train=train).take(n).transform_first(to_tensor)
    return gluon.data.DataLoader(dataset, batch_size=batch_size)


@pytest.mark.real_data
def test_train_ch12_and_score_final_give_one_net(tmp_path):
    # Each device's BatchNorm updates its own running statistics; scored
    # split over two devices, the net must be the net one device scores,
    # and the one its saved parameters hold.
    d2l.seed_all(0)
    net = d2l.resnet18(10, width=TINY.width)
    net.initialize(init.Xavier(), ctx=CPUS)
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {'learning_rate': 0.001})
    train_iter = _cifar_iter(True, TINY.num_train)
    test_iter = _cifar_iter(False, TINY.num_test)
    result = d2l.train_ch12(net, train_iter, test_iter,
                            gluon.loss.SoftmaxCrossEntropyLoss(), trainer,
                            TINY.num_epochs, CPUS)
    scored = d2l.score_final(result, net, train_iter, test_iter)
    assert _running_stats_agree(net)
    X, _ = next(iter(test_iter))
    for ctx in CPUS:
        single = _on_one_device(net, tmp_path, ctx)
        assert d2l.score_test(single, test_iter)['test_outcomes'] == \
            scored['test_outcomes']
        # Scores, not just outcomes: a few images near a tie would let
        # nets that differ slightly pass the line above.
        np.testing.assert_allclose(_split_scores(net, X),
                                   single(X.as_in_context(ctx)).asnumpy(),
                                   rtol=1e-4, atol=1e-5)
    assert scored['num_test'] == TINY.num_test


@pytest.mark.real_data
def test_train_recipe_on_two_devices(tmp_path):
    # The data lives on the first of `devices` (here cpu(1)), and the
    # final scores are those of the saved net on one device.
    devices = [mx.cpu(1), mx.cpu(0)]
    run, net, test_iter = d2l.train_recipe(d2l.BatchFlipLeftRight(), TINY,
                                           devices=devices)
    X, _ = next(iter(test_iter))
    assert X.context == devices[0]
    assert _running_stats_agree(net)
    single = _on_one_device(net, tmp_path)
    np.testing.assert_allclose(
        _split_scores(net, X.as_in_context(mx.cpu(0))),
        single(X.as_in_context(mx.cpu(0))).asnumpy(), rtol=1e-4, atol=1e-5)
    assert d2l.score_test(single, test_iter) == {
        key: run[key] for key in ('test_acc', 'num_test', 'test_outcomes')}


def test_evaluation_averages_batchnorm_statistics():
    net = nn.BatchNorm(in_channels=2)
    net.initialize(ctx=CPUS)
    net.running_mean.data(CPUS[1])[:] = nd.array([2, 4])
    net.running_var.data(CPUS[1])[:] = nd.array([3, 5])
    X = nd.ones((4, 2))
    d2l.evaluate_outcomes(net, [(X, nd.zeros(4))])
    for ctx in CPUS:
        np.testing.assert_array_equal(net.running_mean.data(ctx).asnumpy(),
                                      [1, 2])
        np.testing.assert_array_equal(net.running_var.data(ctx).asnumpy(),
                                      [2, 3])


def _dense_after_steps(ctx_list, batches):
    mx.random.seed(0)
    net = nn.Dense(3, in_units=4)
    net.initialize(init.Xavier(), ctx=ctx_list)
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'learning_rate': 0.5})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    for X, y in batches:
        d2l.train_batch_ch12(net, X, y, loss, trainer, ctx_list)
    return net.weight.data(ctx_list[0]).asnumpy()


def test_a_batch_smaller_than_the_devices_trains_as_one_device():
    # Two examples (one per device), then one: the idle device must not
    # add its gradient of the step before.
    rng = np.random.RandomState(0)
    X = nd.array(rng.normal(size=(3, 4)))
    y = nd.array([0, 1, 2])
    batches = [(X[:2], y[:2]), (X[2:], y[2:])]
    one = _dense_after_steps([mx.cpu(0)], batches)
    two = _dense_after_steps(CPUS, batches)
    np.testing.assert_allclose(two, one, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('devices, cause', [
    ([], 'no devices given'),
    ([mx.cpu(0), mx.cpu(0)], r'name cpu\(0\) more than once')])
def test_bad_devices_give_one_clear_error(devices, cause):
    net = nn.Dense(3)
    data = [(nd.zeros((2, 4)), nd.zeros(2))]
    with pytest.raises(ValueError, match=f'train_ch12: .*{cause}.*'
                                         r'd2l.try_all_gpus\(\)'):
        d2l.train_ch12(net, data, data, gluon.loss.L2Loss(), None, 1,
                       devices)
    with pytest.raises(ValueError, match=f'train_recipe: .*{cause}'):
        d2l.train_recipe(None, TINY, devices=devices)
    with pytest.raises(ValueError, match=f'split_batch: .*{cause}'):
        d2l.split_batch(nd.zeros((2, 4)), nd.zeros(2), devices)


def test_train_ch12_reads_the_sums_once_per_plotted_point(monkeypatch,
                                                          capsys):
    # Reading a value waits for the device: once per point on the plot
    # (five per epoch here), not at every one of the ten steps.
    rng = np.random.RandomState(1)
    X = rng.normal(size=(100, 4)).astype('float32')
    y = rng.randint(0, 3, size=100).astype('float32')
    train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y),
                                       batch_size=10)
    test_iter = [(nd.array(X[:10]), nd.array(y[:10]))]
    net = nn.Dense(3, in_units=4)
    net.initialize(init.Xavier(), ctx=CPUS)
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'learning_rate': 0.1})
    reads = []
    for name in ('asnumpy', 'asscalar'):
        original = getattr(nd.NDArray, name)
        monkeypatch.setattr(nd.NDArray, name, lambda self, f=original: (
            reads.append(self.shape), f(self))[1])
    result = d2l.train_ch12(net, train_iter, test_iter,
                            gluon.loss.SoftmaxCrossEntropyLoss(), trainer,
                            1, CPUS)
    # Five points of the training curve, then the test batch's two parts.
    assert len(reads) == 5 + 2
    assert 0 < result['train_loss'] and 0 <= result['train_acc'] <= 1


SMI = ('00000000:3B:00.0, Tesla V100-SXM2-16GB\n'
       '00000000:AF:00.0, NVIDIA A100-SXM4-40GB\n')


@pytest.mark.parametrize('bus_ids, names', [
    # No CUDA_VISIBLE_DEVICES: CUDA's order may still differ from
    # nvidia-smi's (CUDA_DEVICE_ORDER=FASTEST_FIRST).
    ({0: '0000:AF:00.0', 1: '0000:3B:00.0'},
     'NVIDIA A100-SXM4-40GB, Tesla V100-SXM2-16GB'),
    # CUDA_VISIBLE_DEVICES=1: MXNet's gpu(0) is nvidia-smi's second GPU.
    ({0: '0000:AF:00.0'}, 'NVIDIA A100-SXM4-40GB'),
    ({}, '1 GPU(s)')])  # The CUDA runtime cannot tell.
def test_describe_hardware_names_the_gpus_mxnet_uses(monkeypatch, bus_ids,
                                                     names):
    monkeypatch.setattr(d2l.results.subprocess, 'run', lambda *a, **k: (
        subprocess.CompletedProcess(a, 0, stdout=SMI)))
    monkeypatch.setattr(d2l.results, 'gpu_bus_id', lambda i: (
        d2l.devices.pci_bus_id(bus_ids[i]) if i in bus_ids else None))
    gpus = [mx.gpu(i) for i in range(max(len(bus_ids), 1))]
    assert d2l.describe_hardware(gpus) == names


def test_gpu_bus_id_without_a_cuda_runtime():
    # The CPU build of MXNet loads no CUDA runtime.
    if mx.runtime.Features().is_enabled('CUDA'):
        pytest.skip('a CUDA build of MXNet')
    assert d2l.devices.gpu_bus_id(0) is None
