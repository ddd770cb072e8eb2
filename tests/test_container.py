"""The container files: the Dockerfile passes hadolint, which finds broken
ones; it installs with `make install`; the dev container builds it."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
from packaging.specifiers import SpecifierSet

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / 'Dockerfile'
DEVCONTAINER = ROOT / '.devcontainer' / 'devcontainer.json'
# Installed into the venv by the pins, next to this Python.
HADOLINT = pathlib.Path(sys.executable).parent / 'hadolint'


def hadolint(dockerfile, home, *args):
    """hadolint's findings on `dockerfile` as (line, rule), and its exit
    status. No configuration of this machine applies: the working folder
    and HOME are `home`, and no HADOLINT_* variable is passed."""
    result = subprocess.run(
        [str(HADOLINT), '--format', 'json', *args, str(dockerfile)],
        cwd=home, env={'HOME': str(home), 'LANG': 'C.UTF-8'},
        capture_output=True, text=True, timeout=60)
    assert result.stderr == ''
    found = [(f['line'], f['code']) for f in json.loads(result.stdout)]
    return found, result.returncode


def instructions(text):
    """The Dockerfile's instructions as (keyword, arguments), continuation
    lines joined and comments dropped."""
    lines = [line for line in text.splitlines()
             if not line.lstrip().startswith('#')]
    joined = re.sub(r'\\\n\s*', ' ', '\n'.join(lines))
    return [tuple(line.split(maxsplit=1)) for line in joined.splitlines()
            if line.strip()]


def line_of(text, start):
    """The number of the one line that starts with `start`."""
    found = [n for n, line in enumerate(text.splitlines(), 1)
             if line.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def devcontainer():
    """devcontainer.json, whose comments are whole lines of `//`."""
    text = DEVCONTAINER.read_text()
    return json.loads(''.join(
        line for line in text.splitlines(keepends=True)
        if not line.lstrip().startswith('//')))


def test_dockerfile_passes_hadolint(tmp_path):
    assert hadolint(DOCKERFILE, tmp_path) == ([], 0)


def test_only_the_explained_rules_are_ignored(tmp_path):
    # Each pragma stands under a comment that says why, over the
    # instruction it lets through, and hides that rule only.
    text = DOCKERFILE.read_text()
    lines = text.splitlines()
    pragmas = [(n + 1, rule) for n, line in enumerate(lines, 1)
               for rule in re.findall(r'^# hadolint ignore=(\S+)$', line)]
    assert [rule for _, rule in pragmas] == ['DL3029', 'DL3008']
    for line, _ in pragmas:
        assert lines[line - 3].startswith('# ')
    found, status = hadolint(DOCKERFILE, tmp_path, '--disable-ignore-pragma')
    assert (found, status) == (pragmas, 1)


def test_hadolint_finds_a_broken_dockerfile(tmp_path):
    text = DOCKERFILE.read_text()
    broken = (re.sub(r'(?m)^(FROM .*python:)\S+$', r'\1latest', text)
              .replace(' --no-install-recommends', '')
              .replace('RUN make install',
                       'RUN cd /home/d2l/image-augmentation && make install'))
    assert broken.count('\n') == text.count('\n') and broken != text
    dockerfile = tmp_path / 'Dockerfile'
    dockerfile.write_text(broken)
    found, status = hadolint(dockerfile, tmp_path)
    assert status == 1
    assert found == [(line_of(text, 'FROM '), 'DL3007'),
                     (line_of(text, 'RUN apt-get update'), 'DL3015'),
                     (line_of(text, 'RUN make install'), 'DL3003')]


def _install_inputs():
    """The project's files that `make install` reads: those its recipes
    (install and kernel) name, and what `pip install -e .` builds from
    (pyproject.toml, its readme and its packages)."""
    makefile = (ROOT / 'Makefile').read_text()
    recipes = ''.join(re.findall(
        r'^(?:install|kernel):.*\n(?:(?:\t|ifeq|else|endif).*\n)*',
        makefile, re.M))
    assert 'pip install' in recipes
    # With the values of the variables they use (CONSTRAINTS).
    used = '|'.join(set(re.findall(r'[$][(](\w+)[)]', recipes)))
    recipes += ''.join(re.findall(rf'^(?:{used}) [?:]?= .*\n', makefile,
                                  re.M))
    # Not the tail of a path outside the project, as $(SHARED)/data/...
    named = {name for name in re.findall(r'[\w./-]+\.(?:txt|sh|py)\b',
                                         recipes)
             if not name.startswith('/') and (ROOT / name).is_file()}
    pyproject = (ROOT / 'pyproject.toml').read_text()
    readme = re.search(r'^readme = "(.+)"$', pyproject, re.M).group(1)
    packages = re.search(r'^packages = \[(.+)\]$', pyproject, re.M).group(1)
    return (named | {'Makefile', 'pyproject.toml', readme}
            | set(re.findall(r'"([^"]+)"', packages)))


def test_the_image_installs_with_make_install():
    steps = instructions(DOCKERFILE.read_text())
    runs = [args for keyword, args in steps if keyword == 'RUN']
    assert not [run for run in runs if re.search(r'\bpip\b', run)]
    install = [n for n, step in enumerate(steps)
               if step == ('RUN', 'make install MXNET=mxnet')]
    assert len(install) == 1, 'one RUN, the project\'s own make install'
    # The layers before the install copy everything it reads.
    copied = [source for keyword, args in steps[:install[0]]
              if keyword == 'COPY'
              for source in [a for a in args.split()
                             if not a.startswith('--')][:-1]]
    inputs = _install_inputs()
    assert {'constraints.txt', 'requirements.txt', 'README.md', 'd2l',
            'tools/prepare_venv.sh'} <= inputs
    missing = [name for name in inputs
               if not any(name == source or name.startswith(f'{source}/')
                          for source in copied)]
    assert missing == []
    assert ('COPY', '--chown=d2l:d2l . .') in steps[install[0]:]


def test_the_base_image_has_a_supported_python():
    base = instructions(DOCKERFILE.read_text())[0][1].split()[-1]
    version = re.fullmatch(r'python:(3\.\d+)-slim-bookworm', base).group(1)
    pyproject = (ROOT / 'pyproject.toml').read_text()
    supported = re.search(r'^requires-python = "(.+)"$', pyproject,
                          re.M).group(1)
    assert f'{version}.0' in SpecifierSet(supported)


def test_devcontainer_builds_the_dockerfile_it_names():
    config = devcontainer()
    folder = DEVCONTAINER.parent
    assert (folder / config['build']['dockerfile']).resolve() == DOCKERFILE
    assert (folder / config['build']['context']).resolve() == ROOT
    for name in config['customizations']['codespaces']['openFiles']:
        assert (ROOT / name).is_file(), name
    assert config['customizations']['vscode']['extensions'] == [
        'ms-python.python', 'ms-toolsai.jupyter']
    # The user, venv and port are the Dockerfile's.
    text = DOCKERFILE.read_text()
    user = re.search(r'useradd .*--uid 1000 .* (\w+) \\$', text, re.M)
    assert config['remoteUser'] == user.group(1)
    venv = re.search(r'^ENV VENV=(\S+) ', text, re.M).group(1)
    settings = config['customizations']['vscode']['settings']
    assert settings['python.defaultInterpreterPath'] == f'{venv}/bin/python'
    assert config['forwardPorts'] == [8888]
    assert re.search(r'^EXPOSE 8888$', text, re.M)
    assert config['postCreateCommand'] == 'make install MXNET=mxnet'
    assert "'make lab " in config['postStartCommand']


# tools/test_container.sh (make test-container) on bad input: one line
# that names the cause and the fix, before any work. Its checks run
# against stand-ins: `id` says root, buildah and debootstrap do nothing.
SCRIPT = ROOT / 'tools' / 'test_container.sh'
IN_MAKE = 'make test-container: '


def _tools(folder, *fakes, uid=0):
    """A PATH folder with what the script's checks run (bash, realpath,
    this Python as python3), an `id` that prints `uid`, and `fakes`."""
    folder.mkdir()
    for name in ('bash', 'realpath'):
        (folder / name).symlink_to(shutil.which(name))
    (folder / 'python3').symlink_to(sys.executable)
    for name, says in [('id', uid), *[(fake, 'fake') for fake in fakes]]:
        (folder / name).write_text(f'#!/bin/sh\necho {says}\nexit 0\n')
        (folder / name).chmod(0o755)
    return folder


def _run_script(tmp_path, path, cifar=True, **env):
    data = tmp_path / 'cifar10'
    data.mkdir()
    if cifar:
        (data / 'test_batch.bin').touch()
    work = tmp_path / 'work'
    result = subprocess.run(
        [str(SCRIPT), str(data), str(work)], capture_output=True,
        text=True, timeout=120, cwd=ROOT,
        env={'PATH': str(path), 'HOME': str(tmp_path), **env})
    assert result.returncode == 1 and result.stdout == ''
    assert not work.exists()
    assert result.stderr.count('\n') == 1, result.stderr
    assert result.stderr.startswith(IN_MAKE)
    return result.stderr[len(IN_MAKE):].rstrip('\n')


@pytest.mark.parametrize('missing, present',
                         [('buildah', 'debootstrap'),
                          ('debootstrap', 'buildah')])
def test_container_script_names_a_missing_tool(tmp_path, missing,
                                               present):
    path = _tools(tmp_path / 'bin', present)
    assert _run_script(tmp_path, path) == (
        f'{missing} not found on PATH; install it: apt-get install '
        f'buildah debootstrap (as root)')


def test_container_script_needs_root_and_the_data(tmp_path):
    fakes = ('buildah', 'debootstrap')
    assert _run_script(tmp_path, _tools(tmp_path / 'bin', *fakes,
                                        uid=1000)) == (
        "debootstrap and buildah's chroot isolation need root: run it as "
        "root (sudo make test-container)")
    other = tmp_path / 'other'
    other.mkdir()
    assert _run_script(other, _tools(other / 'bin', *fakes),
                       cifar=False) == (
        f'no CIFAR-10 in {other / "cifar10"}: run `make data` first')


def _mirror(folder):
    """A Debian mirror as far as the script's check goes."""
    (folder / 'dists' / 'bookworm').mkdir(parents=True)
    (folder / 'dists' / 'bookworm' / 'Release').touch()
    return folder.as_uri()


