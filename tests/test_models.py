"""The CIFAR variant of ResNet-18."""
from mxnet import init, nd
from mxnet.gluon import nn
import pytest

import d2l


@pytest.fixture(scope='module')
def net():
    net = d2l.resnet18(10)
    net.initialize(init=init.Xavier())
    return net


def test_output_shape(net):
    assert net(nd.zeros((2, 3, 32, 32))).shape == (2, 10)


def test_stem_keeps_resolution_and_stages_halve_it(net):
    X = nd.zeros((1, 3, 32, 32))
    shapes = []
    for layer in net:
        X = layer(X)
        shapes.append(X.shape)
    # conv, bn, relu, four stages, global pooling, dense: no max-pooling.
    assert len(net) == 9
    assert not any(isinstance(layer, nn.MaxPool2D) for layer in net)
    assert shapes[2] == (1, 64, 32, 32)
    assert shapes[3:7] == [(1, 64, 32, 32), (1, 128, 16, 16),
                           (1, 256, 8, 8), (1, 512, 4, 4)]
    assert shapes[-1] == (1, 10)


def test_stem_is_3x3_stride_1(net):
    stem = net[0]
    assert stem._kwargs['kernel'] == (3, 3)
    assert stem._kwargs['stride'] == (1, 1)


def test_two_residual_blocks_per_stage(net):
    for stage in list(net)[3:7]:
        assert [type(b) for b in stage] == [d2l.Residual] * 2


def test_parameter_count(net):
    # ResNet-18 for CIFAR-10 has about 11.2 million parameters.
    count = sum(p.data().size for p in net.collect_params().values())
    assert 11.1e6 < count < 11.3e6


def test_width_narrows_every_stage():
    net = d2l.resnet18(10, width=16)
    net.initialize(init=init.Xavier())
    X = nd.zeros((1, 3, 32, 32))
    shapes = []
    for layer in net:
        X = layer(X)
        shapes.append(X.shape)
    assert shapes[3:7] == [(1, 16, 32, 32), (1, 32, 16, 16),
                           (1, 64, 8, 8), (1, 128, 4, 4)]
    # Convolutions dominate: a quarter of the channels, about a sixteenth
    # of the weights.
    count = sum(p.data().size for p in net.collect_params().values())
    assert 11.1e6 / 17 < count < 11.3e6 / 15


@pytest.mark.parametrize('bad', [0, -1, 2.5, '10'])
def test_bad_num_classes(bad):
    with pytest.raises(ValueError, match='num_classes must be a positive'):
        d2l.resnet18(bad)


@pytest.mark.parametrize('bad', [0, 16.0])
def test_bad_width(bad):
    with pytest.raises(ValueError, match='width must be a positive'):
        d2l.resnet18(10, width=bad)


def test_static_hybridization_follows_changing_batch_shapes():
    # The chapter hybridizes with static_alloc and static_shape, and its
    # loaders end each epoch with a smaller batch: the results must match
    # those of the imperative network step for step.
    from mxnet import autograd, gluon
    import mxnet as mx

    def train(static):
        mx.random.seed(0)
        net = d2l.resnet18(10, width=4)
        net.initialize(init=init.Xavier())
        if static:
            net.hybridize(static_alloc=True, static_shape=True)
        trainer = gluon.Trainer(net.collect_params(), 'adam',
                                {'learning_rate': 0.01})
        loss = gluon.loss.SoftmaxCrossEntropyLoss()
        X = nd.arange(16 * 3 * 8 * 8).reshape((16, 3, 8, 8)).sin()
        y = nd.arange(16) % 10
        losses = []
        for n in (16, 6, 16, 6):
            with autograd.record():
                l = loss(net(X[:n]), y[:n])
            l.backward()
            trainer.step(n)
            losses.append(l.mean().asscalar())
        return losses, net(X[:5]).asnumpy()

    (static_losses, static_out), (losses, out) = train(True), train(False)
    assert static_losses == pytest.approx(losses, rel=1e-4)
    assert static_out == pytest.approx(out, rel=1e-3, abs=1e-4)
