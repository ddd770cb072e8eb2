"""Mixing: batched Cutout, Mixup and CutMix, the last two with soft labels.

Cutout (DeVries and Taylor, 2017) blanks a random square of each image.
Mixup (Zhang et al., 2018) blends each image with another image of the
batch, CutMix (Yun et al., 2019) pastes a random box of another image into
it; both mix the two labels in the same proportion. Their labels are soft:
an (N, num_classes) float32 array of class weights that sum to 1 per
image, which `DeviceLoader(..., mix=...)` yields in place of class indices
and `SoftmaxCrossEntropyLoss(sparse_label=False)` takes.

Mixing transforms have `sample(x)` and `apply(x, params)` like the others,
plus `mix_labels(y, params)`; calling one with (x, y) does all three.
"""
import numbers

from mxnet import cpu, nd
import numpy as np

from .augment import BatchTransform, _check_batch, _constant


def _box_mask(boxes, height, width):
    """(N, 1, H, W) float mask, 1 inside each image's box.

    `boxes` is (N, 4): top, left, bottom, right, the box covering rows
    top to bottom - 1 and columns left to right - 1.
    """
    top, left, bottom, right = nd.split(boxes, 4, axis=1)
    rows = _constant(tuple(range(height)), boxes.context).reshape(1, -1)
    cols = _constant(tuple(range(width)), boxes.context).reshape(1, -1)
    in_rows = nd.broadcast_greater_equal(rows, top) * nd.broadcast_lesser(
        rows, bottom)
    in_cols = nd.broadcast_greater_equal(cols, left) * nd.broadcast_lesser(
        cols, right)
    mask = nd.batch_dot(in_rows.expand_dims(2), in_cols.expand_dims(1))
    return mask.expand_dims(1)


def _centred_boxes(box_h, box_w, height, width, ctx):
    """(N, 4) boxes of the given sizes around uniformly random centres.

    The centre is a uniform pixel of the image; the box is clipped to the
    image, so near an edge it is smaller (as in Cutout and CutMix).
    """
    n = box_h.shape[0]
    centre = nd.floor(nd.random.uniform(shape=(n, 2), ctx=ctx)
                      * _constant((height, width), ctx).reshape(1, 2))
    size = nd.stack(box_h, box_w, axis=1)
    start = centre - nd.floor(size / 2)
    limit = _constant((height, width), ctx).reshape(1, 2)
    return nd.concat(nd.broadcast_minimum(nd.maximum(start, 0), limit),
                     nd.broadcast_minimum(nd.maximum(start + size, 0),
                                          limit), dim=1)


def _positive(value, name, what):
    if not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f'{name}: {what} must be a number > 0, got '
                         f'{value!r}.')
    return value


class BatchCutout(BatchTransform):
    """Fill a `size` x `size` square of each image with `value`.

    The square's centre is a uniform pixel of the image; squares are
    clipped at the border, so they can be smaller there. With the usual
    normalization the authors' zero is the mean pixel; on images in [0, 1]
    `value=0.5` is the closest counterpart.
    `sample` gives a float (N, 4) array of (top, left, bottom, right).
    """

    def __init__(self, size=16, value=0.5):
        if (not isinstance(size, numbers.Integral) or isinstance(size, bool)
                or size < 1):
            raise ValueError(f'BatchCutout: size must be a positive int '
                             f'(pixels), got {size!r}; 16 is the authors\' '
                             f'choice for CIFAR-10.')
        if not isinstance(value, numbers.Real):
            raise TypeError(f'BatchCutout: value must be a number, got '
                            f'{value!r}.')
        self.size, self.value = int(size), value

    def sample(self, x):
        n, _, h, w = x.shape
        size = nd.full(n, self.size, ctx=x.context)
        return _centred_boxes(size, size, h, w, x.context)

    def apply(self, x, boxes):
        mask = _box_mask(boxes, *x.shape[2:])
        return nd.broadcast_mul(x, 1 - mask) + self.value * mask


def _check_labels(y, n, name):
    """Raise one clear error unless `y` holds n class indices."""
    if not isinstance(y, nd.NDArray) or y.shape != (n,):
        shape = getattr(y, 'shape', type(y).__name__)
        raise ValueError(f'{name}: expected labels as an NDArray of {n} '
                         f'class indices, shape ({n},), got {shape}; mix '
                         f'before making labels soft, once per batch.')


