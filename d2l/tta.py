"""Test-time augmentation: averaging predictions over flipped copies."""
from mxnet import gluon, nd

from .training import evaluate_accuracy_gpus, score_test


class FlipAveraged(gluon.Block):
    """`net`'s class probabilities, averaged over x and its mirror image.

    Wrapping keeps `net`'s parameters (and devices), so anything that
    evaluates a net, such as `evaluate_accuracy_gpus`, evaluates this.
    """

    def __init__(self, net, **kwargs):
        super().__init__(**kwargs)
        self.net = net

    def forward(self, x):
        return (nd.softmax(self.net(x)) +
                nd.softmax(self.net(x[:, :, :, ::-1]))) / 2


def evaluate_accuracy_flip(net, data_iter, **kwargs):
    """Accuracy of `net` averaging its predictions on x and flipped x."""
    return evaluate_accuracy_gpus(FlipAveraged(net), data_iter, **kwargs)


def score_flip_averaged(net, test_iter, **kwargs):
    """The test record (see `score_test`) of `net` with flip averaging.

    Its outcomes pair with those of `net` alone on the same `test_iter`,
    for `paired_comparison`: the same network with and without it.
    """
    return score_test(FlipAveraged(net), test_iter, **kwargs)
