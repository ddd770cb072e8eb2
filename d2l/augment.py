"""Augmentation: batched image transforms on the device, random per image.

Gluon's transforms augment one image at a time in Python, on the CPU, which
starves a GPU that trains on tens of thousands of images per second. The
transforms here take a whole float32 batch of shape (N, 3, H, W) with values
in [0, 1] (what `batch_to_tensor` makes from uint8 images) and augment it
with a fixed, small number of NDArray operations on the batch's own device.
Every image still gets its own random parameters, drawn from MXNet's
generator, so `mx.random.seed` makes the result reproducible.

Each transform has `sample(x)`, which draws the per-image parameters, and
`apply(x, params)`, which uses them; calling the transform does both.
`DeviceLoader` keeps a data set on the device and yields augmented batches.
"""
import functools
import math
import numbers
import textwrap

import mxnet as mx
import numpy as np
from mxnet import nd
from mxnet.gluon.data.dataset import _DownloadedDataset

from .devices import augment_context, try_gpu

# ITU-R BT.601 luma weights, the ones Gluon's color transforms use.
LUMA = (0.299, 0.587, 0.114)
# Gluon's RandomResizedCrop tries this many boxes before it falls back.
_CROP_ATTEMPTS = 10


@functools.lru_cache(maxsize=None)
def _constant(values, ctx):
    """A float32 NDArray of the tuple `values` on `ctx`, made only once.

    Making such arrays per batch would copy them to the device each time.
    Callers must not modify the result in place.
    """
    return nd.array(values, ctx=ctx)


@functools.lru_cache(maxsize=None)
def _mean_gray_weights(num_pixels, ctx):
    """Weights that turn a flattened RGB image into its mean gray.

    One matrix-vector product with them is twice as fast as Pooling on a
    CPU.
    """
    return nd.array(np.repeat(LUMA, num_pixels) / num_pixels, ctx=ctx)


def _check_batch(x, name):
    """Raise one clear error unless `x` is a float32 (N, 3, H, W) NDArray."""
    if not isinstance(x, nd.NDArray):
        raise TypeError(f'{name}: expected an MXNet NDArray batch, got '
                        f'{type(x).__name__}; convert uint8 images with '
                        f'batch_to_tensor(images, ctx).')
    if x.ndim != 4:
        raise ValueError(f'{name}: expected a 4-D (N, C, H, W) batch, got '
                         f'shape {x.shape}; add the batch axis to a single '
                         f'image with x.expand_dims(0).')
    if x.dtype == np.uint8:
        raise TypeError(f'{name}: got a uint8 batch; convert it to float32 '
                        f'(N, 3, H, W) in [0, 1] with batch_to_tensor(x).')
    if x.dtype != np.float32:
        raise TypeError(f'{name}: expected a float32 batch, got '
                        f'{np.dtype(x.dtype).name}; use x.astype("float32").')
    if x.shape[1] != 3:
        if x.shape[1] not in (1, 4) and x.shape[3] in (1, 3, 4):
            hint = ('it looks channels-last (N, H, W, C); make (N, C, H, W) '
                    'with batch_to_tensor or x.transpose((0, 3, 1, 2))')
        else:
            hint = 'convert grayscale or RGBA images to RGB first'
        raise ValueError(f'{name}: expected 3 (RGB) channels on axis 1, got '
                         f'shape {x.shape}; {hint}.')


def _check_images(images, name):
    """Raise one clear error unless `images` is uint8 (N, H, W, 3)."""
    if not isinstance(images, (nd.NDArray, np.ndarray)):
        raise TypeError(f'{name}: expected a NumPy array or NDArray of '
                        f'images, got {type(images).__name__}.')
    if images.ndim != 4 or images.shape[3] != 3:
        hint = ('convert grayscale or RGBA images to RGB first'
                if images.ndim == 4 and images.shape[3] in (1, 4)
                else 'stack (H, W, 3) RGB images along a new first axis')
        raise ValueError(f'{name}: expected uint8 images of shape '
                         f'(N, H, W, 3), got shape {images.shape}; {hint}.')
    if images.dtype != np.uint8:
        raise TypeError(f'{name}: expected uint8 images (0-255), got '
                        f'{np.dtype(images.dtype).name}; float batches in '
                        f'[0, 1] of shape (N, 3, H, W) go to the Batch* '
                        f'transforms directly.')


