"""mxnet.recordio's `pack` and `pack_img` for NumPy 2.3 and later.

MXNet 1.9.1 writes a record's label array and an encoded image as bytes
with `ndarray.tostring`, which NumPy 2.3 removed (a method: d2l/preload.py
cannot give it back before MXNet loads). These are MXNet's two functions
with `tobytes`, the same bytes; `use_tobytes` puts them in place only
where NumPy lacks `tostring`.
"""
import numbers
import struct

import numpy
from mxnet import recordio


def pack(header, s):
    """mxnet.recordio.pack: `s` after the header and the label array."""
    header = recordio.IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = numpy.asarray(header.label, dtype=numpy.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(recordio._IR_FORMAT, *header) + s


def pack_img(header, img, quality=95, img_fmt='.jpg'):
    """mxnet.recordio.pack_img: `img` encoded by OpenCV, then `pack`."""
    cv2 = recordio.cv2
    assert cv2 is not None, 'mxnet.recordio.pack_img needs OpenCV (cv2)'
    params = {'.JPG': [cv2.IMWRITE_JPEG_QUALITY, quality],
              '.JPEG': [cv2.IMWRITE_JPEG_QUALITY, quality],
              '.PNG': [cv2.IMWRITE_PNG_COMPRESSION, quality]}
    ret, buf = cv2.imencode(img_fmt, img, params.get(img_fmt.upper()))
    assert ret, 'failed to encode image'
    return pack(header, buf.tobytes())


def use_tobytes(module=recordio, numpy_module=numpy):
    """Put `pack` and `pack_img` into mxnet.recordio if NumPy has no
    ndarray.tostring; returns whether it did."""
    if hasattr(numpy_module.ndarray, 'tostring'):
        return False
    module.pack, module.pack_img = pack, pack_img
    return True
