"""Batched augmentation: per-image distributions, exactness, Gluon parity."""
import random
import types

import mxnet as mx
from mxnet import gluon, nd
from mxnet.gluon.data.dataset import _DownloadedDataset
from mxnet.gluon.data.vision import transforms
import numpy as np
import pytest

from d2l.augment import (
    LUMA, BatchColorJitter, BatchCompose, BatchFlipLeftRight, BatchPadCrop,
    BatchRandomResizedCrop, DeviceLoader, batch_to_tensor)
from d2l.training import train_batch_ch12

N = 4000  # Images per distribution test.
# The luma weights of Gluon's color transforms (src/operator/image).
GLUON_LUMA = np.array([0.299, 0.587, 0.114], np.float32)
SIGMAS = 5  # Tolerance of count tests, in binomial standard deviations.


@pytest.fixture(autouse=True)
def seed():
    mx.random.seed(0)
    random.seed(0)
    np.random.seed(0)


def uniform(shape, low=0.0, high=1.0):
    return nd.random.uniform(low, high, shape=shape)


def assert_counts_uniform(values, support):
    """Every value of `support` occurs, each about equally often."""
    counts = np.array([(values == v).sum() for v in support])
    assert counts.sum() == len(values), 'values outside the support'
    assert counts.min() > 0, counts
    p = 1 / len(support)
    sigma = np.sqrt(len(values) * p * (1 - p))
    assert np.abs(counts - len(values) * p).max() < SIGMAS * sigma, counts


def assert_uniform_on(values, low, high, tol=1e-5, bins=10):
    """Values lie in [low, high] (+- tol), reach both ends, fill bins
    evenly."""
    assert values.min() >= low - tol and values.max() <= high + tol
    width = high - low
    assert values.min() < low + 0.01 * width
    assert values.max() > high - 0.01 * width
    which = np.minimum(((values - low) / width * bins).astype(int), bins - 1)
    assert_counts_uniform(which, range(bins))


def ks_statistic(a, b):
    """Two-sample Kolmogorov-Smirnov distance between the samples."""
    grid = np.union1d(a, b)
    cdf_a = np.searchsorted(np.sort(a), grid, side='right') / len(a)
    cdf_b = np.searchsorted(np.sort(b), grid, side='right') / len(b)
    return np.abs(cdf_a - cdf_b).max()


def assert_same_distribution(a, b):
    # The KS critical distance at significance 1e-4 is 2.23 sqrt(1/n+1/m).
    assert ks_statistic(a, b) < 2.23 * np.sqrt(1 / len(a) + 1 / len(b))


def gluon_each(transform, images):
    """Gluon's per-image transform over (n, H, W, C) images."""
    return np.stack([transform(nd.array(img)).asnumpy() for img in images])


def nchw(images):
    return nd.array(images.transpose(0, 3, 1, 2))


# --- batch_to_tensor ------------------------------------------------------

def test_batch_to_tensor_matches_gluon_to_tensor():
    images = np.random.randint(0, 256, (5, 6, 7, 3)).astype(np.uint8)
    expected = gluon_each(transforms.ToTensor(),
                          nd.array(images, dtype=np.uint8))
    for source in (images, nd.array(images, dtype=np.uint8)):
        X = batch_to_tensor(source, ctx=mx.cpu())
        assert X.dtype == np.float32 and X.shape == (5, 3, 6, 7)
        np.testing.assert_array_equal(X.asnumpy(), expected)


# --- flip -----------------------------------------------------------------

def test_flip_mirrors_exactly_about_half_the_images():
    x = uniform((N, 3, 4, 5))
    out, x, mirror = (a.asnumpy() for a in
                      (BatchFlipLeftRight()(x), x, x[:, :, :, ::-1]))
    flipped = (out == mirror).all(axis=(1, 2, 3))
    kept = (out == x).all(axis=(1, 2, 3))
    assert (flipped ^ kept).all()
    assert abs(flipped.sum() - N / 2) < SIGMAS * np.sqrt(N / 4)


def test_flip_apply_follows_the_sampled_flags():
    x = uniform((6, 3, 2, 3))
    flags = nd.array([1, 0, 0, 1, 1, 0])
    out = BatchFlipLeftRight().apply(x, flags).asnumpy()
    expected = np.where(flags.asnumpy()[:, None, None, None] == 1,
                        x.asnumpy()[:, :, :, ::-1], x.asnumpy())
    np.testing.assert_array_equal(out, expected)


