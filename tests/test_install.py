"""The install recipe: pins agree everywhere, Python is in range."""
import pathlib
import re
import subprocess
import sys

import mxnet
import numpy
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _pins(lines):
    return {line.split('==')[0].lower(): line.split('==')[1]
            for line in (raw.strip() for raw in lines)
            if '==' in line and not line.startswith('#')}


def _makefile_mxnet_version():
    text = (ROOT / 'Makefile').read_text()
    return re.search(r'^MXNET_VERSION := (\S+)$', text, re.M).group(1)


def test_environment_yml_matches_requirements_and_makefile():
    env = yaml.safe_load((ROOT / 'environment.yml').read_text())
    pip = next(d['pip'] for d in env['dependencies'] if isinstance(d, dict))
    expected = _pins((ROOT / 'requirements.txt').read_text().splitlines())
    expected['mxnet'] = _makefile_mxnet_version()
    assert _pins(pip) == expected
    python = next(d for d in env['dependencies']
                  if isinstance(d, str) and d.startswith('python='))
    minor = tuple(int(v) for v in python.split('=')[1].split('.'))
    assert (3, 8) <= minor <= (3, 11)


def test_constraints_agree_with_requirements():
    constraints = _pins((ROOT / 'constraints.txt').read_text().splitlines())
    required = _pins((ROOT / 'requirements.txt').read_text().splitlines())
    assert {k: constraints.get(k) for k in required} == required
    assert constraints['mxnet'] == _makefile_mxnet_version()


def test_installed_versions_are_the_pinned_ones():
    assert mxnet.__version__ == _makefile_mxnet_version()
    assert numpy.__version__ == '1.23.5'
    assert (3, 8) <= sys.version_info[:2] <= (3, 11)


def test_find_python_rejects_only_unsupported_versions(tmp_path):
    # A fake `python3.12` that is first on PATH must be passed over.
    fake = tmp_path / 'python3.12'
    fake.write_text('#!/bin/sh\nexec %s "$@"\n' % '/bin/false')
    fake.chmod(0o755)
    out = subprocess.run(
        ['/bin/bash', str(ROOT / 'tools' / 'find_python.sh')],
        capture_output=True,
        text=True, env={'PATH': f'{tmp_path}', 'PYTHON': str(fake)})
    assert out.returncode == 1
    assert 'MXNet 1.9.1 needs Python 3.8-3.11' in out.stderr
    found = subprocess.run(
        ['/bin/bash', str(ROOT / 'tools' / 'find_python.sh')],
        capture_output=True,
        text=True, env={'PATH': str(pathlib.Path(sys.executable).parent)})
    assert found.returncode == 0
    version = subprocess.run(
        [found.stdout.strip(), '-c',
         'import sys; print(sys.version_info[:2] <= (3, 11))'],
        capture_output=True, text=True)
    assert version.stdout.strip() == 'True'