def _on(array, ctx, dtype):
    """NumPy array or NDArray as an NDArray on `ctx`; no copy if it is."""
    if isinstance(array, nd.NDArray):
        return array.as_in_context(ctx).astype(dtype, copy=False)
    return nd.array(array, ctx=ctx, dtype=dtype)


def batch_to_tensor(images, ctx=None):
    """Turn uint8 (N, H, W, 3) images into a float32 (N, 3, H, W) batch.

    Like Gluon's ToTensor on a whole batch: values are divided by 255. The
    uint8 images move to `ctx` first (a quarter of the float32 bytes);
    `ctx` defaults to where an NDArray is, or the CPU for NumPy input.
    """
    _check_images(images, 'batch_to_tensor')
    if ctx is None:
        ctx = images.context if isinstance(images, nd.NDArray) else mx.cpu()
    return nd.image.to_tensor(_on(images, ctx, np.uint8))


class BatchTransform:
    """Base class: draw per-image parameters, then apply them.

    Calling checks the batch; `sample` and `apply` assume a valid one.
    """

    def __call__(self, x):
        _check_batch(x, type(self).__name__)
        return self.apply(x, self.sample(x))

    def sample(self, x):
        """Draw this transform's parameters for every image of `x`."""
        raise NotImplementedError

    def apply(self, x, params):
        """Transform batch `x` with parameters from `sample`."""
        raise NotImplementedError

    def __repr__(self):
        args = ', '.join(f'{k}={v!r}' for k, v in vars(self).items()
                         if not k.startswith('_'))
        return f'{type(self).__name__}({args})'


class BatchFlipLeftRight(BatchTransform):
    """Flip each image left to right with probability 0.5.

    `sample` gives a float (N,) array of 1 (flip) and 0 (keep).
    """

    def sample(self, x):
        return nd.random.uniform(shape=x.shape[0], ctx=x.context) < 0.5

    def apply(self, x, flip):
        n = x.shape[0]
        # Taking rows from [x; mirrored x] is exact and, on a CPU, twice
        # as fast as nd.where.
        both = nd.concat(x, x[:, :, :, ::-1], dim=0)
        index = _constant(tuple(range(n)), x.context) + n * flip
        return nd.take(both, index)


def _resample(x, rows, cols):
    """Per image, `rows[n] @ x[n, c] @ cols[n].T` for every channel c.

    rows: (N, H_out, H), cols: (N, W_out, W). An (N, H, C, W) layout lets
    both products be batched matrix products without copying the matrices
    once per channel.
    """
    n, c, h, w = x.shape
    out_h, out_w = rows.shape[1], cols.shape[1]
    y = x.transpose((0, 2, 1, 3)).reshape(n, h, c * w)
    y = nd.batch_dot(rows, y).reshape(n, out_h * c, w)
    y = nd.batch_dot(y, cols, transpose_b=True)
    return y.reshape(n, out_h, c, out_w).transpose((0, 2, 1, 3))


def _shift_matrix(offset, size):
    """(N, size, size) 0/1 matrices taking pixel i + offset[n] to i.

    Rows whose source lies outside the image are zero: zero padding.
    """
    i = _constant(tuple(range(size)), offset.context).reshape(1, -1)
    return nd.one_hot(nd.broadcast_add(i, offset.reshape(-1, 1)), size)


def _interp_matrix(start, length, out_size, in_size):
    """(N, out_size, in_size) bilinear weights resizing a span to out_size.

    Per image, pixels [start, start + length) are resized as OpenCV's
    INTER_LINEAR does for Gluon: half-pixel centres, and sample points
    clamped to the span, so no pixel outside the crop leaks in. The weight
    of pixel k for sample point s is the tent max(0, 1 - |k - s|).
    """
    ctx = start.context
    j = _constant(tuple(k + 0.5 for k in range(out_size)), ctx)
    start, length = start.reshape(-1, 1), length.reshape(-1, 1)
    src = nd.broadcast_add(nd.broadcast_mul(j.reshape(1, -1),
                                            length / out_size), start - 0.5)
    src = nd.broadcast_minimum(nd.broadcast_maximum(src, start),
                               start + length - 1)
    k = _constant(tuple(range(in_size)), ctx).reshape(1, 1, -1)
    dist = nd.abs(nd.broadcast_sub(k, src.expand_dims(2)))
    # Activation runs on oneDNN: a few times faster than nd.relu on a CPU.
    return nd.Activation(1 - dist, act_type='relu')