# --- pad and crop ---------------------------------------------------------

def pad_crop_reference(x, offsets, pad):
    h, w = x.shape[2:]
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return np.stack([p[:, oy:oy + h, ox:ox + w]
                     for p, (oy, ox) in zip(padded, offsets)])


def test_pad_crop_offsets_cover_the_range_uniformly():
    pad, size = 2, 6
    # Pixel values name their position (and channel), so the output tells
    # where each crop was taken.
    grid = 1 + np.arange(size * size).reshape(size, size)
    x = np.broadcast_to(grid + 100 * np.arange(3)[:, None, None],
                        (N, 3, size, size)).astype(np.float32)
    out = BatchPadCrop(pad)(nd.array(x)).asnumpy()
    centre = (out[:, 0, size // 2, size // 2] - 1).astype(int)
    offsets = np.stack([centre // size, centre % size], 1) - size // 2 + pad
    for axis in range(2):
        assert_counts_uniform(offsets[:, axis], range(2 * pad + 1))
    np.testing.assert_array_equal(out, pad_crop_reference(x, offsets, pad))


def test_pad_crop_apply_is_exact_zero_padding():
    pad = 3
    x = uniform((40, 3, 5, 7))
    offsets = np.random.randint(0, 2 * pad + 1, (40, 2))
    out = BatchPadCrop(pad).apply(x, nd.array(offsets, dtype=np.int32))
    np.testing.assert_array_equal(
        out.asnumpy(), pad_crop_reference(x.asnumpy(), offsets, pad))
    np.testing.assert_array_equal(BatchPadCrop(0)(x).asnumpy(), x.asnumpy())


# --- random resized crop --------------------------------------------------

def test_resized_crop_boxes_match_gluon():
    size, h, w = 32, 32, 32
    boxes = BatchRandomResizedCrop(size).sample(
        nd.zeros((N, 3, h, w))).asnumpy()
    image = nd.zeros((h, w, 3), dtype=np.uint8)
    gluon = np.array([mx.image.random_size_crop(
        image, (size, size), (0.08, 1.0), (3 / 4, 4 / 3), interp=1)[1]
        for _ in range(1000)])
    x0, y0, bw, bh = boxes.T
    assert (boxes == np.round(boxes)).all()
    assert (x0 >= 0).all() and (y0 >= 0).all()
    assert (x0 + bw <= w).all() and (y0 + bh <= h).all()
    # Area and aspect ratio within the ranges, up to rounding to pixels.
    area = bw * bh / (h * w)
    assert area.min() > 0.08 * 0.8 and area.max() <= 1
    ratio = bw / bh
    assert ratio.min() > 3 / 4 * 0.9 and ratio.max() < 4 / 3 / 0.9
    for column in range(4):
        assert_same_distribution(boxes[:, column], gluon[:, column])
    assert_same_distribution(area, gluon[:, 2] * gluon[:, 3] / (h * w))
    # The corner is uniform over the positions the box leaves: it is at
    # either end with probability 1 / (number of positions).
    for corner, box_size in ((x0, bw), (y0, bh)):
        p = 1 / (w - box_size + 1)
        sigma = np.sqrt((p * (1 - p)).sum())
        for at_end in (corner == 0, corner == w - box_size):
            assert abs(at_end.sum() - p.sum()) < SIGMAS * sigma


def test_resized_crop_draws_area_and_log_ratio_uniformly():
    # Large images make rounding to pixels negligible, and a small enough
    # area range makes every first attempt fit; only the shape is used.
    h = w = 1000
    batch = types.SimpleNamespace(shape=(N, 3, h, w), context=mx.cpu())
    boxes = BatchRandomResizedCrop(32, scale=(0.08, 0.5)).sample(batch)
    _, _, bw, bh = boxes.asnumpy().T
    # Rounding to pixels moves them by less than 0.1 %.
    assert_uniform_on(bw * bh / (h * w), 0.08, 0.5, tol=1e-3)
    assert_uniform_on(np.log(bw / bh), np.log(3 / 4), np.log(4 / 3),
                      tol=1e-3)


@pytest.mark.parametrize('out_size', [(32, 32), (24, 20), (50, 40)])
def test_resized_crop_apply_matches_gluon_fixed_crop(out_size):
    x = uniform((60, 3, 32, 32))
    t = BatchRandomResizedCrop(out_size)
    boxes = t.sample(x)
    out = t.apply(x, boxes).asnumpy()
    assert out.shape == (60, 3, out_size[1], out_size[0])
    images = x.transpose((0, 2, 3, 1))
    for img, box, got in zip(images, boxes.asnumpy().astype(int), out):
        expected = mx.image.fixed_crop(img, *box, size=out_size, interp=1)
        np.testing.assert_allclose(got, expected.asnumpy().transpose(2, 0, 1),
                                   atol=2e-5)


@pytest.mark.parametrize('size', [(32, 32), (16, 8), (40, 20)])
def test_resized_crop_falls_back_to_gluon_center_crop(size):
    # A 2:1 box of the whole area never fits, in Gluon either.
    t = BatchRandomResizedCrop(size, scale=(1, 1), ratio=(2, 2))
    x = uniform((5, 3, 32, 32))
    image = x[0].transpose((1, 2, 0))
    expected, box = mx.image.random_size_crop(image, size, (1, 1), (2, 2),
                                              interp=1)
    assert (t.sample(x).asnumpy() == box).all()
    np.testing.assert_allclose(t(x)[0].asnumpy(),
                               expected.asnumpy().transpose(2, 0, 1),
                               atol=2e-5)


# --- color jitter ---------------------------------------------------------

def test_luma_weights_are_gluons():
    np.testing.assert_array_equal(np.float32(LUMA), GLUON_LUMA)


def constant_images(colors, size=4):
    """(n, 3, size, size) images, each filled with one (n, 3) color."""
    return nd.array(np.broadcast_to(colors[:, :, None, None],
                                    (len(colors), 3, size, size)))


def test_brightness_factors_uniform_in_range():
    x = constant_images(np.random.uniform(0.2, 0.6, (N, 1)).repeat(3, 1))
    out = BatchColorJitter(brightness=0.5)(x).asnumpy()
    factors = (out / x.asnumpy()).reshape(N, -1)
    # One factor per image, the same for every pixel and channel.
    np.testing.assert_allclose(factors, factors[:, :1] + 0 * factors,
                               rtol=1e-5)
    assert_uniform_on(factors[:, 0], 0.5, 1.5)


def two_color_images(n):
    """Images whose left half has one random color and right half another.

    The halves differ by at least 0.2 per channel, so the factors can be
    recovered precisely.
    """
    colors = np.random.uniform(0.1, 0.4, (2, n, 3)).astype(np.float32)
    colors[1] += 0.5
    x = np.empty((n, 3, 2, 4), np.float32)
    x[..., :2] = colors[0][:, :, None, None]
    x[..., 2:] = colors[1][:, :, None, None]
    return x


def contrast_factors(x, out):
    """Recover contrast factors: out = c * x + (1 - c) * mean gray."""
    return ((out[:, 0, 0, 0] - out[:, 0, 0, 3])
            / (x[:, 0, 0, 0] - x[:, 0, 0, 3]))


def test_contrast_blends_with_mean_luma():
    x = two_color_images(N)
    out = BatchColorJitter(contrast=0.5)(nd.array(x)).asnumpy()
    c = contrast_factors(x, out)
    assert_uniform_on(c, 0.5, 1.5)
    mean_gray = np.einsum('nchw,c->n', x, GLUON_LUMA) / (2 * 4)
    blend = (out - c[:, None, None, None] * x)
    np.testing.assert_allclose(
        blend, np.broadcast_to(((1 - c) * mean_gray)[:, None, None, None],
                               x.shape), atol=2e-5)


def saturation_factors(x, out):
    """Recover saturation factors: out = s * x + (1 - s) * gray."""
    return ((out[:, 0, 0, 0] - out[:, 1, 0, 0])
            / (x[:, 0, 0, 0] - x[:, 1, 0, 0]))


def test_saturation_blends_with_pixel_luma_and_keeps_gray():
    # Red exceeds green by at least 0.2, for precisely recovered factors.
    colors = np.random.uniform((0.6, 0.1, 0.1), (0.9, 0.4, 0.9),
                               (N, 3)).astype(np.float32)
    x = constant_images(colors).asnumpy()
    out = BatchColorJitter(saturation=0.5)(nd.array(x)).asnumpy()
    s = saturation_factors(x, out)
    assert_uniform_on(s, 0.5, 1.5)
    gray = colors @ GLUON_LUMA
    expected = s[:, None] * colors + (1 - s[:, None]) * gray[:, None]
    np.testing.assert_allclose(out[:, :, 0, 0], expected, atol=2e-5)
    gray_images = constant_images(np.full((50, 3), 0.4, np.float32))
    np.testing.assert_allclose(
        BatchColorJitter(saturation=0.9)(gray_images).asnumpy(), 0.4,
        rtol=1e-5)


def gluon_step(x, kind, factor):
    """One of Gluon's color steps on (3, H, W), with the correct luma."""
    gray = np.einsum('chw,c->hw', x, GLUON_LUMA)
    if kind == 'brightness':
        return x * factor
    if kind == 'contrast':
        return x * factor + (1 - factor) * gray.mean()
    return x * factor + (1 - factor) * gray


def test_jitter_apply_equals_gluon_steps_in_a_random_order():
    x = uniform((200, 3, 3, 5))
    factors = uniform((200, 3), 0.3, 1.7)
    out = BatchColorJitter(0.7, 0.7, 0.7).apply(x, factors).asnumpy()
    kinds = ['brightness', 'contrast', 'saturation']
    for img, fs, got in zip(x.asnumpy(), factors.asnumpy(), out):
        # Gluon's RandomColorJitter shuffles the order per image.
        for k in np.random.permutation(3):
            img = gluon_step(img, kinds[k], fs[k])
        np.testing.assert_allclose(got, img, atol=1e-5)


def test_jitter_factor_distributions_match_gluon():
    n = 300
    # Brightness: the output / input ratio of constant images.
    levels = np.random.uniform(0.2, 0.6, n)
    images = np.broadcast_to(levels[:, None, None, None], (n, 4, 4, 3))
    gluon = gluon_each(transforms.RandomBrightness(0.5), images)
    ours = BatchColorJitter(brightness=0.5)(nchw(images)).asnumpy()
    assert_same_distribution(gluon[:, 0, 0, 0] / levels,
                             ours[:, 0, 0, 0] / levels)
    # Contrast: recovered from two-color images.
    x = two_color_images(n)
    gluon = gluon_each(transforms.RandomContrast(0.5),
                       x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    ours = BatchColorJitter(contrast=0.5)(nd.array(x)).asnumpy()
    assert_same_distribution(contrast_factors(x, gluon),
                             contrast_factors(x, ours))
    # Saturation: with red and green 0, MXNet 1.9.1's gray (0.114 * blue,
    # a bug) is the true luma, so the factors can be compared.
    blue = np.zeros((n, 3), np.float32)
    blue[:, 2] = np.random.uniform(0.2, 0.8, n)
    images = constant_images(blue).asnumpy()
    gluon = gluon_each(transforms.RandomSaturation(0.5),
                       images.transpose(0, 2, 3, 1))[:, 0, 0]
    ours = BatchColorJitter(saturation=0.5)(nd.array(images)).asnumpy()
    k = GLUON_LUMA[2]
    gluon_s = (gluon[:, 2] / blue[:, 2] - k) / (1 - k)
    ours_s = (ours[:, 2, 0, 0] / blue[:, 2] - k) / (1 - k)
    assert_same_distribution(gluon_s, ours_s)


def test_jitter_leaves_images_alone_with_zero_amounts():
    x = uniform((8, 3, 4, 4))
    np.testing.assert_allclose(BatchColorJitter()(x).asnumpy(), x.asnumpy(),
                               rtol=1e-6)


# --- composition and seeds ------------------------------------------------

def heavy():
    return BatchCompose([BatchFlipLeftRight(), BatchPadCrop(4),
                         BatchColorJitter(0.5, 0.5, 0.5),
                         BatchRandomResizedCrop(32)])


def test_seed_makes_a_batch_reproducible():
    x = uniform((16, 3, 32, 32))
    runs = []
    for s in (3, 3, 4):
        mx.random.seed(s)
        runs.append(heavy()(x).asnumpy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert np.abs(runs[0] - runs[2]).max() > 0.1


def test_compose_applies_in_order_and_prints():
    t = BatchCompose([lambda x: x + 1, lambda x: x * 2])
    assert t(nd.ones((1,))).asscalar() == 4
    assert repr(BatchCompose([BatchPadCrop(2)])) == \
        'BatchCompose([BatchPadCrop(pad=2)])'


# --- DeviceLoader ---------------------------------------------------------

def loader_data(n=10):
    images = np.random.randint(0, 256, (n, 4, 5, 3)).astype(np.uint8)
    return images, np.arange(n, dtype=np.int32)


@pytest.mark.parametrize('last_batch, sizes', [('keep', [4, 4, 2]),
                                               ('discard', [4, 4])])
def test_device_loader_batches(last_batch, sizes):
    images, labels = loader_data()
    loader = DeviceLoader(images, labels, 4, ctx=mx.cpu(),
                          last_batch=last_batch)
    batches = list(loader)
    assert len(loader) == len(batches) == len(sizes)
    assert [y.shape[0] for _, y in batches] == sizes
    X = nd.concat(*(X for X, _ in batches), dim=0)
    y = nd.concat(*(y for _, y in batches), dim=0)
    assert y.dtype == np.int32 and y.context == mx.cpu()
    np.testing.assert_array_equal(y.asnumpy(), labels[:sum(sizes)])
    np.testing.assert_array_equal(
        X.asnumpy(), batch_to_tensor(images[:sum(sizes)]).asnumpy())


def test_device_loader_shuffles_each_epoch_and_augments():
    images, labels = loader_data(50)
    loader = DeviceLoader(images, labels, 16, augment=lambda X: -X,
                          shuffle=True, ctx=mx.cpu())
    epochs = []
    for _ in range(2):
        X, y = (nd.concat(*parts, dim=0).asnumpy()
                for parts in zip(*loader))
        assert sorted(y) == list(range(50))
        np.testing.assert_array_equal(
            X, -batch_to_tensor(images[y]).asnumpy())
        epochs.append(y)
    assert (epochs[0] != epochs[1]).any()


class ArrayImages(_DownloadedDataset):
    """A Gluon data set like CIFAR10, kept in memory."""

    def __init__(self, images, labels, transform=None):
        self._arrays = images, labels
        super().__init__('.', transform)

    def _get_data(self):
        self._data = nd.array(self._arrays[0], dtype=np.uint8)
        self._label = self._arrays[1]


@pytest.mark.parametrize('make, label_shift', [
    (lambda images, labels: ArrayImages(images, labels), 0),
    (lambda images, labels: ArrayImages(
        images, labels, lambda img, label: (img, label + 1)), 1),
    (gluon.data.ArrayDataset, 0)])
def test_device_loader_from_dataset(make, label_shift):
    images, labels = loader_data(12)
    loader = DeviceLoader.from_dataset(make(images, labels), 5, ctx=mx.cpu())
    X, y = (nd.concat(*parts, dim=0).asnumpy() for parts in zip(*loader))
    np.testing.assert_array_equal(y, labels + label_shift)
    np.testing.assert_array_equal(X, batch_to_tensor(images).asnumpy())


def learnable_data(n=48):
    """Images whose class is their colour, which flips and crops keep.

    Four colours (red, green, blue, yellow) with noise of +-30 levels.
    """
    rng = np.random.RandomState(0)
    labels = np.arange(n) % 4
    colors = 255 * np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]])
    noise = rng.randint(-30, 31, (n, 4, 5, 3))
    images = np.clip(colors[labels][:, None, None] + noise, 0, 255)
    return images.astype(np.uint8), labels.astype(np.int32)


def fit_linear(loader, epochs, sparse_label=True):
    """Per-epoch (mean loss, accuracy) of a linear model the loader trains.

    Plain SGD at learning rate 1, whose step scales with the gradient: a
    learning rate off by 1000x leaves the loss flat, and with mixed labels
    a gradient summed where it should be averaged makes it diverge.
    """
    mx.random.seed(0)
    net = gluon.nn.Dense(4)
    net.initialize(ctx=mx.cpu())
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'learning_rate': 1})
    loss = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=sparse_label)
    curve = []
    for _ in range(epochs):
        loss_sum = correct = count = 0
        for X, y in loader:
            l, c = train_batch_ch12(net, X, y, loss, trainer,
                                    [mx.cpu()]).asnumpy()
            loss_sum, correct, count = (loss_sum + l, correct + c,
                                        count + len(y))
        curve.append((loss_sum / count, correct / count))
    return curve


