"""d2l.preload: what happens before MXNet loads."""
import ast
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import types
import warnings

import d2l
import mxnet
import numpy
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_usable_cores_is_the_affinity_without_a_quota(tmp_path):
    assert d2l.usable_cores(str(tmp_path / 'absent')) == \
        len(os.sched_getaffinity(0))
    unlimited = tmp_path / 'cpu.max'
    unlimited.write_text('max 100000\n')
    assert d2l.usable_cores(str(unlimited)) == len(os.sched_getaffinity(0))


def test_usable_cores_follows_a_container_quota(tmp_path):
    cpu_max = tmp_path / 'cpu.max'
    cpu_max.write_text('50000 100000\n')  # docker run --cpus 0.5
    assert d2l.usable_cores(str(cpu_max)) == 1
    cpu_max.write_text('150000 100000\n')  # --cpus 1.5: round up
    assert d2l.usable_cores(str(cpu_max)) == min(
        2, len(os.sched_getaffinity(0)))


def test_use_all_cores_sets_omp_num_threads_before_mxnet():
    environ = {}
    note = d2l.use_all_cores(environ, modules={})
    assert environ == {'OMP_NUM_THREADS': str(d2l.usable_cores())}
    assert note.startswith(f'd2l: MXNet computes with {d2l.usable_cores()} '
                           f'OpenMP thread')


def test_use_all_cores_respects_the_users_choice():
    environ = {'OMP_NUM_THREADS': '1'}
    assert d2l.use_all_cores(environ, modules={}) == \
        'd2l: MXNet computes with OMP_NUM_THREADS=1 as set.'
    assert environ == {'OMP_NUM_THREADS': '1'}


def test_use_all_cores_too_late_says_so():
    environ = {}
    note = d2l.use_all_cores(environ, modules={'mxnet': sys})
    assert environ == {} and 'imported before d2l' in note


def _child(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, check=True, env={**environ, **env})


# The threads of a process that ran a few convolutions: OpenMP starts
# its worker threads on the first parallel region.
_COUNT_THREADS = """
import d2l, os
from mxnet import nd
x, w = nd.ones((8, 16, 32, 32)), nd.ones((16, 16, 3, 3))
for _ in range(3):
    nd.Convolution(x, w, kernel=(3, 3), num_filter=16,
                   no_bias=True).wait_to_read()
print(os.environ['OMP_NUM_THREADS'], len(os.listdir('/proc/self/task')))
"""


def test_importing_d2l_gives_mxnet_every_core():
    cores = d2l.usable_cores()
    done = _child(_COUNT_THREADS)
    assert 'd2l: MXNet computes with' in done.stdout
    threads, count = done.stdout.splitlines()[-1].split()
    assert threads == str(cores)
    # MXNet starts as many threads as when the user asks for every core,
    # and more than with one (its own choice on 2 x86 cores).
    assert _child(_COUNT_THREADS, OMP_NUM_THREADS=str(cores)).stdout \
        .split()[-1] == count
    if cores > 1:
        one = _child(_COUNT_THREADS, OMP_NUM_THREADS='1').stdout.split()
        assert int(one[-1]) < int(count)


def test_importing_d2l_keeps_the_users_threads():
    done = _child('import d2l, os; print(os.environ["OMP_NUM_THREADS"])',
                  OMP_NUM_THREADS='1')
    # (On NumPy 2 a note on the restored names follows the first line.)
    lines = done.stdout.splitlines()
    assert [lines[0], lines[-1]] == [
        'd2l: MXNet computes with OMP_NUM_THREADS=1 as set.', '1']


# NumPy names: what MXNet reads from NumPy, and what d2l restores.

