"""Automatic policies: batched TrivialAugment and RandAugment.

Both pick, per image, an operation from a fixed list at random and apply
it with some strength: TrivialAugment (Mueller and Hutter, 2021) one
operation of uniformly random strength, RandAugment (Cubuk et al., 2020)
`num_ops` operations of one fixed strength. To treat a whole batch with a
fixed number of NDArray operations, every round runs each *family* of
operations on the whole batch once: one affine warp (rotations, shears,
shifts), one color map (brightness, saturation, contrast), one blend with
the smoothed image (sharpness) and the pixel-wise ones (solarize,
posterize, autocontrast, equalize). Each image gets identity parameters in
every family but the one of its chosen operation, and the pixel-wise
results are selected per image.
"""
import functools
import math
import numbers

from mxnet import nd
import numpy as np

from .affine import warp_affine
from .augment import BatchColorJitter, BatchTransform, _constant

# The operations and their strongest settings: the 14 of the "RandAugment
# space" of the TrivialAugment paper and of torchvision's RandAugment, on
# 32 x 32 images, with shears as the tangent of their angle (linear in the
# strength, as torchvision's) and shifts as fractions of the image side.
OPS = ('identity', 'rotate', 'shear_x', 'shear_y', 'shift_x', 'shift_y',
       'brightness', 'color', 'contrast', 'sharpness', 'solarize',
       'posterize', 'autocontrast', 'equalize')
MAX_ANGLE = 30
MAX_SHEAR = 0.3  # tan of the steepest shear angle
MAX_SHIFT = 0.3
MAX_FACTOR_CHANGE = 0.9  # Color and sharpness factors: 1 +- 0.9.
MIN_BITS = 4  # Posterize keeps 8 down to 4 bits.
# The columns of the affine parameters each affine operation sets.
_AFFINE_COLUMN = {'rotate': 0, 'shear_x': 1, 'shear_y': 2, 'shift_x': 3,
                  'shift_y': 4}
_COLOR_COLUMN = {'brightness': 0, 'contrast': 1, 'color': 2}
# Per operation, the block of `apply_ops`' pixel-wise results it takes.
_PIXELWISE = ('solarize', 'posterize', 'autocontrast', 'equalize')
_PIXELWISE_ROW = tuple(float(_PIXELWISE.index(name) + 1)
                       if name in _PIXELWISE else 0.0 for name in OPS)
# PIL's ImageFilter.SMOOTH, the image that sharpness moves away from.
_SMOOTH = ((1, 1, 1), (1, 5, 1), (1, 1, 1))


def _op_mask(onehot, name):
    """(N,) 1 where the image's chosen operation is `name`."""
    return onehot[:, OPS.index(name)]


def _affine_params(onehot, signed, height, width):
    """(N, 5) warp parameters: nonzero only for the chosen affine op."""
    shear = nd.arctan(MAX_SHEAR * signed) * (180 / math.pi)
    amounts = {'rotate': MAX_ANGLE * signed, 'shear_x': shear,
               'shear_y': shear, 'shift_x': MAX_SHIFT * width * signed,
               'shift_y': MAX_SHIFT * height * signed}
    return nd.stack(*(amounts[name] * _op_mask(onehot, name)
                      for name in sorted(_AFFINE_COLUMN,
                                         key=_AFFINE_COLUMN.get)), axis=1)


def _color_factors(onehot, signed):
    """(N, 3) color-jitter factors: 1 except for the chosen color op."""
    return nd.stack(*(1 + MAX_FACTOR_CHANGE * signed * _op_mask(onehot, name)
                      for name in sorted(_COLOR_COLUMN,
                                         key=_COLOR_COLUMN.get)), axis=1)


@functools.lru_cache(maxsize=None)
def _smooth_weights(ctx):
    """(3, 1, 3, 3) depthwise kernel of `_SMOOTH`, per RGB channel."""
    return nd.array([[_SMOOTH]] * 3, ctx=ctx) / 13