def test_device_loader_feeds_train_batch_ch12():
    images, labels = learnable_data()
    loader = DeviceLoader(images, labels, 16, ctx=mx.cpu(),
                          augment=BatchCompose([BatchFlipLeftRight(),
                                                BatchPadCrop(1)]))
    curve = fit_linear(loader, 10)  # 30 steps
    # Seeded: the loss falls about 30-fold, to every image right.
    assert curve[-1][0] < curve[0][0] / 10
    assert curve[-1][1] >= 0.95


# --- bad input ------------------------------------------------------------

@pytest.mark.parametrize('call, error, message', [
    (lambda: BatchFlipLeftRight()(np.zeros((2, 3, 4, 4))), TypeError,
     'expected an MXNet NDArray'),
    (lambda: BatchFlipLeftRight()(nd.zeros((3, 4, 4))), ValueError,
     r'4-D \(N, C, H, W\).*expand_dims'),
    (lambda: BatchPadCrop()(nd.zeros((2, 3, 4, 4), dtype=np.uint8)),
     TypeError, 'uint8 batch.*batch_to_tensor'),
    (lambda: BatchColorJitter(0.5)(nd.zeros((2, 3, 4, 4), dtype='float64')),
     TypeError, r'float32 batch, got float64.*astype'),
    (lambda: BatchColorJitter(0.5)(nd.zeros((2, 1, 4, 4))), ValueError,
     r'3 \(RGB\) channels.*grayscale or RGBA'),
    (lambda: BatchColorJitter(0.5)(nd.zeros((2, 4, 8, 8))), ValueError,
     r'3 \(RGB\) channels.*grayscale or RGBA'),
    (lambda: BatchRandomResizedCrop(8)(nd.zeros((2, 8, 8, 3))), ValueError,
     'channels-last'),
    (lambda: BatchPadCrop(-1), ValueError, 'pad must be >= 0'),
    (lambda: BatchPadCrop(1.5), TypeError, 'pad must be an int'),
    (lambda: BatchRandomResizedCrop(0), ValueError, 'size must be'),
    (lambda: BatchRandomResizedCrop(8, scale=(0.5, 1.5)), ValueError,
     'scale must satisfy'),
    (lambda: BatchRandomResizedCrop(8, ratio=(0, 1)), ValueError,
     'ratio must satisfy'),
    (lambda: BatchRandomResizedCrop('big'), TypeError,
     'size must be a number or a pair'),
    (lambda: BatchColorJitter(contrast=-0.1), ValueError,
     'contrast must be a number >= 0'),
    (lambda: BatchCompose([BatchPadCrop(), 3]), TypeError,
     '3 is not callable'),
    (lambda: batch_to_tensor(np.zeros((2, 4, 4, 3))), TypeError,
     'expected uint8 images'),
    (lambda: batch_to_tensor(np.zeros((2, 4, 4, 4), np.uint8)), ValueError,
     'grayscale or RGBA'),
    (lambda: batch_to_tensor(np.zeros((4, 4, 3), np.uint8)), ValueError,
     r'\(N, H, W, 3\)'),
    (lambda: DeviceLoader(*loader_data(), batch_size=0), ValueError,
     'batch_size must be a positive int'),
    (lambda: DeviceLoader(loader_data()[0], np.arange(9), 4), ValueError,
     '10 images but labels of shape'),
    (lambda: DeviceLoader(*loader_data(), 4, last_batch='rollover'),
     ValueError, "'keep' or 'discard'"),
    (lambda: DeviceLoader(*loader_data(), 4, augment='flip'), TypeError,
     'augment must be callable'),
])
def test_bad_input_gets_one_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_long_compose_prints_one_transform_a_line():
    strong = BatchCompose([BatchFlipLeftRight(), BatchPadCrop(4),
                           BatchColorJitter(brightness=0.2, contrast=0.2,
                                            saturation=0.2)])
    assert repr(BatchCompose([strong, BatchPadCrop(2)])) == (
        'BatchCompose([\n'
        '    BatchCompose([\n'
        '        BatchFlipLeftRight(),\n'
        '        BatchPadCrop(pad=4),\n'
        '        BatchColorJitter(brightness=0.2, contrast=0.2, '
        'saturation=0.2)]),\n'
        '    BatchPadCrop(pad=2)])')
