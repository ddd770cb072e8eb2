"""Other Pythons, NumPy 2 and Colab's set-up, each in a venv of its own.

`make test-platforms` runs these (marked `platforms`; minutes each, so
`make test` leaves them out): `make install` with Debian 12's own Python
3.11.2 and with 3.12, then the chapter's code in brief; the whole `make
test` on 3.13 and on 3.15 (NumPy 2.5.5); `make install` and the chapter
under nbval on 3.14; and the Colab cells of docs/platforms.md in a
Python 3.12 venv with Colab's NumPy 2.0.2. 3.14 and 3.15 come from Debian
unstable's packages (tools/debian_python.sh). The venvs live in
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

from printed import notes

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENVS = ROOT / '_build' / 'platforms'
SMOKE = ROOT / 'tests' / 'platform_smoke.py'
# The Python of Debian 12 and of what is built on it.
DEBIAN_12 = pathlib.Path('/usr/bin/python3.11')

pytestmark = pytest.mark.platforms


def _missing(reason):
    """Skip, except under CI, where a missing interpreter fails."""
    if os.environ.get('CI'):
        pytest.fail(reason)
    pytest.skip(reason)


def debian_python(version):
    """Python `version` (3.14, 3.15) from Debian unstable's packages,
    assembled under _build/pythons by tools/debian_python.sh (cached)."""
    done = subprocess.run([str(ROOT / 'tools' / 'debian_python.sh'),
                           version], capture_output=True, text=True)
    if done.returncode:
        _missing(done.stderr.strip().splitlines()[-1])
    return done.stdout.strip()


def find_python(version):
    """An interpreter of `version` (e.g. '3.13'): on PATH, else pyenv's,
    else (3.14 and later) Debian unstable's.

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
    if version >= '3.14':
        return debian_python(version)
    _missing(f'no Python {version} on PATH or in pyenv; install it '
             f'(e.g. `pyenv install {version}`) to test it')


def run(command, log, **kwargs):
    """Run `command`, keep its output in `log`; fail with its end."""
    done = subprocess.run(command, capture_output=True, text=True,
                          **kwargs)
    log.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, (
        f'{" ".join(map(str, command))} failed; all of it in {log}:\n'
        f'{(done.stdout + done.stderr)[-3000:]}')
    return done.stdout


def make_install(version, python=None):
    """`make install` with Python `version` (or the interpreter `python`,
    named `version`) into _build/platforms/."""
    venv = VENVS / f'venv-{version}'
    VENVS.mkdir(parents=True, exist_ok=True)
    out = run(['make', 'install', f'PYTHON={python or find_python(version)}',
               f'VENV={venv}'], VENVS / f'install-{version}.log', cwd=ROOT)
    return venv, out


def smoke(python, log):
    """The chapter's code in brief (tests/platform_smoke.py) in `python`."""
    return run([str(python), str(SMOKE)], log,
               cwd=ROOT / 'chapter_image_augmentation').splitlines()[-1]


def test_debian_12s_own_python_installs_and_trains():
    # 3.11.2: older than some newest releases need (issue 26).
    if not DEBIAN_12.exists():
        _missing(f'no {DEBIAN_12}: not Debian 12')
    venv, out = make_install('debian12', DEBIAN_12)
    assert f'numpy 1.23.5 from {venv}' in out
    summary = smoke(venv / 'bin' / 'python', VENVS / 'smoke-debian12.log')
    assert summary.startswith('Python 3.11.2, NumPy 1.23.5, MXNet 1.9.1')


def test_make_install_and_train_on_3_12():
    venv, out = make_install('3.12')
    assert f'numpy 2.5.5 from {venv}' in out
    summary = smoke(venv / 'bin' / 'python', VENVS / 'smoke-3.12.log')
    assert summary.startswith('Python 3.12.') and \
        'NumPy 2.5.5, MXNet 1.9.1' in summary


def passes_make_test(version):
    # Unit tests, both notebooks under nbval and the pages, as on 3.11.
    venv, out = make_install(version)
    assert f'numpy 2.5.5 from {venv}' in out
    assert any(note.startswith('d2l: restored 22 names that MXNet 1.9.1 '
                               'uses and NumPy 2.5.5 lacks')
               for note in notes(out))
    tested = run(['make', 'test', f'VENV={venv}'],
                 VENVS / f'test-{version}.log', cwd=ROOT,
                 env={**os.environ, 'D2L_BUDGET': 'quick'})
    assert re.search(r'^=+ \d+ passed', tested.splitlines()[-1]), \
        tested.splitlines()[-1]


def test_python_3_13_passes_make_test():
    passes_make_test('3.13')


def test_python_3_15_passes_make_test():
    passes_make_test('3.15')


def test_python_3_14_installs_and_runs_the_chapter():
    venv, out = make_install('3.14')
    assert f'numpy 2.5.5 from {venv}' in out
    # tests/conftest.py as a plugin: the figure comparison, d2l first.
    tested = run([str(venv / 'bin' / 'python'), '-m', 'pytest', '-p',
                  'conftest', '--nbval', '--sanitize-with',
                  'tests/nbval_sanitize.cfg', '--nbval-cell-timeout',
                  '3600', 'chapter_image_augmentation/'
                  'image_augmentation.ipynb'], VENVS / 'test-3.14.log',
                 cwd=ROOT, env={**os.environ, 'D2L_BUDGET': 'quick',
                                'PYTHONPATH': str(ROOT / 'tests')})
    assert re.search(r'^=+ \d+ passed', tested.splitlines()[-1]), \
        tested.splitlines()[-1]


def colab_cells():
    """The pip lines of the Colab cells in docs/platforms.md, for a CPU:
    the plain mxnet for mxnet-cu112, no CUDA libraries, this clone for
    the repo."""
    page = (ROOT / 'docs' / 'platforms.md').read_text()
    cells = page.split('<!-- colab:start -->')[1] \
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
