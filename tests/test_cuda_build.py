"""mxnet-cu112 on a machine without a GPU, with a stand-in NVIDIA driver.

`make install MXNET=mxnet-cu112` as a reader runs it, in a copy of the
project, with only the stand-in driver (tests/cuda_standin.c) on
LD_LIBRARY_PATH; then plain processes of that venv, with the same path:
d2l loads the CUDA libraries itself, says why it trains on the CPU, and the
chapter runs under nbval. Without the stand-in, `import d2l` is one clear
error.

The venv is kept in _build/platforms/venv-cu112, as test_platforms.py
keeps its own: the first run installs about 2 GB of wheels (minutes even
from pip's cache); later runs go through `make install` again in that
venv, as a reader's second install does. `make clean` removes it.
"""
import os
import pathlib
import subprocess

import pytest

from printed import notes
from test_install import _project_copy

pytestmark = pytest.mark.platforms

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV = ROOT / '_build' / 'platforms' / 'venv-cu112'
PYTHON = VENV / 'bin' / 'python'
CHAPTER = 'chapter_image_augmentation/image_augmentation.ipynb'


def _note(reason):
    return (f'd2l: this MXNet is a CUDA build, but CUDA finds no usable GPU '
            f'({reason}); training on the CPU.')


def _standin_driver(folder, *defines):
    """Build tests/cuda_standin.c as `folder`/libcuda.so.1."""
    subprocess.run(['gcc', '-shared', '-fPIC', '-Wl,-soname,libcuda.so.1',
                    *defines, '-o', str(folder / 'libcuda.so.1'),
                    str(ROOT / 'tests' / 'cuda_standin.c')], check=True)
    return folder


def _env(driver=None, **extra):
    """This environment with only `driver`'s folder on LD_LIBRARY_PATH
    (none if None): the CUDA libraries must come from d2l alone."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('LD_LIBRARY_PATH', 'VIRTUAL_ENV', 'PYTHONPATH')}
    return {**env, **extra, **({'LD_LIBRARY_PATH': str(driver)}
                               if driver else {})}


def _python(code, driver, project):
    """Run `code` in a plain VENV Python (its d2l is `project`'s)."""
    return subprocess.run([str(PYTHON), '-c', code], capture_output=True,
                          text=True, env=_env(driver), cwd=project,
                          timeout=600)


@pytest.fixture(scope='module')
def driver(tmp_path_factory):
    return _standin_driver(tmp_path_factory.mktemp('driver'))


@pytest.fixture(scope='module')
def installed(tmp_path_factory, driver):
    """A project copy whose `make install MXNET=mxnet-cu112` went through
    into VENV; returns the copy and what the install printed."""
    project = _project_copy(tmp_path_factory.mktemp('project'))
    done = subprocess.run(
        ['make', 'install', 'MXNET=mxnet-cu112', f'VENV={VENV}'],
        cwd=project, capture_output=True, text=True, env=_env(driver),
        timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    return project, done.stdout


def test_make_install_goes_through_with_the_standin_driver(installed):
    _, printed = installed
    assert (f'mxnet 1.9.1 from {VENV}/lib/' in printed
            and '/site-packages/mxnet (venv), built with CUDA, CUDNN, NCCL'
            in printed), printed
    assert notes(printed)[-2:] == [
        _note('no CUDA-capable device is detected'),
        'd2l will train on [cpu(0)]']
    # d2l finds the CUDA libraries: no process is told where they are.
    kernel = VENV / 'share' / 'jupyter' / 'kernels' / 'd2l-mxnet'
    assert 'LD_LIBRARY_PATH' not in (kernel / 'kernel.json').read_text()
    assert 'LD_LIBRARY_PATH' not in (VENV / 'bin' / 'activate').read_text()


_TRAIN_ON_WHAT_THERE_IS = """
import d2l, mxnet
print(mxnet.runtime.Features().is_enabled('CUDA'))
print(d2l.try_all_gpus(), d2l.try_gpu(), d2l.try_all_gpus())
print((mxnet.nd.ones((2, 2), ctx=d2l.try_gpu()) * 2).sum().asscalar())
"""


def test_plain_python_imports_d2l_and_computes_on_the_cpu(installed,
                                                          driver):
    project, _ = installed
    done = _python(_TRAIN_ON_WHAT_THERE_IS, driver, project)
    assert done.returncode == 0, done.stderr[-3000:]
    threads, *rest = notes(done.stdout)
    assert threads.startswith('d2l: MXNet computes with')
    assert rest == ['True', _note('no CUDA-capable device is detected'),
                    '[cpu(0)] cpu(0) [cpu(0)]', '8.0']
    # What d2l's loading saves: without it, MXNet misses the wheels' CUDA
    # libraries.
    bare = _python('import mxnet', driver, project)
    assert 'libcudnn.so.8: cannot open shared object file' in bare.stderr


def test_a_driver_too_old_for_cuda_11_is_named(installed, tmp_path):
    project, _ = installed
    old = _standin_driver(tmp_path, '-DDRIVER_VERSION=10020')
    done = _python(_TRAIN_ON_WHAT_THERE_IS, old, project)
    assert done.returncode == 0, done.stderr[-3000:]
    assert _note('CUDA driver version is insufficient for CUDA runtime '
                 'version') in notes(done.stdout)


_IMPORT_D2L_AND_LOOK = """
import sys
try:
    import d2l
except ImportError as err:
    print(type(err).__name__, err)
maps = open('/proc/self/maps').read()
print('mxnet' in sys.modules, 'nvidia' in maps, 'libmxnet' in maps)
"""


def test_without_a_driver_import_d2l_is_one_clear_error(installed):
    project, _ = installed
    done = _python(_IMPORT_D2L_AND_LOOK, None, project)
    error, loaded = done.stdout.splitlines()
    assert error.startswith(
        'CUDADriverNotFoundError this MXNet is a CUDA build (mxnet-cu112), '
        "but the NVIDIA driver, libcuda.so.1, cannot be loaded (")
    assert error.endswith('install the CPU build: `make install '
                          'MXNET=mxnet`, or `pip install --no-deps '
                          'mxnet==1.9.1` in place of mxnet-cu112.')
    assert loaded == 'False False False'  # Nothing half-done.
    # `make install`'s check says the same in one line.
    check = subprocess.run([str(PYTHON), 'tools/check_install.py'],
                           cwd=project, capture_output=True, text=True,
                           env=_env())
    assert check.returncode == 1
    assert check.stderr.splitlines() == [
        f'make install: {error.split(" ", 1)[1]}']


def test_chapter_runs_under_nbval_on_the_quick_budget(installed, driver):
    project, _ = installed
    # JUPYTER_PATH first: the d2l-mxnet kernel is VENV's even where
    # another install left one in the user's Jupyter folder.
    done = subprocess.run(
        [str(PYTHON), '-m', 'pytest', '-q', '--nbval', CHAPTER,
         '--sanitize-with', 'tests/nbval_sanitize.cfg'],
        cwd=project, capture_output=True, text=True, timeout=3600,
        env=_env(driver, D2L_BUDGET='quick',
                 JUPYTER_PATH=str(VENV / 'share' / 'jupyter')))
    assert done.returncode == 0, done.stdout[-5000:]
    assert ' passed' in done.stdout and 'failed' not in done.stdout