class BatchPadCrop(BatchTransform):
    """Zero-pad by `pad` pixels, then crop back to H x W at random.

    The crop's top-left corner is uniform over [0, 2 * pad] on each axis,
    independently per image, as in the usual CIFAR-10 augmentation.
    `sample` gives an int32 (N, 2) array of (row, column) offsets.
    """

    def __init__(self, pad=4):
        if not isinstance(pad, numbers.Integral) or isinstance(pad, bool):
            raise TypeError(f'BatchPadCrop: pad must be an int, got '
                            f'{pad!r}.')
        if pad < 0:
            raise ValueError(f'BatchPadCrop: pad must be >= 0, got {pad}; '
                             f'use 0 for no shift, or e.g. 4 for 32 x 32 '
                             f'images.')
        self.pad = int(pad)

    def sample(self, x):
        return nd.random.randint(0, 2 * self.pad + 1, shape=(x.shape[0], 2),
                                 ctx=x.context)

    def apply(self, x, offsets):
        offsets = offsets.astype(np.float32) - self.pad
        return _resample(x, _shift_matrix(offsets[:, 0], x.shape[2]),
                         _shift_matrix(offsets[:, 1], x.shape[3]))


def _pair(value, name, what):
    """(a, b) from a number or a pair, as Gluon accepts for sizes."""
    if isinstance(value, numbers.Number):
        return value, value
    try:
        a, b = value
    except (TypeError, ValueError):
        raise TypeError(f'{name}: {what} must be a number or a pair, got '
                        f'{value!r}.') from None
    return a, b


def _scale_down(src_size, size):
    """Gluon's scale_down: the largest (w, h) of `size`'s shape that fits."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = w * sh / h, sh
    if sw < w:
        w, h = sw, h * sw / w
    return int(w), int(h)


class BatchRandomResizedCrop(BatchTransform):
    """Crop a random area and aspect ratio, then resize to `size`.

    Draws as Gluon's RandomResizedCrop does, per image: area fraction
    uniform in `scale`, log aspect ratio (width / height) uniform in
    log(`ratio`), width and height rounded to pixels, a uniform top-left
    corner, up to 10 attempts for a box that fits, else the central crop.
    The crop is resized bilinearly. `size` is an int or (width, height).
    `sample` gives a float (N, 4) array of (x0, y0, width, height) boxes.
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3)):
        name = 'BatchRandomResizedCrop'
        w, h = _pair(size, name, 'size')
        if not all(isinstance(v, numbers.Integral) and v > 0
                   for v in (w, h)):
            raise ValueError(f'{name}: size must be a positive int or '
                             f'(width, height) of them, got {size!r}.')
        lo, hi = _pair(scale, name, 'scale')
        if not 0 < lo <= hi <= 1:
            raise ValueError(f'{name}: scale must satisfy 0 < min <= max <= '
                             f'1 (fractions of the image area), got '
                             f'{scale!r}.')
        r_lo, r_hi = _pair(ratio, name, 'ratio')
        if not 0 < r_lo <= r_hi:
            raise ValueError(f'{name}: ratio must satisfy 0 < min <= max '
                             f'(width / height), got {ratio!r}.')
        self.size = (int(w), int(h))
        self.scale = (lo, hi)
        self.ratio = (r_lo, r_hi)

    def sample(self, x):
        n, _, h, w = x.shape
        shape, ctx = (n, _CROP_ATTEMPTS), x.context
        area = nd.random.uniform(*self.scale, shape=shape, ctx=ctx) * (h * w)
        ratio = nd.exp(nd.random.uniform(*map(math.log, self.ratio),
                                         shape=shape, ctx=ctx))
        # At least a pixel, where Gluon would fail on an empty crop.
        box_w = nd.maximum(nd.round(nd.sqrt(area * ratio)), 1)
        box_h = nd.maximum(nd.round(nd.sqrt(area / ratio)), 1)
        fits = (box_w <= w) * (box_h <= h)
        # argmax returns the first maximum: the first attempt that fits.
        first, found = nd.argmax(fits, axis=1), fits.max(axis=1)
        box_w, box_h = nd.pick(box_w, first), nd.pick(box_h, first)
        corner = nd.floor(nd.random.uniform(shape=(2, n), ctx=ctx)
                          * (nd.stack(w - box_w, h - box_h) + 1))
        boxes = nd.concat(corner.T, box_w.reshape(-1, 1),
                          box_h.reshape(-1, 1), dim=1)
        # Where no attempt fits, Gluon crops the centre instead.
        fall_w, fall_h = _scale_down((w, h), self.size)
        center = _constant(((w - fall_w) // 2, (h - fall_h) // 2, fall_w,
                            fall_h), ctx)
        return nd.where(found, boxes, nd.broadcast_like(
            center.reshape(1, -1), boxes))

    def apply(self, x, boxes):
        out_w, out_h = self.size
        return _resample(
            x, _interp_matrix(boxes[:, 1], boxes[:, 3], out_h, x.shape[2]),
            _interp_matrix(boxes[:, 0], boxes[:, 2], out_w, x.shape[3]))