# Port 9 (discard) on this machine: nothing listens, so the connection
# is refused at once, as without a network.
CLOSED = 'http://127.0.0.1:9'


def test_container_script_without_the_mirror(tmp_path):
    line = _run_script(tmp_path, _tools(tmp_path / 'bin', 'buildah',
                                        'debootstrap'),
                       DEBIAN_MIRROR=CLOSED)
    assert re.fullmatch(
        rf'the build cannot reach the Debian mirror {CLOSED} \(<urlopen '
        r'error \[Errno 111\] Connection refused>\); connect to the '
        r'network, or set DEBIAN_MIRROR to a mirror that is reachable',
        line), line


def test_container_script_without_the_index(tmp_path):
    (tmp_path / 'mirror').mkdir()
    line = _run_script(tmp_path, _tools(tmp_path / 'bin', 'buildah',
                                        'debootstrap'),
                       DEBIAN_MIRROR=_mirror(tmp_path / 'mirror'),
                       PIP_INDEX_URL=f'{CLOSED}/simple')
    assert re.fullmatch(
        rf'the build cannot reach the package index {CLOSED}/simple '
        r'\(<urlopen error \[Errno 111\] Connection refused>\); connect '
        r'to the network, or set PIP_INDEX_URL to a reachable index '
        r"\(PIP_CERT: its proxy's CA file\)", line), line


