"""Other Pythons, NumPy 2 and Colab's set-up, each in a venv of its own.

`make test-platforms` runs these (marked `platforms`; minutes each, so
`make test` leaves them out): `make install` with Python 3.10, 3.12 and
3.13, the whole `make test` on 3.13 (NumPy 2.2), and the README's Colab
cells in a Python 3.12 venv with Colab's NumPy 2.0.2. The venvs live in
_build/platforms/, where a later run reuses them.
"""
import glob
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENVS = ROOT / '_build' / 'platforms'
SMOKE = ROOT / 'tests' / 'platform_smoke.py'

pytestmark = pytest.mark.platforms


def find_python(version):
    """An interpreter of `version` (e.g. '3.13'): on PATH, else pyenv's.

    Without one, the test is skipped, except under CI, where it fails.
    """
    home = pathlib.Path(os.environ.get('PYENV_ROOT',
                                       pathlib.Path.home() / '.pyenv'))
    candidates = [shutil.which(f'python{version}'), *sorted(glob.glob(
        str(home / 'versions' / f'{version}.*' / 'bin' /
            f'python{version}')))]
    for python in filter(None, candidates):
        said = subprocess.run(
            [python, '-c', 'import sys; print(*sys.version_info[:2])'],
            capture_output=True, text=True)
        if said.stdout.split() == version.split('.'):
            return python
    reason = (f'no Python {version} on PATH or in pyenv; install it '
              f'(e.g. `pyenv install {version}`) to test it')
    if os.environ.get('CI'):
        pytest.fail(reason)
    pytest.skip(reason)


def run(command, log, **kwargs):
    """Run `command`, keep its output in `log`; fail with its end."""
    done = subprocess.run(command, capture_output=True, text=True,
                          **kwargs)
    log.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, (
        f'{" ".join(map(str, command))} failed; all of it in {log}:\n'
        f'{(done.stdout + done.stderr)[-3000:]}')
    return done.stdout


def make_install(version):
    """`make install` with Python `version` into _build/platforms/."""
    venv = VENVS / f'venv-{version}'
    VENVS.mkdir(parents=True, exist_ok=True)
    out = run(['make', 'install', f'PYTHON={find_python(version)}',
               f'VENV={venv}'], VENVS / f'install-{version}.log', cwd=ROOT)
    return venv, out


def smoke(python, log):
    """The chapter's code in brief (tests/platform_smoke.py) in `python`."""
    return run([str(python), str(SMOKE)], log,
               cwd=ROOT / 'chapter_image_augmentation').splitlines()[-1]


@pytest.mark.parametrize('version, numpy', [('3.10', '1.23.5'),
                                            ('3.12', '1.26.4')])
def test_make_install_and_train(version, numpy):
    venv, out = make_install(version)
    assert f'numpy {numpy} from {venv}' in out
    summary = smoke(venv / 'bin' / 'python', VENVS / f'smoke-{version}.log')
    assert summary.startswith(f'Python {version}.') and \
        f'NumPy {numpy}, MXNet 1.9.1' in summary


def test_python_3_13_passes_make_test():
    # Unit tests, both notebooks under nbval and the pages, as on 3.11.
    venv, out = make_install('3.13')
    assert f'numpy 2.2.6 from {venv}' in out
    assert 'd2l: restored 20 names that MXNet 1.9.1 uses and NumPy 2.2.6 ' \
        'lacks' in out
    tested = run(['make', 'test', f'VENV={venv}'], VENVS / 'test-3.13.log',
                 cwd=ROOT, env={**os.environ, 'D2L_BUDGET': 'quick'})
    assert re.search(r'^=+ \d+ passed', tested.splitlines()[-1]), \
        tested.splitlines()[-1]


def colab_cells():
    """The pip lines of the README's Colab cells, for a CPU: the plain
    mxnet for mxnet-cu112, no CUDA libraries, this clone for the repo."""
    readme = (ROOT / 'README.md').read_text()
    cells = readme.split('<!-- colab:start -->')[1] \
        .split('<!-- colab:end -->')[0]
    lines = [line[len('!'):] for line in cells.splitlines()
             if line.startswith('!pip ')]
    assert len(lines) >= 3, cells
    return [line.replace('mxnet-cu112', 'mxnet')
            .replace('/content/d2l-aug', str(ROOT)) for line in lines
            if 'requirements-cuda.txt' not in line]


def test_colab_cells_on_python_3_12_with_numpy_2_0_2():
    # What Colab's Python 3.12 runtime has before the cells run: NumPy
    # 2.0.2, matplotlib, Pillow, requests, setuptools (and no MXNet).
    venv = VENVS / 'colab-3.12'
    log = VENVS / 'colab-3.12.log'
    if not (venv / 'bin' / 'python').exists():
        run([find_python('3.12'), '-m', 'venv', str(venv)], log)
    pip = [str(venv / 'bin' / 'python'), '-m', 'pip']
    run([*pip, 'install', '-q', 'numpy==2.0.2', 'matplotlib==3.10.9',
         'pillow==13.0.0', 'requests==2.34.2', 'setuptools==84.2.1'], log)
    for line in colab_cells():
        words = line.split()
        assert words[0] == 'pip', line
        run([*pip, *[w.strip('"') for w in words[1:]]], log)
    summary = smoke(venv / 'bin' / 'python', VENVS / 'smoke-colab.log')
    assert summary.startswith('Python 3.12.') and 'NumPy 2.0.2' in summary