class BatchColorJitter(BatchTransform):
    """Jitter brightness, contrast and saturation of each image.

    Factors are uniform in [max(0, 1 - v), 1 + v] for each amount v, drawn
    per image as Gluon's RandomBrightness, RandomContrast and
    RandomSaturation do: brightness scales the image, contrast blends it
    with its mean gray, saturation with each pixel's gray (luma `LUMA`).
    Like Gluon on float images the result is not clipped to [0, 1], so
    the three steps commute and one per-image affine color map does them
    all; the random order of Gluon's RandomColorJitter changes nothing.
    (Gluon on uint8 images saturates at 0 and 255 after each step. Its
    saturation in MXNet 1.9.1 takes gray as 0.114 * blue alone, a bug that
    even changes gray images; here gray images keep their color.)
    `sample` gives a float (N, 3) array of (brightness, contrast,
    saturation) factors.
    """

    def __init__(self, brightness=0, contrast=0, saturation=0):
        for name, v in (('brightness', brightness), ('contrast', contrast),
                        ('saturation', saturation)):
            if not isinstance(v, numbers.Real) or not v >= 0:
                raise ValueError(f'BatchColorJitter: {name} must be a number '
                                 f'>= 0, got {v!r}; factors are drawn from '
                                 f'[max(0, 1 - {name}), 1 + {name}].')
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation

    def sample(self, x):
        n, ctx = x.shape[0], x.context
        return nd.stack(*(nd.random.uniform(max(0, 1 - v), 1 + v, shape=n,
                                            ctx=ctx)
                          for v in (self.brightness, self.contrast,
                                    self.saturation)), axis=1)

    def apply(self, x, factors):
        n, c, h, w = x.shape
        bright, con, sat = nd.split(factors, 3, axis=1, squeeze_axis=True)
        # out = bright * (con * (sat * x + (1 - sat) * gray)
        #                 + (1 - con) * mean_gray)
        # is, per image, a 3 x 3 color matrix k1 * I + k2 * [luma; luma;
        # luma] plus an offset: a 1 x 1 convolution with one group of 3
        # filters per image.
        scale = bright * con
        k1 = scale * sat
        k = nd.stack(k1, scale - k1, axis=1)
        basis = _constant((*np.eye(3).ravel(), *LUMA * 3), x.context)
        weight = nd.dot(k, basis.reshape(2, -1)).reshape(n * c, c, 1, 1)
        mean_gray = nd.dot(x.reshape(n, -1), _mean_gray_weights(h * w,
                                                                x.context))
        offset = (bright - scale) * mean_gray
        y = nd.Convolution(x.reshape(1, n * c, h, w), weight,
                           nd.repeat(offset, c), kernel=(1, 1),
                           num_filter=n * c, num_group=n)
        return y.reshape(n, c, h, w)


class BatchCompose:
    """Apply batch transforms one after another, like Gluon's Compose."""

    def __init__(self, transforms):
        self.transforms = list(transforms)
        for t in self.transforms:
            if not callable(t):
                raise TypeError(f'BatchCompose: {t!r} is not callable; pass '
                                f'transforms such as BatchFlipLeftRight().')

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self):
        # One transform a line when one line would be longer than the
        # chapter's code lines (78 columns), whose cells show it.
        line = f'BatchCompose({self.transforms!r})'
        if len(line) <= 78 and '\n' not in line:
            return line
        parts = ',\n'.join(textwrap.indent(repr(t), '    ')
                           for t in self.transforms)
        return f'BatchCompose([\n{parts}])'