def _numpy_reads(source):
    """Module-level NumPy names that Python `source` reads, as dotted
    paths below numpy (`bool`, `compat.basestring`, `linalg.norm`)."""
    with warnings.catch_warnings():  # MXNet's invalid escapes
        warnings.simplefilter('ignore', SyntaxWarning)
        tree = ast.parse(source)
    aliases, reads = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(alias.asname or alias.name
                           for alias in node.names if alias.name == 'numpy')
        elif isinstance(node, ast.ImportFrom) and node.module == 'numpy' \
                and not node.level:
            reads.update(alias.name for alias in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and \
                isinstance(node.value, ast.Name) and \
                node.value.id in aliases:
            reads.add(node.attr)
        elif isinstance(node, ast.Attribute) and \
                isinstance(node.value, ast.Attribute) and \
                isinstance(node.value.value, ast.Name) and \
                node.value.value.id in aliases:
            reads.add(f'{node.value.attr}.{node.attr}')
    return reads


def _mxnet_dispatch_names():
    """The NumPy functions MXNet registers __array_function__ and ufunc
    overrides for, by name, when it loads."""
    from mxnet import numpy_dispatch_protocol as protocol
    return {*protocol._NUMPY_ARRAY_FUNCTION_LIST,
            *protocol._NUMPY_ARRAY_UFUNC_LIST}


def _python_sources():
    """(where, source) of MXNet's Python files and of this project's code:
    d2l, the tests, the tools and both notebooks' code cells."""
    mxnet_root = pathlib.Path(mxnet.__file__).parent
    for path in sorted(mxnet_root.rglob('*.py')):
        yield str(path.relative_to(mxnet_root.parent)), path.read_text()
    for folder in ('d2l', 'tests', 'tools'):
        for path in sorted((ROOT / folder).glob('*.py')):
            yield str(path.relative_to(ROOT)), path.read_text()
    for path in sorted(ROOT.glob('chapter_*/*.ipynb')):
        for i, cell in enumerate(json.loads(path.read_text())['cells']):
            if cell['cell_type'] == 'code':
                code = ''.join(cell['source'])
                # IPython's magics are not Python.
                code = re.sub(r'(?m)^\s*[%!].*$', '', code)
                yield f'{path.name} cell {i}', code


def _resolves(dotted):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        value = numpy
        for part in dotted.split('.'):
            if not hasattr(value, part):
                return False
            value = getattr(value, part)
    return True


def test_every_numpy_name_mxnet_and_this_project_read_exists():
    # After `import d2l`, on whatever NumPy is installed: 1.23.5 has them
    # all, 1.26 and 2.x only with what d2l restored.
    readers = {}
    for where, source in _python_sources():
        for name in _numpy_reads(source):
            readers.setdefault(name, where)
    for name in _mxnet_dispatch_names():
        readers.setdefault(name, 'mxnet/numpy_dispatch_protocol.py')
    assert len(readers) > 300  # the scan found MXNet's sources
    # What NumPy 2.4 removed, read by MXNet's fallback and operators.
    assert {'in1d', 'trapz', 'compat.basestring'} <= set(readers)
    missing = {name: where for name, where in readers.items()
               if not _resolves(name)}
    assert missing == {}


def _numpy_without(names, version, name='numpy'):
    """A stand-in for a NumPy release that removed `names`; one of another
    `name` has no numpy.compat module to import."""
    fake = types.ModuleType(name)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        # Not NumPy's module __getattr__, which answers for names it
        # deprecated: the stand-in has only what it has.
        fake.__dict__.update({key: getattr(numpy, key) for key in dir(numpy)
                              if key not in [*names, '__getattr__']})
    fake.__name__ = name
    if 'bool' not in names:  # NumPy 2 has it again, as numpy.bool_.
        fake.bool = numpy.bool_
    if 'trapz' in names:  # NumPy 2's name for it
        fake.trapezoid = getattr(numpy, 'trapezoid', None) or numpy.trapz
    fake.__version__ = version
    # Print options are the real NumPy's, global: the stand-in keeps its own.
    fake.printoptions = {}
    fake.set_printoptions = fake.printoptions.update
    return fake


NUMPY_2_REMOVED = ['PZERO', 'NZERO', 'PINF', 'NINF', 'Inf', 'NAN', 'NaN',
                   'int', 'alltrue', 'sometrue', 'product', 'round_',
                   'msort', 'mirr', 'npv', 'pmt', 'ppmt', 'pv', 'rate',
                   'compat']


def test_restores_exactly_the_missing_names_and_touches_nothing_else():
    fake = _numpy_without(NUMPY_2_REMOVED, '2.2.6')
    before = dict(fake.__dict__)
    note = d2l.preload.restore_numpy_names(fake, modules={})
    assert note == (f'd2l: restored 20 names that MXNet 1.9.1 uses and '
                    f'NumPy 2.2.6 lacks ({", ".join(NUMPY_2_REMOVED)}); '
                    f'NumPy scalars print as in 1.25, as MXNet expects.')
    assert set(fake.__dict__) - set(before) == set(NUMPY_2_REMOVED)
    assert all(fake.__dict__[key] is value for key, value in before.items())
    # Nothing is missing any more: a second call restores nothing.
    assert d2l.preload.restore_numpy_names(fake, modules={}) is None


# NumPy 2.4 removed these too, and the numpy.compat module.
NUMPY_2_4_REMOVED = [*NUMPY_2_REMOVED[:12], 'trapz', *NUMPY_2_REMOVED[12:],
                     'in1d']


def test_numpy_2_4_gets_in1d_trapz_and_compat_back():
    fake = _numpy_without(NUMPY_2_4_REMOVED, '2.5.5', name='numpy_2_5')
    modules = {}
    note = d2l.preload.restore_numpy_names(fake, modules=modules)
    assert note.startswith(f'd2l: restored 22 names that MXNet 1.9.1 uses '
                           f'and NumPy 2.5.5 lacks '
                           f'({", ".join(NUMPY_2_4_REMOVED)})')
    # No numpy.compat to import: a module with what MXNet reads of it,
    # importable by name.
    assert modules == {'numpy_2_5.compat': fake.compat}
    assert fake.compat.basestring is str
    a, b = numpy.array([[1, 5], [2, 7]]), numpy.array([2, 5, 9])
    assert fake.in1d(a, b).tolist() == [False, True, True, False]
    assert fake.in1d(a, b, invert=True).tolist() == [True, False, False,
                                                      True]
    y = numpy.array([[1.0, 2.0, 4.0], [0.0, 3.0, 3.0]])
    assert fake.trapz(y, dx=2.0).tolist() == [9.0, 9.0]
    assert fake.trapz(y, axis=0).tolist() == [0.5, 2.5, 3.5]
    assert fake.trapz is not fake.trapezoid and \
        fake.trapz.__name__ == 'trapz'


def test_restored_values_are_numpy_1_23s():
    fake = _numpy_without(NUMPY_2_REMOVED, '2.0.2')
    d2l.preload.restore_numpy_names(fake, modules={})
    assert math.copysign(1, fake.PZERO) == 1 and fake.PZERO == 0
    assert math.copysign(1, fake.NZERO) == -1 and fake.NZERO == 0
    assert fake.PINF == fake.Inf == math.inf and fake.NINF == -math.inf
    assert math.isnan(fake.NAN) and math.isnan(fake.NaN)
    assert fake.int is int
    assert fake.compat.basestring is str


def test_renamed_functions_are_wrappers_that_compute_as_the_new_names():
    fake = _numpy_without(NUMPY_2_REMOVED, '2.2.6')
    d2l.preload.restore_numpy_names(fake, modules={})
    a = numpy.array([[3.25, 1.0], [0.0, 2.5]])
    for old, new, args in [('alltrue', 'all', {'axis': 0}),
                           ('sometrue', 'any', {'axis': 1}),
                           ('product', 'prod', {'axis': 0}),
                           ('round_', 'round', {'decimals': 1})]:
        wrapper = getattr(fake, old)
        # MXNet's dispatch table is keyed by the NumPy function: an alias
        # would register MXNet's `alltrue` for `np.all`.
        assert wrapper is not getattr(numpy, new)
        assert wrapper.__name__ == old
        numpy.testing.assert_array_equal(wrapper(a, **args),
                                         getattr(numpy, new)(a, **args))
    numpy.testing.assert_array_equal(fake.msort(a), numpy.sort(a, axis=0))


def test_financial_functions_raise_naming_numpy_financial():
    fake = _numpy_without(NUMPY_2_REMOVED, '2.2.6')
    d2l.preload.restore_numpy_names(fake, modules={})
    for name in ('mirr', 'npv', 'pmt', 'ppmt', 'pv', 'rate'):
        with pytest.raises(RuntimeError, match=f'numpy_financial.{name}'):
            getattr(fake, name)(0.05, [1, 2])


def test_numpy_1_26_gets_bool_back():
    fake = _numpy_without(['bool'], '1.26.4')
    assert 'bool' in d2l.preload.restore_numpy_names(fake, modules={})
    assert fake.bool is bool and numpy.dtype(fake.bool) == numpy.bool_
    assert fake.printoptions == {}


def test_numpy_2_prints_scalars_as_1_25_did():
    # MXNet writes operator parameters as text: `np.int64(19)` would not
    # parse where `19` does.
    fake = _numpy_without(NUMPY_2_REMOVED, '2.0.2')
    d2l.preload.restore_numpy_names(fake, modules={})
    assert fake.printoptions == {'legacy': '1.25'}


def test_numpy_too_new_is_one_clear_error():
    # Every NumPy up to 2.5 is accepted; 2.6 was not tested.
    accepted = _numpy_without([], '2.5.9')
    d2l.preload.restore_numpy_names(accepted, modules={})
    assert accepted.printoptions == {'legacy': '1.25'}  # got past the check
    with pytest.raises(ImportError) as error:
        d2l.preload.restore_numpy_names(_numpy_without([], '2.6.0'),
                                        modules={})
    assert str(error.value) == (
        'd2l: NumPy 2.6.0 is newer than any that d2l and MXNet 1.9.1 were '
        'tested with (up to 2.5); install NumPy 2.5: pip install '
        '"numpy<=2.5.99" (make install does).')


def test_mxnet_imported_first_is_said():
    fake = _numpy_without(['PZERO'], '2.2.6')
    note = d2l.preload.restore_numpy_names(fake, modules={'mxnet.base': sys})
    assert note.endswith('mxnet was imported before d2l: import d2l first.')


def test_mxnet_functions_still_dispatch_to_mxnet():
    from mxnet import np as mx_np
    x = mx_np.array([[1.0, 0.0], [2.5, 4.0]])
    for function, expected in [(numpy.all, [True, False]),
                               (numpy.prod, [2.5, 0.0]),
                               (numpy.round, None)]:
        result = function(x, axis=0) if expected else function(x)
        # NumPy hands MXNet's arrays to MXNet's own operator.
        assert isinstance(result, mx_np.ndarray), function
        if expected:
            assert result.asnumpy().tolist() == expected
    assert numpy.round(x).asnumpy().tolist() == [[1.0, 0.0], [2.0, 4.0]]


_BLOCK_DISTUTILS = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('distutils', 'setuptools',
                                  '_distutils_hack'):
            raise ImportError(f'no {name} here')
sys.meta_path.insert(0, Refuse())
for name in [m for m in sys.modules if 'distutils' in m]:
    del sys.modules[name]
import d2l
"""


def test_no_distutils_is_one_clear_error():
    # Python 3.12 without setuptools: MXNet could not load.
    out = subprocess.run([sys.executable, '-c', _BLOCK_DISTUTILS],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.splitlines()[-1] == (
        f'ImportError: d2l: MXNet 1.9.1 imports distutils, which Python '
        f'{sys.version_info[0]}.{sys.version_info[1]} no longer has; install '
        f'setuptools (pip install setuptools, as make install does) and '
        f'unset SETUPTOOLS_USE_DISTUTILS.')


def test_needed_libraries_reads_what_libmxnet_links_against():
    libmxnet = pathlib.Path(mxnet.__file__).parent / 'libmxnet.so'
    needed = d2l.preload._needed_libraries(libmxnet)
    assert 'libopenblas.so.0' in needed and 'libc.so.6' in needed
    assert 'libcuda.so.1' not in needed  # This venv's MXNet is the CPU build


def test_cpu_build_needs_no_nvidia_driver():
    # There is no libcuda.so.1 on this machine: taking the CPU build for a
    # CUDA one would raise CUDADriverNotFoundError.
    assert d2l.preload.load_cuda_libraries(modules={}) is None


def test_cuda_build_without_driver_is_one_clear_error(monkeypatch):
    # This machine has no libcuda.so.1. (tests/test_cuda_build.py runs the
    # real mxnet-cu112 with and without a stand-in driver.)
    monkeypatch.setattr(d2l.preload, '_mxnet_is_a_cuda_build', lambda: True)
    with pytest.raises(ImportError, match=(
            r'CUDA build .* libcuda\.so\.1, cannot be loaded .*'
            r'`make install MXNET=mxnet`, or `pip install --no-deps '
            r'mxnet==1\.9\.1`')):
        d2l.preload.load_cuda_libraries(modules={})
    # Once mxnet is imported, it is too late to load anything for it.
    assert d2l.preload.load_cuda_libraries(modules={'mxnet': sys}) is None
