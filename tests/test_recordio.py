"""d2l.recordio: mxnet.recordio's pack and pack_img without tostring."""
import ast
import pathlib
import types
import warnings

import d2l
import mxnet
import numpy
import pytest
from mxnet import recordio


@pytest.mark.parametrize('label', [4, 2.5, [1, 2, 3], numpy.arange(5.0)])
def test_pack_then_unpack_gives_back_header_and_payload(label):
    # mxnet.recordio.pack is d2l's where NumPy has no ndarray.tostring.
    for pack in (d2l.recordio.pack, recordio.pack):
        header = recordio.IRHeader(0, label, 2574, 0)
        packed = pack(header, b'image bytes')
        got, payload = recordio.unpack(packed)
        assert payload == b'image bytes'
        assert got.id == 2574 and got.id2 == 0
        numpy.testing.assert_array_equal(got.label, numpy.float32(label))
        assert got.flag == numpy.size(label) if numpy.ndim(label) else \
            got.flag == 0


@pytest.mark.applies_if(hasattr(numpy.ndarray, 'tostring'),
                        "MXNet's own pack needs ndarray.tostring")
def test_pack_writes_the_bytes_mxnets_own_does():
    assert recordio.pack is not d2l.recordio.pack  # MXNet's own, here
    for label in (7, [0.5, 1.5]):
        header = recordio.IRHeader(0, label, 9, 1)
        assert d2l.recordio.pack(header, b'x') == recordio.pack(header, b'x')


class _OpenCV:
    """Stands in for cv2: `imencode` gives the image's bytes and the
    parameters, as OpenCV gives its encoding, as a uint8 array."""
    IMWRITE_JPEG_QUALITY, IMWRITE_PNG_COMPRESSION = 1, 16

    def imencode(self, fmt, img, params):
        self.called = fmt, params
        return True, numpy.frombuffer(img.tobytes(), dtype=numpy.uint8)


def test_pack_img_round_trip(monkeypatch):
    cv2 = _OpenCV()
    monkeypatch.setattr(recordio, 'cv2', cv2)
    img = numpy.arange(24, dtype=numpy.uint8).reshape(2, 4, 3)
    for pack_img in (d2l.recordio.pack_img, recordio.pack_img):
        packed = pack_img(recordio.IRHeader(0, [3, 1], 5, 0), img,
                          quality=7, img_fmt='.png')
        assert cv2.called == ('.png', [cv2.IMWRITE_PNG_COMPRESSION, 7])
        header, payload = recordio.unpack(packed)
        assert header.label.tolist() == [3, 1] and header.id == 5
        assert payload == img.tobytes()


def test_used_only_where_numpy_lacks_tostring():
    module = types.SimpleNamespace(pack=None, pack_img=None)
    with_it = types.SimpleNamespace(ndarray=type('ndarray', (),
                                                 {'tostring': None}))
    assert not d2l.recordio.use_tobytes(module, with_it)
    assert module.pack is None
    without = types.SimpleNamespace(ndarray=object)
    assert d2l.recordio.use_tobytes(module, without)
    assert (module.pack, module.pack_img) == (d2l.recordio.pack,
                                              d2l.recordio.pack_img)
    # In this process: d2l's where NumPy has no tostring, MXNet's where
    # it has.
    assert (recordio.pack is d2l.recordio.pack) == \
        (not hasattr(numpy.ndarray, 'tostring'))


def test_mxnet_calls_tostring_only_in_what_d2l_replaces():
    root = pathlib.Path(mxnet.__file__).parent
    callers = set()
    for path in root.rglob('*.py'):
        with warnings.catch_warnings():  # MXNet's invalid escapes
            warnings.simplefilter('ignore', SyntaxWarning)
            tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and any(
                    isinstance(node, ast.Attribute) and
                    node.attr == 'tostring' for node in ast.walk(function)):
                callers.add(f'{path.relative_to(root)}:{function.name}')
    assert callers == {'recordio.py:pack', 'recordio.py:pack_img'}