@functools.lru_cache(maxsize=None)
def _interior(height, width, ctx):
    """(1, 1, H, W): 1 off the border, where PIL's filters apply."""
    mask = nd.zeros((1, 1, height, width), ctx=ctx)
    mask[:, :, 1:-1, 1:-1] = 1
    return mask


def _sharpness(x, factor):
    """Blend with the smoothed image by per-image (N,) `factor`.

    PIL's ImageEnhance.Sharpness: factor 1 keeps the image, 0 gives the
    3 x 3 smoothed one, above 1 sharpens; the border keeps its pixels.
    """
    h, w = x.shape[2:]
    smooth = nd.Convolution(x, _smooth_weights(x.context), kernel=(3, 3),
                            pad=(1, 1), num_filter=3, num_group=3,
                            no_bias=True)
    inside = _interior(h, w, x.context)
    smooth = nd.broadcast_mul(smooth - x, inside) + x
    factor = factor.reshape(-1, 1, 1, 1)
    # f x + (1 - f) smooth: exactly x for f = 1.
    return (nd.broadcast_mul(x, factor)
            + nd.broadcast_mul(smooth, 1 - factor))


@functools.lru_cache(maxsize=None)
def _below(ctx):
    """(256, 256): column k sums the histogram's counts below level k."""
    return nd.array(np.triu(np.ones((256, 256), np.float32), 1), ctx=ctx)


def _equalize(x):
    """Equalize each channel's histogram of 8-bit levels, as PIL does.

    PIL's ImageOps.equalize (and torchvision's): with step = (pixels -
    those at the top level) // 255, level k becomes (step // 2 + pixels
    below k) // step, at most 255; a channel with step 0 stays.
    """
    n, c, h, w = x.shape
    rows = n * c
    levels = nd.round(x.reshape(rows, -1) * 255)
    # One histogram of all channels: channel i's levels at 256 i onwards.
    index = nd.broadcast_add(levels, 256 * nd.arange(
        rows, ctx=x.context).reshape(-1, 1))
    hist = nd.histogram(index + 0.5, bins=256 * rows,
                        range=(0, 256 * rows))[0]
    hist = hist.astype(np.float32).reshape(rows, 256)
    step = nd.floor((h * w - nd.pick(hist, levels.max(axis=1), axis=1))
                    / 255).reshape(-1, 1)
    lut = nd.minimum(nd.floor(nd.broadcast_div(
        nd.broadcast_add(nd.dot(hist, _below(x.context)),
                         nd.floor(step / 2)), nd.maximum(step, 1))), 255)
    lut = nd.where(nd.broadcast_like(step > 0, lut), lut, nd.broadcast_like(
        nd.arange(256, ctx=x.context).reshape(1, -1), lut))
    return nd.take(lut.reshape(-1), index).reshape(x.shape) / 255


def _solarize(x, strength):
    """Invert the pixels at or above 1 - strength (PIL's solarize)."""
    above = nd.broadcast_greater_equal(x, (1 - strength).reshape(-1, 1, 1,
                                                                  1))
    return x + above * (1 - 2 * x)


def _posterize(x, strength):
    """Keep 8 - round(4 strength) bits of each 8-bit channel value."""
    step = 2 ** nd.round((8 - MIN_BITS) * strength).reshape(-1, 1, 1, 1)
    levels = nd.round(x * 255)
    return nd.broadcast_mul(nd.floor(nd.broadcast_div(levels, step)),
                            step) / 255


def _autocontrast(x):
    """Stretch each channel of each image to [0, 1] (flat ones stay)."""
    n, c = x.shape[:2]
    # Reducing one flat axis is several times faster than two.
    flat = x.reshape(n, c, -1)
    low = flat.min(axis=2).reshape(n, c, 1, 1)
    span = flat.max(axis=2).reshape(n, c, 1, 1) - low
    stretched = nd.broadcast_div(nd.broadcast_sub(x, low),
                                 nd.maximum(span, 1e-12))
    return nd.where(nd.broadcast_like(span > 0, x), stretched, x)


