"""Affine: batched rotation, shear and translation with bilinear sampling.

Per image, the transform turns the content about the image centre, shears
it and shifts it; pixels that come from outside the image are zero. MXNet's
GridGenerator turns one 2 x 3 matrix per image into a sampling grid and
BilinearSampler reads the batch at it: two operations for the whole batch,
whatever the parameters.
"""
import math
import numbers

from mxnet import nd

from .augment import BatchTransform

# Column order of the parameters that `BatchAffine.sample` draws.
AFFINE_PARAMS = ('angle', 'shear_x', 'shear_y', 'shift_x', 'shift_y')


def affine_sample_matrices(params, height, width):
    """(N, 6) GridGenerator matrices from (N, 5) affine parameters.

    `params` columns are `AFFINE_PARAMS`: the angle (degrees, positive
    turns the content counterclockwise as displayed), the shears along x
    and y (degrees), and the shift (pixels, positive is right and down).
    In pixel coordinates centred on the image the content moves as
    p -> R S p + t, with S = [[1, tan shear_x], [tan shear_y, 1]] and R
    the rotation; each output pixel therefore samples the input at
    (R S)^-1 (p - t). GridGenerator works in coordinates where the corner
    pixels' centres are at -1 and 1, hence the scaling.
    """
    angle, shear_x, shear_y, shift_x, shift_y = nd.split(
        params, 5, axis=1, squeeze_axis=True)
    angle = angle * (math.pi / 180)
    kx, ky = nd.tan(shear_x * (math.pi / 180)), nd.tan(shear_y *
                                                      (math.pi / 180))
    c, s = nd.cos(angle), nd.sin(angle)
    # Forward map A = R S, with R = [[c, s], [-s, c]] (y points down).
    a00, a01 = c + s * ky, c * kx + s
    a10, a11 = c * ky - s, c - s * kx
    det = a00 * a11 - a01 * a10
    m00, m01, m10, m11 = a11 / det, -a01 / det, -a10 / det, a00 / det
    # Half the distance between the outer pixel centres, in pixels.
    half_w, half_h = max(width - 1, 1) / 2, max(height - 1, 1) / 2
    return nd.stack(
        m00, m01 * (half_h / half_w),
        -(m00 * shift_x + m01 * shift_y) / half_w,
        m10 * (half_w / half_h), m11,
        -(m10 * shift_x + m11 * shift_y) / half_h, axis=1)


def warp_affine(x, params):
    """Transform each image of `x` by its row of (N, 5) `params`.

    See `affine_sample_matrices` for the parameters. Bilinear
    interpolation; zero where the source lies outside the image.
    """
    h, w = x.shape[2:]
    grid = nd.GridGenerator(affine_sample_matrices(params, h, w),
                            transform_type='affine', target_shape=(h, w))
    return nd.BilinearSampler(x, grid)


def _amount(value, name):
    if not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f'BatchAffine: {name} must be a number >= 0, got '
                         f'{value!r}; it is drawn from [-{name}, {name}].')
    return value


class BatchAffine(BatchTransform):
    """Rotate, shear and shift each image by random amounts.

    Per image, uniformly and independently: an angle in [-degrees,
    degrees], shears along x and y in [-shear, shear] degrees, and shifts
    of up to `translate` times the width (x) and height (y). Zero fills
    what comes from outside the image.
    `sample` gives a float (N, 5) array with columns `AFFINE_PARAMS`.
    """

    def __init__(self, degrees=0, shear=0, translate=0):
        self.degrees = _amount(degrees, 'degrees')
        self.shear = _amount(shear, 'shear')
        if not self.shear < 90:
            raise ValueError(f'BatchAffine: shear must be < 90 degrees, got '
                             f'{shear!r}.')
        self.translate = _amount(translate, 'translate')

    def sample(self, x):
        n, _, h, w = x.shape
        limits = nd.array([self.degrees, self.shear, self.shear,
                           self.translate * w, self.translate * h],
                          ctx=x.context)
        unit = nd.random.uniform(-1, 1, shape=(n, 5), ctx=x.context)
        return nd.broadcast_mul(unit, limits.reshape(1, -1))

    def apply(self, x, params):
        return warp_affine(x, params)