class DeviceLoader:
    """Augmented minibatches from images and labels kept on one device.

    `images` are uint8 (N, H, W, 3), `labels` have N entries; both stay on
    `ctx` (default: d2l's try_gpu()) as they are, a quarter of the memory
    of float32. Each batch is gathered there, made float32 (N, 3, H, W) in
    [0, 1] and passed through `augment`; labels keep their dtype. A
    mixing transform `mix` (such as d2l's BatchMixup) then takes the
    augmented images and their labels and returns mixed images and soft
    labels, (batch, num_classes) float32, for a loss with
    sparse_label=False.
    `shuffle` draws a new order each epoch from MXNet's generator;
    `last_batch` is 'keep' (a smaller last batch) or 'discard'. Iterating
    yields (X, y) on `ctx` and len() counts batches, as train_ch12 expects
    of a Gluon DataLoader. On a CPU the images are kept, and the batches
    gathered and augmented, on `augment_ctx` (default: d2l's
    augment_context(ctx), a CPU device whose worker uses one OpenMP
    thread), then copied to `ctx`.
    """

    def __init__(self, images, labels, batch_size, augment=None,
                 shuffle=False, ctx=None, last_batch='keep', mix=None,
                 augment_ctx=None):
        _check_images(images, 'DeviceLoader')
        if not isinstance(labels, nd.NDArray):
            labels = np.asarray(labels)
        if labels.shape != images.shape[:1]:
            raise ValueError(f'DeviceLoader: {len(images)} images but '
                             f'labels of shape {labels.shape}; pass one '
                             f'label per image, shape ({len(images)},).')
        if (not isinstance(batch_size, numbers.Integral)
                or isinstance(batch_size, bool) or batch_size < 1):
            raise ValueError(f'DeviceLoader: batch_size must be a positive '
                             f'int, got {batch_size!r}.')
        if augment is not None and not callable(augment):
            raise TypeError(f'DeviceLoader: augment must be callable or '
                            f'None, got {augment!r}.')
        if mix is not None and not callable(mix):
            raise TypeError(f'DeviceLoader: mix must be callable or None, '
                            f'got {mix!r}; pass e.g. d2l.BatchMixup(10).')
        if last_batch not in ('keep', 'discard'):
            raise ValueError(f"DeviceLoader: last_batch must be 'keep' or "
                             f"'discard', got {last_batch!r}.")
        self.ctx = ctx or try_gpu()
        self.augment_ctx = augment_ctx or augment_context(self.ctx)
        self.batch_size = int(batch_size)
        self.augment, self.shuffle, self.mix = augment, shuffle, mix
        self.last_batch = last_batch
        self._images = _on(images, self.augment_ctx, np.uint8)
        self._labels = _on(labels, self.augment_ctx, labels.dtype)

    @classmethod
    def from_dataset(cls, dataset, batch_size, **kwargs):
        """A DeviceLoader over a Gluon image data set such as CIFAR10."""
        if (isinstance(dataset, _DownloadedDataset)
                and dataset._transform is None):
            # The whole split is one array already: no per-image copies.
            images, labels = dataset._data, dataset._label
        else:
            images, labels = zip(*(dataset[i] for i in range(len(dataset))))
            images = np.stack([img.asnumpy() if isinstance(img, nd.NDArray)
                               else np.asarray(img) for img in images])
            labels = np.array(labels)
        return cls(images, labels, batch_size, **kwargs)

    def __len__(self):
        n = self._images.shape[0]
        if self.last_batch == 'keep':
            return -(-n // self.batch_size)
        return n // self.batch_size

    def __iter__(self):
        n = self._images.shape[0]
        order = nd.arange(n, ctx=self.augment_ctx, dtype=np.int32)
        if self.shuffle:
            order = nd.random.shuffle(order)
        for i in range(len(self)):
            idx = order[i * self.batch_size:(i + 1) * self.batch_size]
            X = nd.image.to_tensor(nd.take(self._images, idx))
            if self.augment is not None:
                X = self.augment(X)
            y = nd.take(self._labels, idx)
            if self.mix is not None:
                X, y = self.mix(X, y)
            yield X.as_in_context(self.ctx), y.as_in_context(self.ctx)
