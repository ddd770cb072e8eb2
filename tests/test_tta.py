"""Test-time flip averaging through evaluate_accuracy_gpus."""
import mxnet as mx
from mxnet import gluon, nd
import numpy as np

from d2l.tta import FlipAveraged, evaluate_accuracy_flip
from d2l.training import evaluate_accuracy_gpus


def left_right_net():
    """Scores class 0 by the left column's sum, class 1 by the right's."""
    net = gluon.nn.Dense(2, in_units=3 * 2 * 2, use_bias=False)
    net.initialize(ctx=mx.cpu())
    weight = np.zeros((2, 3, 2, 2), np.float32)
    weight[0, :, :, 0] = 1
    weight[1, :, :, 1] = 3
    net.weight.set_data(nd.array(weight.reshape(2, -1)))
    return net


def test_flip_averaged_is_the_mean_of_both_softmaxes():
    net = left_right_net()
    x = nd.random.uniform(shape=(5, 3, 2, 2))
    expected = (nd.softmax(net(x)) + nd.softmax(net(x[:, :, :, ::-1]))) / 2
    np.testing.assert_allclose(FlipAveraged(net)(x).asnumpy(),
                               expected.asnumpy(), rtol=1e-6)


def test_flip_averaging_changes_the_accuracy_it_should():
    net = left_right_net()
    # Left column 1, right 0.3: scores (6, 5.4) say class 0 by a little;
    # flipped, (1.8, 18) say class 1 by a lot, so the average says 1.
    x = nd.array(np.concatenate([np.ones((4, 3, 2, 1)),
                                 np.full((4, 3, 2, 1), 0.3)], axis=3))
    y = nd.ones(4)
    loader = [(x[:2], y[:2]), (x[2:], y[2:])]
    assert evaluate_accuracy_gpus(net, loader) == 0
    assert evaluate_accuracy_flip(net, loader) == 1
    # The wrapper evaluates on the net's own parameters and devices.
    assert FlipAveraged(net).collect_params().keys() == \
        net.collect_params().keys()
