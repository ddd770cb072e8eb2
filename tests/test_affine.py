"""Batched affine warps: exact hand-made cases, a NumPy reference, draws."""
import math

import mxnet as mx
from mxnet import nd
import numpy as np
import pytest

from d2l.affine import AFFINE_PARAMS, BatchAffine, warp_affine
from test_augment import N, assert_uniform_on, uniform


@pytest.fixture(autouse=True)
def seed():
    mx.random.seed(0)
    np.random.seed(0)


def params(n=1, **values):
    """(n, 5) parameters, zero except the named columns."""
    row = [values.get(name, 0) for name in AFFINE_PARAMS]
    return nd.array([row] * n)


def channels(image, n=1):
    """(n, 3, H, W) batch of one (H, W) image in every channel."""
    return nd.array(np.broadcast_to(image, (n, 3) + image.shape))


def warp_reference(image, p):
    """The documented map, per pixel, with bilinear zero-padded sampling."""
    angle, shear_x, shear_y, dx, dy = p
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    rotate = np.array([[c, s], [-s, c]])
    shear = np.array([[1, math.tan(math.radians(shear_x))],
                      [math.tan(math.radians(shear_y)), 1]])
    inverse = np.linalg.inv(rotate @ shear)
    h, w = image.shape
    padded = np.pad(image, 1)
    out = np.zeros_like(image)
    for r in range(h):
        for col in range(w):
            centred = np.array([col - (w - 1) / 2 - dx,
                                r - (h - 1) / 2 - dy])
            sx, sy = inverse @ centred + [(w - 1) / 2, (h - 1) / 2]
            x0, y0 = math.floor(sx), math.floor(sy)
            value = 0.0
            for yy in (y0, y0 + 1):
                for xx in (x0, x0 + 1):
                    weight = (1 - abs(sx - xx)) * (1 - abs(sy - yy))
                    if -1 <= yy <= h and -1 <= xx <= w:
                        value += weight * padded[yy + 1, xx + 1]
            out[r, col] = value
    return out


def test_identity_leaves_images_alone():
    x = uniform((4, 3, 5, 7))
    np.testing.assert_allclose(warp_affine(x, params(4)).asnumpy(),
                               x.asnumpy(), atol=1e-5)


def test_whole_pixel_shifts_move_content_and_fill_zeros():
    image = np.arange(1, 21, dtype=np.float32).reshape(4, 5)
    out = warp_affine(channels(image, 2), nd.array(
        [[0, 0, 0, 2, 0], [0, 0, 0, 0, -1]])).asnumpy()[:, 0]
    right = np.zeros_like(image)
    right[:, 2:] = image[:, :3]
    up = np.zeros_like(image)
    up[:3] = image[1:]
    np.testing.assert_allclose(out[0], right, atol=1e-4)
    np.testing.assert_allclose(out[1], up, atol=1e-4)


def test_quarter_turn_is_counterclockwise_rot90():
    image = np.arange(20, dtype=np.float32).reshape(4, 5)
    square = np.arange(16, dtype=np.float32).reshape(4, 4)
    out = warp_affine(channels(square), params(angle=90)).asnumpy()
    np.testing.assert_allclose(out[0, 0], np.rot90(square), atol=1e-4)
    # Half a turn of a non-square image keeps its shape.
    out = warp_affine(channels(image), params(angle=180)).asnumpy()
    np.testing.assert_allclose(out[0, 1], image[::-1, ::-1], atol=1e-4)


def test_shear_of_45_degrees_shifts_lines_by_their_offset():
    image = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    out = warp_affine(channels(image), params(shear_x=45)).asnumpy()[0, 0]
    # The content moves right by the row's distance below the centre.
    np.testing.assert_allclose(out, [[2, 3, 0], [4, 5, 6], [0, 7, 8]],
                               atol=1e-4)
    # And down by the column's distance right of the centre.
    out = warp_affine(channels(image), params(shear_y=45)).asnumpy()[0, 2]
    np.testing.assert_allclose(out, [[4, 2, 0], [7, 5, 3], [0, 8, 6]],
                               atol=1e-4)


def test_warp_matches_numpy_reference_for_random_parameters():
    x = uniform((12, 3, 6, 9))
    p = BatchAffine(degrees=40, shear=20, translate=0.3).sample(x)
    out = warp_affine(x, p).asnumpy()
    for image, row, got in zip(x.asnumpy(), p.asnumpy(), out):
        for channel in range(3):
            np.testing.assert_allclose(
                got[channel], warp_reference(image[channel], row),
                atol=1e-4)


def test_parameters_are_uniform_within_their_limits():
    x = nd.zeros((N, 3, 10, 20))
    p = BatchAffine(degrees=15, shear=10, translate=0.25).sample(x)
    p = p.asnumpy()
    for column, limit in zip(p.T, (15, 10, 10, 0.25 * 20, 0.25 * 10)):
        assert_uniform_on(column, -limit, limit)
    # Independent draws: the columns are uncorrelated.
    corr = np.corrcoef(p.T) - np.eye(5)
    assert np.abs(corr).max() < 5 / np.sqrt(N)


def test_seed_repeats_the_warp():
    x = uniform((8, 3, 8, 8))
    runs = []
    for s in (1, 1, 2):
        mx.random.seed(s)
        runs.append(BatchAffine(30, 10, 0.2)(x).asnumpy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert np.abs(runs[0] - runs[2]).max() > 0.1


@pytest.mark.parametrize('call, error, message', [
    (lambda: BatchAffine(10)(nd.zeros((2, 3, 4, 4), dtype=np.uint8)),
     TypeError, 'uint8 batch.*batch_to_tensor'),
    (lambda: BatchAffine(10)(nd.zeros((2, 8, 8, 3))), ValueError,
     'channels-last'),
    (lambda: BatchAffine(degrees=-5), ValueError, 'degrees must be'),
    (lambda: BatchAffine(shear=90), ValueError, 'shear must be < 90'),
    (lambda: BatchAffine(translate='x'), ValueError, 'translate must be'),
])
def test_bad_input_gets_one_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