class BatchMix(BatchTransform):
    """Base class of transforms that mix pairs of images and their labels.

    Each image is mixed with a partner, the image at a random permutation
    of the batch (sometimes itself). `sample` gives a float (N, 2 + k)
    array: the partner's index, the weight of the image's own label, then
    k transform-specific columns.

    Calling one mixes a minibatch with probability `p`, drawn once per
    minibatch from MXNet's CPU generator (no draw when p = 1). A minibatch
    left unmixed keeps its images and gets one-hot soft labels.
    """

    def __init__(self, num_classes, alpha, p=1.0):
        name = type(self).__name__
        if (not isinstance(num_classes, numbers.Integral)
                or isinstance(num_classes, bool) or num_classes < 2):
            raise ValueError(f'{name}: num_classes must be an int >= 2, got '
                             f'{num_classes!r}; CIFAR-10 has 10.')
        if (not isinstance(p, numbers.Real) or isinstance(p, bool)
                or not 0 <= p <= 1):
            raise ValueError(f'{name}: p, the probability of mixing a '
                             f'minibatch, must be a number in [0, 1], got '
                             f'{p!r}.')
        self.num_classes = int(num_classes)
        self.alpha = _positive(alpha, name, 'alpha')
        self.p = p

    def __call__(self, x, y):
        name = type(self).__name__
        _check_batch(x, name)
        _check_labels(y, x.shape[0], name)
        # The coin is read at once: drawn on a GPU, reading it would wait
        # for every step queued there. All CPU ids share one generator.
        coin_ctx = x.context if x.context.device_type == 'cpu' else cpu()
        if self.p < 1 and nd.random.uniform(
                shape=1, ctx=coin_ctx).asscalar() >= self.p:
            return x, nd.one_hot(y.astype(np.float32), self.num_classes)
        params = self.sample(x)
        return self.apply(x, params), self.mix_labels(y, params)

    def _partners_and_lambdas(self, n, ctx):
        """A random permutation and Beta(alpha, alpha) weights, (N,) each."""
        order = nd.random.shuffle(nd.arange(n, ctx=ctx))
        # Beta(a, a) is G1 / (G1 + G2) for independent Gamma(a) draws.
        g = nd.random.gamma(self.alpha, 1, shape=(2, n), ctx=ctx)
        return order, g[0] / (g[0] + g[1])

    def mix_labels(self, y, params):
        """(N, num_classes) soft labels, own class weight params[:, 1]."""
        own = nd.one_hot(y.astype(np.float32), self.num_classes)
        lam = params[:, 1:2]
        partner = nd.take(own, params[:, 0])
        return nd.broadcast_mul(own, lam) + nd.broadcast_mul(partner,
                                                             1 - lam)


class BatchMixup(BatchMix):
    """Blend each image with its partner: lam * x + (1 - lam) * partner.

    lam is drawn per image from Beta(alpha, alpha) (the authors use one per
    batch); labels get the same weights.
    `sample` gives a float (N, 2) array of (partner index, lam).
    """

    def __init__(self, num_classes, alpha=1.0, p=1.0):
        super().__init__(num_classes, alpha, p)

    def sample(self, x):
        order, lam = self._partners_and_lambdas(x.shape[0], x.context)
        return nd.stack(order, lam, axis=1)

    def apply(self, x, params):
        lam = params[:, 1].reshape(-1, 1, 1, 1)
        partner = nd.take(x, params[:, 0])
        return nd.broadcast_mul(x - partner, lam) + partner


class BatchCutMix(BatchMix):
    """Paste a random box of each image's partner into it.

    As the authors' `rand_bbox` does: lam ~ Beta(alpha, alpha), a uniform
    centre pixel, and on each axis of side S the box from centre - cut // 2
    to centre + cut // 2 (end excluded), cut = floor(sqrt(1 - lam) S),
    clipped to the image; an odd cut so loses one pixel. The label weights
    follow the area actually pasted: the own label keeps 1 - box area /
    (H W). The authors mix a minibatch with probability 0.5 on CIFAR
    (`--cutmix_prob 0.5`) and 1 on ImageNet: `p`, see `BatchMix`.
    `sample` gives a float (N, 6) array of (partner index, own label
    weight, top, left, bottom, right).
    """

    def __init__(self, num_classes, alpha=1.0, p=1.0):
        super().__init__(num_classes, alpha, p)

    def sample(self, x):
        n, _, h, w = x.shape
        order, lam = self._partners_and_lambdas(n, x.context)
        # Boxes of twice the half cut: cut // 2 either side of the centre.
        half = nd.floor(nd.floor(nd.sqrt(1 - lam).reshape(-1, 1)
                                 * _constant((h, w), x.context)) / 2)
        boxes = _centred_boxes(2 * half[:, 0], 2 * half[:, 1], h, w,
                               x.context)
        top, left, bottom, right = nd.split(boxes, 4, axis=1,
                                            squeeze_axis=True)
        own = 1 - (bottom - top) * (right - left) / (h * w)
        return nd.concat(nd.stack(order, own, axis=1), boxes, dim=1)

    def apply(self, x, params):
        mask = _box_mask(params[:, 2:], *x.shape[2:])
        partner = nd.take(x, params[:, 0])
        # Products with 0 and 1 are exact, so pixels are copied unchanged.
        return (nd.broadcast_mul(x, 1 - mask)
                + nd.broadcast_mul(partner, mask))
