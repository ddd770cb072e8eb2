"""TrivialAugment and RandAugment: op choice, strength, per-image ops."""
import mxnet as mx
from mxnet import nd
import numpy as np
import pytest

from d2l.affine import warp_affine
from d2l.autoaugment import (MAX_ANGLE, OPS, BatchRandAugment,
                             BatchTrivialAugment, apply_ops)
from test_augment import N, SIGMAS, assert_counts_uniform, assert_uniform_on

H, W = 5, 10  # Shifts of 0.3 * W are whole pixels for strength 1 / 3.


@pytest.fixture(autouse=True)
def seed():
    mx.random.seed(0)
    np.random.seed(0)


def images(n):
    """Random 8-bit images as [0, 1] floats, as DeviceLoader makes them."""
    return np.random.randint(0, 256, (n, 3, H, W)).astype(np.float32) / 255


def one_op(x, name, strength, sign=1):
    params = nd.array([[OPS.index(name), strength, sign]] * len(x))
    return apply_ops(nd.array(x), params).asnumpy()


def reference(x, name, strength, sign=1):
    """What each operation does, in NumPy (only the simple ones)."""
    f = 1 + 0.9 * strength * sign
    gray = np.einsum('nchw,c->nhw', x, [0.299, 0.587, 0.114])[:, None]
    if name == 'identity':
        return x
    if name == 'brightness':
        return np.clip(x * f, 0, 1)
    if name == 'color':
        return np.clip(f * x + (1 - f) * gray, 0, 1)
    if name == 'contrast':
        mean = gray.mean(axis=(2, 3), keepdims=True)
        return np.clip(f * x + (1 - f) * mean, 0, 1)
    if name == 'solarize':
        return np.where(x >= 1 - strength, 1 - x, x)
    if name == 'posterize':
        step = 2 ** round(4 * strength)
        return np.floor(np.round(x * 255) / step) * step / 255
    if name == 'autocontrast':
        low = x.min(axis=(2, 3), keepdims=True)
        high = x.max(axis=(2, 3), keepdims=True)
        return (x - low) / (high - low)
    if name == 'shift_x':  # one pixel per third of strength, to the right
        out = np.zeros_like(x)
        k = round(3 * strength) * sign
        if k >= 0:
            out[..., k:] = x[..., :W - k]
        else:
            out[..., :k] = x[..., -k:]
        return out
    raise ValueError(name)


@pytest.mark.parametrize('name, strength, sign', [
    ('identity', 0.7, 1), ('brightness', 0.5, 1), ('brightness', 0.8, -1),
    ('color', 1, 1), ('contrast', 0.6, -1), ('solarize', 0.3, 1),
    ('solarize', 0, 1), ('posterize', 1, 1), ('posterize', 0.4, -1),
    ('autocontrast', 0.2, 1), ('shift_x', 1 / 3, 1), ('shift_x', 2 / 3, -1),
])
def test_each_operation_matches_its_definition(name, strength, sign):
    x = images(6) * 0.8 + 0.1  # No channel is flat, none reaches 0 or 1.
    np.testing.assert_allclose(one_op(x, name, strength, sign),
                               reference(x, name, strength, sign),
                               atol=2e-5)


def test_rotation_turns_by_the_signed_strength():
    x = images(4)
    for sign in (1, -1):
        expected = warp_affine(nd.array(x), nd.array(
            [[sign * 0.5 * MAX_ANGLE, 0, 0, 0, 0]] * 4)).asnumpy()
        np.testing.assert_allclose(one_op(x, 'rotate', 0.5, sign), expected,
                                   atol=1e-5)


def test_each_image_gets_its_own_operation():
    names = ['identity', 'brightness', 'solarize', 'posterize',
             'autocontrast', 'shift_x', 'contrast']
    x = images(len(names)) * 0.8 + 0.1
    params = nd.array([[OPS.index(name), 2 / 3, -1] for name in names])
    out = apply_ops(nd.array(x), params).asnumpy()
    for i, name in enumerate(names):
        np.testing.assert_allclose(out[i], reference(
            x[i:i + 1], name, 2 / 3, -1)[0], atol=2e-5)


def test_trivial_augment_draws_op_strength_and_sign_uniformly():
    params = BatchTrivialAugment().sample(nd.zeros((N, 3, 2, 2))).asnumpy()
    assert params.shape == (N, 1, 3)
    op, strength, sign = params[:, 0].T
    assert_counts_uniform(op, range(len(OPS)))
    assert_uniform_on(strength, 0, 1)
    assert_counts_uniform(sign, (-1, 1))


def test_rand_augment_draws_num_ops_at_the_fixed_magnitude():
    params = BatchRandAugment(3, magnitude=12).sample(
        nd.zeros((N, 3, 2, 2))).asnumpy()
    assert params.shape == (N, 3, 3)
    np.testing.assert_allclose(params[..., 1], 12 / 30, rtol=1e-6)
    for r in range(3):
        assert_counts_uniform(params[:, r, 0], range(len(OPS)))
    # The rounds choose independently: equal ops as often as by chance.
    same = np.mean(params[:, 0, 0] == params[:, 1, 0])
    p = 1 / len(OPS)
    assert abs(same - p) < SIGMAS * np.sqrt(p * (1 - p) / N)


def test_rand_augment_applies_its_rounds_in_order():
    x = nd.array(images(3) * 0.8 + 0.1)
    t = BatchRandAugment(2, magnitude=15)
    params = t.sample(x)
    expected = apply_ops(apply_ops(x, params[:, 0]), params[:, 1])
    np.testing.assert_array_equal(t.apply(x, params).asnumpy(),
                                  expected.asnumpy())


@pytest.mark.parametrize('strength', [0, 0.25, 1])
def test_solarize_inverts_pixels_at_the_threshold(strength):
    # PIL and torchvision invert values >= the threshold 1 - strength.
    x = np.full((1, 3, H, W), 1 - strength, np.float32)
    np.testing.assert_array_equal(one_op(x, 'solarize', strength),
                                  1 - x)


@pytest.mark.parametrize('make', [BatchTrivialAugment, BatchRandAugment])
def test_policies_repeat_with_the_seed_and_stay_in_range(make):
    x = nd.array(images(32))
    runs = []
    for s in (2, 2, 3):
        mx.random.seed(s)
        runs.append(make()(x).asnumpy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert np.abs(runs[0] - runs[2]).max() > 0.1
    assert runs[0].min() >= 0 and runs[0].max() <= 1


@pytest.mark.parametrize('call, error, message', [
    (lambda: BatchTrivialAugment()(nd.zeros((3, 4, 4))), ValueError,
     r'4-D \(N, C, H, W\)'),
    (lambda: BatchRandAugment()(np.zeros((2, 3, 4, 4))), TypeError,
     'expected an MXNet NDArray'),
    (lambda: BatchRandAugment(num_ops=0), ValueError,
     'num_ops must be a positive int'),
    (lambda: BatchRandAugment(magnitude=31), ValueError,
     r'magnitude must be in \[0, 30\]'),
])
def test_bad_input_gets_one_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