def apply_ops(x, params):
    """One round: each image gets its operation at its strength.

    `params` is (N, 3): operation index into `OPS`, strength in [0, 1],
    sign (+1 or -1) for the operations that have a direction. Results are
    clipped to [0, 1] as PIL's are.
    """
    n, _, h, w = x.shape
    op, strength, sign = nd.split(params, 3, axis=1, squeeze_axis=True)
    onehot = nd.one_hot(op, len(OPS))
    signed = strength * sign
    warped = warp_affine(x, _affine_params(onehot, signed, h, w))
    # Sampling at the identity is off by float rounding: keep the others.
    x = nd.where(sum(_op_mask(onehot, name) for name in _AFFINE_COLUMN),
                 warped, x)
    x = BatchColorJitter().apply(x, _color_factors(onehot, signed))
    x = _sharpness(x, 1 + MAX_FACTOR_CHANGE * signed
                   * _op_mask(onehot, 'sharpness'))
    x = nd.clip(x, 0, 1)
    # Rows of [x; solarized; posterized; autocontrasted; equalized] picked
    # per image: an exact copy, and faster on a CPU than blending.
    which = nd.dot(onehot, _constant(_PIXELWISE_ROW, x.context))
    index = _constant(tuple(range(n)), x.context) + n * which
    return nd.take(nd.concat(x, _solarize(x, strength),
                             _posterize(x, strength), _autocontrast(x),
                             _equalize(x), dim=0), index)


class BatchTrivialAugment(BatchTransform):
    """TrivialAugment: one operation of `OPS` per image, random strength.

    Per image: the operation uniformly among `OPS`, the strength uniform in
    [0, `max_strength`] (the paper: [0, 1], in 31 levels), the sign +1 or
    -1 with equal chance. `max_strength` < 1 narrows every operation's
    range to that fraction of its strongest setting. `sample` gives a
    float (N, 1, 3) array: one round of (operation index, strength, sign)
    per image.
    """

    def __init__(self, max_strength=1.0):
        if (not isinstance(max_strength, numbers.Real)
                or isinstance(max_strength, bool)
                or not 0 < max_strength <= 1):
            raise ValueError(f'BatchTrivialAugment: max_strength must be '
                             f'in (0, 1], a fraction of each operation\'s '
                             f'range, got {max_strength!r}.')
        self.max_strength = max_strength

    def sample(self, x):
        return self._draw(x, 1, None)

    def _draw(self, x, rounds, strength):
        shape, ctx = (x.shape[0], rounds), x.context
        op = nd.random.randint(0, len(OPS), shape=shape, ctx=ctx)
        sign = 2 * (nd.random.uniform(shape=shape, ctx=ctx) < 0.5) - 1
        if strength is None:
            strength = self.max_strength * nd.random.uniform(shape=shape,
                                                             ctx=ctx)
        else:
            strength = nd.full(shape, strength, ctx=ctx)
        return nd.stack(op.astype(np.float32), strength, sign, axis=2)

    def apply(self, x, params):
        for r in range(params.shape[1]):
            x = apply_ops(x, params[:, r])
        return x


class BatchRandAugment(BatchTrivialAugment):
    """RandAugment: `num_ops` operations of `OPS` per image in a row.

    Each is chosen uniformly, independently of the others, with strength
    `magnitude` / 30 (torchvision's scale of 0 to 30, where 9 is its
    default) and a random sign. `sample` gives a float (N, num_ops, 3) array.
    """

    def __init__(self, num_ops=2, magnitude=9):
        if (not isinstance(num_ops, numbers.Integral)
                or isinstance(num_ops, bool) or num_ops < 1):
            raise ValueError(f'BatchRandAugment: num_ops must be a positive '
                             f'int, got {num_ops!r}.')
        if not isinstance(magnitude, numbers.Real) or not \
                0 <= magnitude <= 30:
            raise ValueError(f'BatchRandAugment: magnitude must be in [0, '
                             f'30], got {magnitude!r}.')
        self.num_ops, self.magnitude = int(num_ops), magnitude

    def sample(self, x):
        return self._draw(x, self.num_ops, self.magnitude / 30)