def test_make_test_container_runs_the_script_on_the_data(tmp_path):
    out = subprocess.run(
        ['make', '-n', 'test-container', f'MXNET_HOME={tmp_path}'],
        capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.splitlines()[-1] == (
        f'tools/test_container.sh {tmp_path}/datasets/cifar10 '
        f'_build/container')


def test_container_script_builds_this_dockerfile_as_its_user():
    # The stand-in takes the name of the Dockerfile's base; the data goes
    # where Gluon looks for it as the image's user (~/.mxnet).
    text = DOCKERFILE.read_text()
    script = SCRIPT.read_text()
    base = instructions(text)[0][1].split()[-1]
    assert f'base=docker.io/library/{base}\n' in script
    home = re.search(r'useradd --create-home --uid (\d+) .* (\w+) \\$',
                     text, re.M)
    assert ('USER', f'{home.group(1)}:{home.group(1)}') in \
        instructions(text)
    assert (f'"$cifar:/home/{home.group(2)}/.mxnet/datasets/cifar10:ro"'
            in script)
    assert re.search(r'\bbh run\b(?!.*--user)', script)
    assert '-- make test ||' in script


def test_the_image_skips_only_what_it_cannot_run(tmp_path):
    """Under CI a skip fails, except in the image (D2L_CONTAINER=1) for a
    test marked host_only: the MXNET=system test needs a second Python."""
    # The image says what it is.
    assert 'D2L_CONTAINER=1' in [
        word for keyword, args in instructions(DOCKERFILE.read_text())
        if keyword == 'ENV' for word in args.split()]
    test = 'tests/test_install.py::' \
        'test_make_install_system_on_a_python_with_mxnet'
    env = {k: v for k, v in os.environ.items()
           if k not in ('D2L_CONTAINER', 'PYENV_ROOT')}
    # No Python 3.10 there: HOME has no pyenv, PATH no python3.10.
    env.update(CI='true', HOME=str(tmp_path), PATH='/usr/bin:/bin')

    def pytest_(**extra):
        return subprocess.run(
            [sys.executable, '-m', 'pytest', '-q', '-rs', test],
            capture_output=True, text=True, cwd=ROOT,
            env={**env, **extra}, timeout=300)
    on_host = pytest_()
    assert on_host.returncode == 1
    assert 'would be skipped under CI' in on_host.stdout
    assert 'no Python 3.10 in ~/.pyenv' in on_host.stdout
    image = pytest_(D2L_CONTAINER='1')
    assert image.returncode == 0, image.stdout
    assert ('not in the image: its Python is 3.11 alone (python:3.11-'
            'slim-bookworm); this test needs a second one, a 3.10'
            in image.stdout)
    assert '1 skipped' in image.stdout
