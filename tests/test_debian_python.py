"""tools/debian_python.sh: what it says without its tools, and its cache.

Building the interpreters is `make test-platforms`' (tests/
test_platforms.py); so is the cache test, which builds them if need be
(Debian's mirror, seconds each), so that under CI it never skips.
"""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = ROOT / 'tools' / 'debian_python.sh'


def _run(*args, path=None):
    env = {**os.environ, **({'PATH': str(path)} if path else {})}
    return subprocess.run(['/bin/bash', str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, env=env)


def _only(tmp_path, *tools):
    """A PATH with only `tools` (and what the script itself uses)."""
    folder = tmp_path / 'bin'
    folder.mkdir()
    for tool in ('realpath', 'dirname', *tools):
        if shutil.which(tool):
            (folder / tool).symlink_to(shutil.which(tool))
    return folder


def test_without_patchelf_it_says_what_to_install(tmp_path):
    done = _run('3.15', tmp_path / 'pythons',
                path=_only(tmp_path, 'apt-get', 'dpkg'))
    assert done.returncode == 1 and done.stdout == ''
    assert done.stderr.strip() == ('tools/debian_python.sh: patchelf is '
                                   'missing; install it (apt-get install '
                                   'patchelf).')
    assert not (tmp_path / 'pythons').exists()


@pytest.mark.platforms
@pytest.mark.parametrize('version', ['3.14', '3.15'])
def test_a_built_interpreter_is_reused_as_it_is(version, tmp_path):
    python = ROOT / '_build' / 'pythons' / version / 'usr' / 'bin' / \
        f'python{version}'
    if not python.exists():
        built = _run(version)
        assert built.returncode == 0, built.stderr
    before = python.stat().st_mtime_ns
    # No apt-get, dpkg or patchelf needed: checked and named.
    done = _run(version, path=_only(tmp_path))
    assert (done.returncode, done.stdout.strip()) == (0, str(python))
    assert python.stat().st_mtime_ns == before
