"""The install recipe: pins agree everywhere, Python is in range."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

import d2l
import mxnet
import numpy
import pytest
import yaml
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[1]


SUPPORTED = ['3.10', '3.11', '3.12', '3.13', '3.14', '3.15']


def _pins(lines, python='3.11'):
    """{name: version} of the `==` pins that apply to `python`."""
    pins = {}
    for line in (raw.strip() for raw in lines):
        if '==' not in line or line.startswith('#'):
            continue
        req = Requirement(line)
        if req.marker and not req.marker.evaluate(
                {'python_version': python}):
            continue
        name = req.name.lower().replace('_', '-')
        assert name not in pins, f'{name} pinned twice for {python}'
        pins[name] = str(req.specifier).lstrip('=')
    return pins


def _makefile_mxnet_version():
    text = (ROOT / 'Makefile').read_text()
    return re.search(r'^MXNET_VERSION := (\S+)$', text, re.M).group(1)


def test_environment_yml_matches_requirements_and_makefile():
    env = yaml.safe_load((ROOT / 'environment.yml').read_text())
    pip = next(d['pip'] for d in env['dependencies'] if isinstance(d, dict))
    # Everything under the named pins is held as `make install` holds it.
    assert '-c constraints.txt' in pip
    expected = _pins((ROOT / 'requirements.txt').read_text().splitlines())
    expected['mxnet'] = _makefile_mxnet_version()
    assert _pins(pip) == expected
    python = next(d for d in env['dependencies']
                  if isinstance(d, str) and d.startswith('python='))
    minor = tuple(int(v) for v in python.split('=')[1].split('.'))
    assert '.'.join(map(str, minor)) in SUPPORTED


@pytest.mark.parametrize('python', SUPPORTED)
def test_constraints_agree_with_requirements(python):
    constraints = _pins((ROOT / 'constraints.txt').read_text().splitlines(),
                        python)
    required = _pins((ROOT / 'requirements.txt').read_text().splitlines(),
                     python)
    assert {k: constraints.get(k) for k in required} == required
    assert constraints['mxnet'] == _makefile_mxnet_version()


def test_every_place_names_the_same_pythons():
    toml = (ROOT / 'pyproject.toml').read_text()
    assert 'requires-python = ">=3.10,<3.16"' in toml
    readme = (ROOT / 'README.md').read_text()
    assert 'Python 3.10 to 3.15' in readme
    for page in [ROOT / 'README.md', *(ROOT / 'docs').glob('*.md')]:
        for old in ('3.8', '3.9'):
            assert f'Python {old}' not in page.read_text(), page


def _in_venv(module):
    return (pathlib.Path(sys.prefix).resolve()
            in pathlib.Path(module.__file__).resolve().parents)


def test_installed_versions_are_the_pinned_ones():
    assert mxnet.__version__ == _makefile_mxnet_version()
    python = f'{sys.version_info[0]}.{sys.version_info[1]}'
    assert python in SUPPORTED
    pins = _pins((ROOT / 'requirements.txt').read_text().splitlines(),
                 python)
    # With MXNET=system, numpy is the interpreter's, whatever its version.
    if _in_venv(mxnet):
        assert _in_venv(numpy) and numpy.__version__ == pins['numpy']


def test_numpy_pins_are_ones_d2l_supports():
    # 1.23.5 where it has wheels (up to 3.11), else releases whose
    # removed names d2l restores (d2l.preload.NEWEST_NUMPY).
    for python in SUPPORTED:
        pin = _pins((ROOT / 'requirements.txt').read_text().splitlines(),
                    python)['numpy']
        major_minor = tuple(int(v) for v in pin.split('.')[:2])
        assert major_minor <= d2l.preload.NEWEST_NUMPY, python


def _fake_python(folder, name, version):
    """A script answering like a Python `version` would: by exit code."""
    fake = folder / name
    ok = (3, 10) <= version <= (3, 15)
    fake.write_text(f'#!/bin/sh\ncase "$2" in *python_version*) '
                    f'echo {version[0]}.{version[1]}.0;; *) exit '
                    f'{0 if ok else 1};; esac\n')
    fake.chmod(0o755)
    return fake


def _find_python(path, python=None):
    env = {'PATH': str(path)}
    if python:
        env['PYTHON'] = str(python)
    return subprocess.run(
        ['/bin/bash', str(ROOT / 'tools' / 'find_python.sh')],
        capture_output=True, text=True, env=env)


def test_find_python_rejects_only_unsupported_versions(tmp_path):
    # A fake `python3.9` first on PATH must be passed over.
    _fake_python(tmp_path, 'python3', (3, 9))
    out = _find_python(tmp_path)
    assert out.returncode == 1
    assert ('MXNet 1.9.1 and the pinned packages need Python 3.10 to 3.15'
            in out.stderr)
    found = subprocess.run(
        ['/bin/bash', str(ROOT / 'tools' / 'find_python.sh')],
        capture_output=True,
        text=True, env={'PATH': str(pathlib.Path(sys.executable).parent)})
    assert found.returncode == 0
    version = subprocess.run(
        [found.stdout.strip(), '-c',
         'import sys; print((3, 10) <= sys.version_info[:2] <= (3, 15))'],
        capture_output=True, text=True)
    assert version.stdout.strip() == 'True'


@pytest.mark.parametrize('named, says', [
    ('python3.16', 'is Python 3.16.0; MXNet 1.9.1 and the pinned packages '
                   'were tested with Python 3.10 to 3.15: install one of '
                   'those and name it, e.g. PYTHON=python3.13.'),
    ('python3.9', 'is Python 3.9.0'),
    ('/no/such/python3.11', 'no such interpreter'),
    ('false', 'does not run')])
def test_python_named_but_unusable_is_an_error_not_a_fallback(
        tmp_path, named, says):
    # A usable python3.11 is on PATH, yet PYTHON= must not fall back to it.
    _fake_python(tmp_path, 'python3.11', (3, 11))
    if named.startswith('python'):
        _fake_python(tmp_path, named, tuple(
            int(v) for v in named[len('python'):].split('.')))
    out = _find_python(tmp_path, named)
    assert out.returncode == 1 and out.stdout == ''
    assert f'PYTHON={named}' in out.stderr and says in out.stderr


def test_find_python_takes_3_14_and_3_15_after_3_11(tmp_path):
    for version in ((3, 15), (3, 14)):
        _fake_python(tmp_path, f'python{version[0]}.{version[1]}', version)
    named = _find_python(tmp_path, 'python3.15')
    assert (named.returncode, named.stdout.strip()) == (
        0, str(tmp_path / 'python3.15'))
    assert _find_python(tmp_path).stdout.strip() == \
        str(tmp_path / 'python3.14')
    # The one the notebooks were recorded with comes first.
    _fake_python(tmp_path, 'python3.11', (3, 11))
    assert _find_python(tmp_path).stdout.strip() == \
        str(tmp_path / 'python3.11')


def _prepare_venv(venv, **env):
    return subprocess.run(
        ['/bin/bash', str(ROOT / 'tools' / 'prepare_venv.sh'), str(venv)],
        capture_output=True, text=True,
        env={'PATH': os.environ['PATH'], **env})


def test_python_other_than_the_venvs_says_what_to_do(tmp_path):
    # A finished venv made from another Python (its sys.base_prefix).
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    (venv / '.d2l-installed').touch()
    other = venv / 'bin' / 'python'
    other.write_text('#!/bin/sh\necho /opt/other-python 3.10.13\n')
    other.chmod(0o755)
    out = _prepare_venv(venv, PYTHON=sys.executable)
    assert out.returncode == 1
    assert 'uses Python 3.10.13' in out.stderr
    assert 'make clean-venv' in out.stderr
    assert (venv / '.d2l-installed').exists()  # Nothing was touched.


def test_venv_of_a_failed_install_is_made_anew(tmp_path):
    # No completion mark: a failed install left it. Reused, it would fail
    # the same way; it is replaced by a fresh venv.
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    (venv / 'bin' / 'python').write_text('#!/bin/sh\nexit 1\n')
    out = _prepare_venv(venv, PYTHON=sys.executable)
    assert out.returncode == 0, out.stderr
    assert 'no `make install` finished in it' in out.stdout
    fresh = subprocess.run([str(venv / 'bin' / 'python'), '-c',
                            'import sys; print(sys.prefix)'],
                           capture_output=True, text=True)
    assert fresh.stdout.strip() == str(venv)


@pytest.mark.parametrize('target', ['test', 'run', 'html', 'lab', 'record'])
def test_targets_without_the_venv_say_run_make_install(tmp_path, target):
    out = subprocess.run(['make', '-s', target, f'VENV={tmp_path}/none'],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode != 0
    assert 'run `make install` first' in out.stderr
    assert 'No such file' not in out.stderr


def test_install_builds_the_package_without_warnings(tmp_path):
    # setuptools' warnings (e.g. a deprecated license table) would make a
    # successful `make install` noisy. Built from a copy: the build
    # leaves folders behind.
    src = tmp_path / 'src'
    shutil.copytree(ROOT / 'd2l', src / 'd2l')
    for name in ('pyproject.toml', 'README.md'):
        shutil.copy(ROOT / name, src)
    out = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps',
         '--no-build-isolation', '-w', str(tmp_path), str(src)],
        capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert 'Warning' not in out.stderr, out.stderr


def test_make_test_without_data_stops_with_one_error(tmp_path):
    # No data, no copy to prepare it from and no way to download: one
    # error, before pytest.
    env = {**os.environ, 'MXNET_HOME': str(tmp_path / 'home'),
           'MXNET_GLUON_REPO': 'http://127.0.0.1:9/'}
    out = subprocess.run(['make', '-s', 'test', f'SHARED={tmp_path}/none'],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode != 0
    errors = [line for line in out.stderr.splitlines()
              if line.startswith('make data: CIFAR-10 is not in')]
    assert len(errors) == 1, out.stderr
    assert 'passed' not in out.stdout and 'collected' not in out.stdout
    # The ../shared route is advised only where that copy exists.
    shared = ROOT.parent / 'shared' / 'data' / 'cifar10' / 'prepare.py'
    assert ('../shared' in out.stderr) == shared.exists()


def test_make_trust_signs_the_chapter_for_jupyterlab(tmp_path):
    # Figures are display_data, which JupyterLab trusts only in a notebook
    # signed with this machine's secret: unsigned, it says "not trusted".
    from nbformat.sign import NotebookNotary
    import nbformat
    chapter = ROOT / 'chapter_image_augmentation' / 'image_augmentation.ipynb'
    nb = nbformat.read(chapter, as_version=4)
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert not notary.check_signature(nb)
    env = {**os.environ, 'JUPYTER_DATA_DIR': str(tmp_path)}
    out = subprocess.run(['make', '-s', 'trust'], capture_output=True,
                         text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    assert NotebookNotary(data_dir=str(tmp_path)).check_signature(nb)


def _python310():
    """A self-contained Python 3.10 that can be copied, or None: pyenv's,
    or one on PATH in a prefix of its own (as GitHub's setup-python puts
    it). Not a system Python such as /usr's: its prefix is far too large.
    """
    found = sorted(pathlib.Path.home().glob('.pyenv/versions/3.10.*'))
    if found:
        return found[-1]
    on_path = shutil.which('python3.10')
    prefix = pathlib.Path(on_path).resolve().parents[1] if on_path else None
    return prefix if prefix and str(prefix) not in ('/usr', '/usr/local') \
        else None


def _project_copy(dest):
    """The project's files as in the work tree, without .venv or _build."""
    files = subprocess.run(
        ['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT,
        capture_output=True, text=True, check=True).stdout.split('\0')
    for name in filter(None, files):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return dest


def _make_install_system(project, python, *args):
    return subprocess.run(
        ['make', 'install', 'MXNET=system', f'PYTHON={python}', 'VENV=.venv',
         *args],
        cwd=project, capture_output=True, text=True, timeout=900)


@pytest.mark.install
@pytest.mark.host_only('its Python is 3.11 alone (python:3.11-slim-'
                       'bookworm); this test needs a second one, a 3.10')
@pytest.mark.skipif(_python310() is None,
                    reason='no Python 3.10 in ~/.pyenv/versions/3.10.* '
                    'or in a prefix of its own on PATH (`pyenv install '
                    '3.10`)')
def test_make_install_system_on_a_python_with_mxnet(tmp_path):
    """NVIDIA's container in miniature: a Python 3.10 that has MXNet.

    A copy of this machine's Python 3.10 gets mxnet and numpy; `make
    install MXNET=system` must use them and leave that Python unchanged.
    """
    prefix = tmp_path / 'py310'
    shutil.copytree(_python310(), prefix, symlinks=True,
                    ignore=lambda folder, names: (
                        ['test'] if folder.endswith('lib/python3.10')
                        else []))
    python = prefix / 'bin' / 'python3.10'
    # Without mxnet there: one line, and no venv.
    bare = _make_install_system(_project_copy(tmp_path / 'bare'), python)
    assert bare.returncode != 0
    assert bare.stderr.splitlines()[0] == (
        f'make install MXNET=system: {python} cannot import mxnet '
        f'(No module named mxnet); set PYTHON= to '
        f'the Python that has MXNet 1.9.1, or leave out MXNET=system to '
        f'install it from PyPI.')
    assert not (tmp_path / 'bare' / '.venv').exists()

    subprocess.run([str(python), '-m', 'pip', 'install', '-q',
                    'mxnet==1.9.1', 'numpy==1.23.5'], check=True)
    freeze = [str(python), '-m', 'pip', 'freeze']
    before = subprocess.run(freeze, capture_output=True, text=True).stdout
    project = _project_copy(tmp_path / 'project')
    result = _make_install_system(project, python)
    assert result.returncode == 0, result.stderr[-2000:]
    site = prefix / 'lib' / 'python3.10' / 'site-packages'
    assert (f'mxnet 1.9.1 from {site / "mxnet"} (system), built without '
            f'CUDA\nnumpy 1.23.5 from {site / "numpy"} (system)\n'
            f'd2l will train on [cpu(0)]\n') in result.stdout
    venv_site = project / '.venv' / 'lib' / 'python3.10' / 'site-packages'
    assert not [p.name for p in venv_site.iterdir()
                if p.name.lower().startswith(('mxnet', 'numpy', 'nvidia'))]
    # The venv has the pins; that Python has only what it had.
    assert 'pillow==12.3.0' in subprocess.run(
        [str(project / '.venv' / 'bin' / 'python'), '-m', 'pip', 'freeze'],
        capture_output=True, text=True).stdout.lower()
    assert subprocess.run(freeze, capture_output=True,
                          text=True).stdout == before


def test_system_mxnet_needs_a_venv_that_uses_it(tmp_path):
    # A finished venv of the same Python, but with an mxnet of its own
    # (made without MXNET=system): reusing it would not use that MXNet.
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    (venv / '.d2l-installed').touch()
    python = venv / 'bin' / 'python'
    python.write_text(
        '#!/bin/sh\ncase "$2" in *base_prefix*) echo '
        f'{sys.base_prefix} {sys.version.split()[0]};; '
        '*) echo /elsewhere/mxnet/__init__.py;; esac\n')
    python.chmod(0o755)
    out = subprocess.run(
        ['/bin/bash', str(ROOT / 'tools' / 'prepare_venv.sh'), str(venv),
         'system'], capture_output=True, text=True,
        env={'PATH': os.environ['PATH'], 'PYTHON': sys.executable})
    assert out.returncode == 1
    assert out.stderr == (
        f'make install MXNET=system: {venv} does not use the mxnet of '
        f'{sys.executable}; run `make clean-venv` first.\n')
    assert (venv / '.d2l-installed').exists()  # Nothing was touched.
