"""TrivialAugment and RandAugment: op choice, strength, per-image ops."""
import mxnet as mx
from mxnet import nd
import numpy as np
import pytest

from PIL import Image, ImageEnhance, ImageOps

from d2l.autoaugment import (OPS, BatchRandAugment, BatchTrivialAugment,
                             apply_ops)
from test_augment import N, SIGMAS, assert_counts_uniform, assert_uniform_on

H, W = 5, 10  # Small images for the policies' draws and rounds.


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


# PIL, which torchvision's augmentations follow, is the reference: it works
# on 8-bit images, so its results are rounded (or truncated) to levels.
GEOMETRIC = ('rotate', 'shear_x', 'shear_y', 'shift_x', 'shift_y')
EXACT = ('identity', 'solarize', 'posterize', 'equalize')


def pil_op(img, name, strength, sign):
    """PIL's version of operation `name` on a PIL image (height h, width w).

    Affine maps in PIL's terms: the output pixel at (x, y) reads the input
    at (a x + b y + c, d x + e y + f), pixel centres at half-integers.
    """
    w, h = img.size
    s = strength * sign
    f = 1 + 0.9 * s
    k = 0.3 * s  # tan of the shear angle
    affine = {'shear_x': (1, -k, k * h / 2, 0, 1, 0),  # about the centre
              'shear_y': (1, 0, 0, -k, 1, k * w / 2),
              'shift_x': (1, 0, -0.3 * w * s, 0, 1, 0),  # right
              'shift_y': (1, 0, 0, 0, 1, -0.3 * h * s)}  # down
    if name in affine:
        return img.transform(img.size, Image.AFFINE, affine[name],
                             resample=Image.BILINEAR)
    enhance = {'brightness': ImageEnhance.Brightness,
               'color': ImageEnhance.Color,
               'contrast': ImageEnhance.Contrast,
               'sharpness': ImageEnhance.Sharpness}
    if name in enhance:
        return enhance[name](img).enhance(f)
    return {
        'identity': lambda: img,
        # Counterclockwise, about the centre.
        'rotate': lambda: img.rotate(30 * s, resample=Image.BILINEAR),
        'solarize': lambda: ImageOps.solarize(
            img, round(255 * (1 - strength))),
        'posterize': lambda: ImageOps.posterize(img, 8 - round(4 * strength)),
        'autocontrast': lambda: ImageOps.autocontrast(img),
        'equalize': lambda: ImageOps.equalize(img),
    }[name]()


def pil_reference(x, names, strength, sign):
    """Each [0, 1] image of `x` through PIL's version of its operation."""
    out = []
    for image, name in zip(x, names):
        img = Image.fromarray(np.uint8(np.round(image * 255)).transpose(
            1, 2, 0))
        out.append(np.asarray(pil_op(img, name, strength, sign)))
    return np.stack(out).transpose(0, 3, 1, 2).astype(np.float32) / 255


def pil_images(n, name):
    """8-bit 32 x 32 images, uneven histograms; for warps a black frame.

    Equalize changes only channels of more than 256 pixels. PIL's bilinear
    sampling repeats the edge pixels where MXNet's reads zeros; with a
    black frame both read zeros there.
    """
    x = np.random.randint(0, 256, (n, 3, 32, 32))
    x[1::3] = x[1::3] // 4 + 100  # a narrow histogram
    x[2::3, 0] = 7  # a flat channel
    if name in GEOMETRIC:
        x[..., [0, -1], :] = x[..., [0, -1]] = 0
    return x.astype(np.float32) / 255


@pytest.mark.parametrize('name', OPS)
@pytest.mark.parametrize('strength, sign', [(1, 1), (0.6, -1), (0.2, 1)])
def test_each_operation_matches_pil(name, strength, sign):
    x = pil_images(6, name)
    atol = 1e-7 if name in EXACT else 1.5 / 255
    np.testing.assert_allclose(
        one_op(x, name, strength, sign),
        pil_reference(x, [name] * len(x), strength, sign), atol=atol)


def test_each_image_gets_its_own_operation():
    x = pil_images(len(OPS), 'shift_x')  # framed, for the warps
    params = nd.array([[i, 0.6, -1] for i in range(len(OPS))])
    np.testing.assert_allclose(apply_ops(nd.array(x), params).asnumpy(),
                               pil_reference(x, OPS, 0.6, -1),
                               atol=1.5 / 255)


def test_ops_are_torchvision_rand_augment_space():
    # torchvision's RandAugment (and TrivialAugment) operations, by name.
    names = {'Identity': 'identity', 'ShearX': 'shear_x',
             'ShearY': 'shear_y', 'TranslateX': 'shift_x',
             'TranslateY': 'shift_y', 'Rotate': 'rotate',
             'Brightness': 'brightness', 'Color': 'color',
             'Contrast': 'contrast', 'Sharpness': 'sharpness',
             'Posterize': 'posterize', 'Solarize': 'solarize',
             'AutoContrast': 'autocontrast', 'Equalize': 'equalize'}
    assert sorted(OPS) == sorted(names.values())


def test_trivial_augment_draws_op_strength_and_sign_uniformly():
    params = BatchTrivialAugment().sample(nd.zeros((N, 3, 2, 2))).asnumpy()
    assert params.shape == (N, 1, 3)
    op, strength, sign = params[:, 0].T
    assert_counts_uniform(op, range(14))  # 1/14 each
    assert_uniform_on(strength, 0, 1)
    assert_counts_uniform(sign, (-1, 1))


def test_trivial_augment_max_strength_narrows_the_strength():
    x = nd.zeros((N, 3, 2, 2))
    params = BatchTrivialAugment(max_strength=0.4).sample(x).asnumpy()
    assert_uniform_on(params[:, 0, 1], 0, 0.4)
    assert_counts_uniform(params[:, 0, 0], range(14))
    assert_counts_uniform(params[:, 0, 2], (-1, 1))


def test_trivial_augment_max_strength_1_is_the_authors():
    x = nd.array(images(8))
    runs = []
    for t in (BatchTrivialAugment(), BatchTrivialAugment(max_strength=1)):
        mx.random.seed(4)
        runs.append(t(x).asnumpy())
    np.testing.assert_array_equal(*runs)
    assert BatchTrivialAugment().max_strength == 1


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


def test_rand_augment_defaults_are_torchvisions():
    t = BatchRandAugment()
    assert (t.num_ops, t.magnitude) == (2, 9)


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
    (lambda: BatchTrivialAugment(max_strength=0), ValueError,
     r'max_strength must be in \(0, 1\]'),
    (lambda: BatchTrivialAugment(max_strength=1.2), ValueError,
     'got 1.2'),
    (lambda: BatchRandAugment(num_ops=0), ValueError,
     'num_ops must be a positive int'),
    (lambda: BatchRandAugment(magnitude=31), ValueError,
     r'magnitude must be in \[0, 30\]'),
])
def test_bad_input_gets_one_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
