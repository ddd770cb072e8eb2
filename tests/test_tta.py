"""Test-time flip averaging through evaluate_accuracy_gpus."""
import mxnet as mx
from mxnet import gluon, nd
import numpy as np

from d2l.results import paired_comparison
from d2l.tta import (FlipAveraged, evaluate_accuracy_flip,
                     score_flip_averaged)
from d2l.training import evaluate_accuracy_gpus, score_test


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


def test_flip_averaging_pairs_with_the_same_net_without_it():
    net = left_right_net()
    # Images 0-1 as above: only flip averaging is right. Images 2-3: left
    # column 0.1, right 1, scores (0.6, 18) and flipped (6, 1.8): class 1
    # either way.
    columns = [(1, 0.3), (1, 0.3), (0.1, 1), (0.1, 1)]
    x = nd.array([np.concatenate([np.full((3, 2, 1), left),
                                  np.full((3, 2, 1), right)], axis=2)
                  for left, right in columns])
    y = nd.ones(4)
    loader = [(x, y)]
    plain = score_test(net, loader)
    flipped = score_flip_averaged(net, loader)
    assert (plain['test_outcomes'], flipped['test_outcomes']) == \
        ('0011', '1111')
    assert flipped['test_acc'] == 1 and flipped['num_test'] == 4
    pair = paired_comparison(flipped, plain)
    assert (pair['b'], pair['c'], pair['n']) == (2, 0, 4)
