"""Cutout, Mixup and CutMix: boxes, weights, soft labels, the loader."""
import types

import mxnet as mx
from mxnet import nd
import numpy as np
import pytest

from d2l.augment import DeviceLoader
from d2l.mixing import BatchCutMix, BatchCutout, BatchMixup
from d2l.training import accuracy
from test_augment import (N, SIGMAS, assert_counts_uniform,
                          assert_same_distribution, fit_linear,
                          learnable_data, loader_data, uniform)


@pytest.fixture(autouse=True)
def seed():
    mx.random.seed(0)
    np.random.seed(0)


def shape_only(n, h, w):
    """What `sample` reads of a batch: its shape and device."""
    return types.SimpleNamespace(shape=(n, 3, h, w), context=mx.cpu())


def box_masks(boxes, h, w):
    """(N, H, W) 0/1 masks of (top, left, bottom, right) boxes, in NumPy."""
    rows, cols = np.arange(h)[None, :, None], np.arange(w)[None, None, :]
    top, left, bottom, right = (boxes[:, i, None, None] for i in range(4))
    return ((rows >= top) & (rows < bottom) & (cols >= left)
            & (cols < right)).astype(np.float32)


def authors_cutmix(n, h, w, alpha):
    """Label weights and box sides as the CutMix authors' `rand_bbox`.

    clovaai/CutMix-PyTorch, train.py: cut = int(side * sqrt(1 - lam)),
    the box from clip(c - cut // 2) to clip(c + cut // 2) on each axis,
    the label weight from the area pasted.
    """
    lam = np.random.beta(alpha, alpha, n)
    cut_rat = np.sqrt(1. - lam)
    cut_h, cut_w = (h * cut_rat).astype(int), (w * cut_rat).astype(int)
    cy, cx = np.random.randint(h, size=n), np.random.randint(w, size=n)
    top = np.clip(cy - cut_h // 2, 0, h)
    bottom = np.clip(cy + cut_h // 2, 0, h)
    left = np.clip(cx - cut_w // 2, 0, w)
    right = np.clip(cx + cut_w // 2, 0, w)
    own = 1 - (bottom - top) * (right - left) / (h * w)
    return own, bottom - top, right - left


# --- Cutout ---------------------------------------------------------------

def test_cutout_fills_exactly_the_box():
    x = uniform((3, 3, 5, 6))
    boxes = nd.array([[0, 0, 2, 2], [1, 2, 5, 6], [2, 3, 3, 4]])
    out = BatchCutout(4, value=0.25).apply(x, boxes).asnumpy()
    mask = box_masks(boxes.asnumpy(), 5, 6)[:, None]
    np.testing.assert_array_equal(
        out, np.where(mask == 1, np.float32(0.25), x.asnumpy()))


def test_cutout_centres_are_uniform_pixels():
    # A 1-pixel square is its centre.
    boxes = BatchCutout(1).sample(shape_only(N, 5, 7)).asnumpy()
    np.testing.assert_array_equal(boxes[:, 2:] - boxes[:, :2], 1)
    assert_counts_uniform(boxes[:, 0], range(5))
    assert_counts_uniform(boxes[:, 1], range(7))


def test_cutout_squares_are_clipped_at_the_border():
    size, h = 4, 10
    boxes = BatchCutout(size).sample(shape_only(N, h, h)).asnumpy()
    top, bottom = boxes[:, 0], boxes[:, 2]
    assert (top >= 0).all() and (bottom <= h).all()
    # Centre row c covers rows c - 2 to c + 1: clipped at the top for
    # c < 2, at the bottom for c > 8, whole otherwise.
    whole = (top > 0) & (bottom < h)
    assert ((bottom - top)[whole] == size).all()
    clipped_top = np.mean(top == 0)
    assert abs(clipped_top - 3 / h) < SIGMAS * np.sqrt(0.3 * 0.7 / N)
    assert set(bottom[top == 0]) == {2, 3, 4}


def test_cutout_defaults_are_the_authors_cifar10_choice():
    cutout = BatchCutout()
    assert (cutout.size, cutout.value) == (16, 0.5)


# --- Mixup ----------------------------------------------------------------

@pytest.mark.parametrize('alpha', [0.2, 1.0])
def test_mixup_weights_are_beta_and_partners_a_permutation(alpha):
    params = BatchMixup(10, alpha).sample(shape_only(N, 2, 2)).asnumpy()
    assert sorted(params[:, 0]) == list(range(N))
    assert_same_distribution(params[:, 1], np.random.beta(alpha, alpha, N))


def test_mixup_blends_images_and_labels_with_the_same_weight():
    x, y = uniform((6, 3, 4, 4)), nd.array([0, 1, 2, 3, 4, 5])
    t = BatchMixup(7)
    params = nd.array([[3, 0.25], [0, 1], [2, 0.5], [1, 0.9], [5, 0],
                       [4, 0.6]])
    lam = params[:, 1].asnumpy()
    partner = params[:, 0].asnumpy().astype(int)
    expected = (lam[:, None, None, None] * x.asnumpy()
                + (1 - lam[:, None, None, None]) * x.asnumpy()[partner])
    np.testing.assert_allclose(t.apply(x, params).asnumpy(), expected,
                               atol=1e-6)
    soft = t.mix_labels(y, params).asnumpy()
    assert soft.shape == (6, 7)
    want = np.zeros((6, 7), np.float32)
    want[np.arange(6), y.asnumpy().astype(int)] += lam
    want[np.arange(6), partner] += 1 - lam
    np.testing.assert_allclose(soft, want, atol=1e-6)


def test_mixing_defaults_are_the_authors():
    assert BatchMixup(10).alpha == BatchCutMix(10).alpha == 1.0


# --- CutMix ---------------------------------------------------------------

def test_cutmix_pastes_the_partners_box():
    x = uniform((4, 3, 5, 6))
    params = nd.array([[1, 0, 0, 0, 5, 6], [0, 0.5, 1, 1, 4, 4],
                       [2, 0.9, 0, 0, 1, 3], [3, 1, 2, 2, 2, 2]])
    out = BatchCutMix(10).apply(x, params).asnumpy()
    mask = box_masks(params[:, 2:].asnumpy(), 5, 6)[:, None]
    partner = x.asnumpy()[params[:, 0].asnumpy().astype(int)]
    np.testing.assert_array_equal(out, np.where(mask == 1, partner,
                                                x.asnumpy()))


def test_cutmix_label_weight_is_the_area_kept():
    x, y = uniform((200, 3, 8, 8)), nd.array(np.arange(200) % 10)
    t = BatchCutMix(10)
    mx.random.seed(1)
    images, soft = t(x, y)
    mx.random.seed(1)
    params = t.sample(x)
    np.testing.assert_array_equal(images.asnumpy(),
                                  t.apply(x, params).asnumpy())
    params = params.asnumpy()
    mask = box_masks(params[:, 2:], 8, 8)
    np.testing.assert_allclose(params[:, 1], 1 - mask.mean(axis=(1, 2)),
                               atol=1e-6)
    soft, labels = soft.asnumpy(), y.asnumpy().astype(int)
    np.testing.assert_allclose(soft.sum(axis=1), 1, atol=1e-6)
    partner = params[:, 0].astype(int)
    own = soft[np.arange(200), labels]
    same = labels == labels[partner]
    np.testing.assert_allclose(own[same], 1, atol=1e-6)
    np.testing.assert_allclose(own[~same], params[~same, 1], atol=1e-6)


def test_cutmix_boxes_match_the_authors_distribution():
    # Small images: an odd side that kept its last pixel would show.
    h, w = 6, 9
    params = BatchCutMix(10, alpha=1.0).sample(
        shape_only(N, h, w)).asnumpy()
    own, box_h, box_w = authors_cutmix(N, h, w, 1.0)
    # Compared as pasted pixels: float32 and float64 weights never tie.
    assert_same_distribution(np.round((1 - params[:, 1]) * h * w),
                             np.round((1 - own) * h * w))
    assert_same_distribution(params[:, 4] - params[:, 2], box_h)
    assert_same_distribution(params[:, 5] - params[:, 3], box_w)
    assert sorted(params[:, 0]) == list(range(N))


# --- both mixers: seeds, loader, training ---------------------------------

@pytest.mark.parametrize('make', [lambda: BatchMixup(10),
                                  lambda: BatchCutMix(10)])
def test_mixing_repeats_with_the_seed(make):
    x, y = uniform((16, 3, 8, 8)), nd.array(np.arange(16) % 10)
    runs = []
    for s in (5, 5, 6):
        mx.random.seed(s)
        runs.append([a.asnumpy() for a in make()(x, y)])
    for a, b in zip(runs[0], runs[1]):
        np.testing.assert_array_equal(a, b)
    assert np.abs(runs[0][1] - runs[2][1]).max() > 0.1


@pytest.mark.parametrize('make', [BatchMixup, BatchCutMix])
def test_p_0_leaves_images_and_gives_one_hot_labels(make):
    x, y = uniform((16, 3, 8, 8)), nd.array(np.arange(16) % 10)
    for _ in range(5):
        mixed, soft = make(10, p=0)(x, y)
        np.testing.assert_array_equal(mixed.asnumpy(), x.asnumpy())
        np.testing.assert_array_equal(soft.asnumpy(),
                                      np.eye(10)[np.arange(16) % 10])


@pytest.mark.parametrize('make', [BatchMixup, BatchCutMix])
def test_p_1_is_mixing_every_minibatch(make):
    x, y = uniform((16, 3, 8, 8)), nd.array(np.arange(16) % 10)
    runs = []
    for t in (make(10), make(10, p=1)):
        mx.random.seed(3)
        runs.append([a.asnumpy() for a in t(x, y)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('make', [BatchMixup, BatchCutMix])
def test_p_half_mixes_about_half_of_the_minibatches(make):
    x, y = uniform((16, 3, 8, 8)), nd.array(np.arange(16) % 10)
    t, calls = make(10, p=0.5), 400
    # A mixed minibatch of 16 images is all but certain to change.
    mixed = sum(bool((t(x, y)[0] != x).sum().asscalar() > 0)
                for _ in range(calls))
    assert abs(mixed / calls - 0.5) < SIGMAS * np.sqrt(0.25 / calls)


def test_loader_yields_soft_labels_that_train_and_count():
    images, labels = learnable_data()
    loader = DeviceLoader(images, labels, 16, ctx=mx.cpu(),
                          mix=BatchCutMix(4))
    for X, y in loader:
        assert X.shape[1:] == (3, 4, 5) and y.shape == (X.shape[0], 4)
        np.testing.assert_allclose(y.sum(axis=1).asnumpy(), 1, atol=1e-6)
    curve = fit_linear(loader, 10, sparse_label=False)  # 30 steps
    # Seeded: the loss falls about 3-fold (mixed labels keep some), and
    # the heaviest class of nearly every mixed image is predicted.
    assert curve[-1][0] < curve[0][0] / 2
    assert curve[-1][1] >= 0.9


def test_accuracy_counts_the_heaviest_class_of_soft_labels():
    scores = nd.array([[0.1, 0.9, 0], [0.8, 0.1, 0.1], [0, 0.2, 0.7]])
    soft = nd.array([[0.3, 0.7, 0], [0.4, 0.6, 0], [0, 0, 1]])
    assert accuracy(scores, soft) == 2
    assert accuracy(scores, nd.array([1, 1, 2])) == 2


@pytest.mark.parametrize('call, error, message', [
    (lambda: BatchCutout(0), ValueError, 'size must be a positive int'),
    (lambda: BatchCutout(4, value='gray'), TypeError, 'value must be'),
    (lambda: BatchCutout(4)(nd.zeros((2, 3, 4, 4), dtype='float64')),
     TypeError, 'float32 batch'),
    (lambda: BatchMixup(1), ValueError, 'num_classes must be an int >= 2'),
    (lambda: BatchCutMix(10, alpha=0), ValueError, 'alpha must be'),
    (lambda: BatchMixup(10, p=1.5), ValueError, r'p, the probability of '
     r'mixing a minibatch, must be a number in \[0, 1\], got 1.5'),
    (lambda: BatchCutMix(10, p=-0.1), ValueError, r'in \[0, 1\]'),
    (lambda: BatchCutMix(10, p='half'), ValueError, 'got .half.'),
    (lambda: BatchMixup(10)(nd.zeros((2, 4, 4, 3)), nd.zeros(2)),
     ValueError, '3 \\(RGB\\) channels'),
    (lambda: BatchMixup(10)(nd.zeros((2, 3, 4, 4)), nd.zeros((2, 10))),
     ValueError, r'2 class indices, shape \(2,\), got \(2, 10\)'),
    (lambda: BatchCutMix(10)(nd.zeros((2, 3, 4, 4)), [0, 1]),
     ValueError, 'expected labels as an NDArray'),
    (lambda: DeviceLoader(*loader_data(), 4, mix='cutmix'), TypeError,
     'mix must be callable'),
])
def test_bad_input_gets_one_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
