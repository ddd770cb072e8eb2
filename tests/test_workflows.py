"""The CI workflow files pass actionlint, which finds broken ones."""
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Installed into the venv by the pins, next to this Python.
ACTIONLINT = pathlib.Path(sys.executable).parent / 'actionlint'


def actionlint(root):
    """Run actionlint on the workflows below `root` with its config."""
    return subprocess.run(
        [str(ACTIONLINT), '-no-color', '-config-file',
         str(root / '.github' / 'actionlint.yaml'),
         *sorted(map(str, (root / '.github' / 'workflows').glob('*.yml')))],
        cwd=root, capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint():
    names = sorted(p.name for p in (ROOT / '.github' / 'workflows').iterdir())
    assert names == ['cpu.yml', 'gpu.yml']
    result = actionlint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ''


def test_actionlint_finds_a_broken_workflow(tmp_path):
    shutil.copytree(ROOT / '.github', tmp_path / '.github')
    gpu = tmp_path / '.github' / 'workflows' / 'gpu.yml'
    text = gpu.read_text()
    broken = (text.replace('runs-on: [self-hosted, linux, x64, gpu]',
                           'runs-on: [self-hosted, linux, x64, gpus]')
              .replace('timeout-minutes: 360', 'timeout-minutes: soon')
              .replace('      D2L_BUDGET: full',
                       '      D2L_BUDGET: ${{ matrix.budget }}'))
    assert broken.count('\n') == text.count('\n') and broken != text
    gpu.write_text(broken)
    result = actionlint(tmp_path)
    assert result.returncode == 1
    findings = [line for line in result.stdout.splitlines()
                if re.match(r'\S+:\d+:\d+: ', line)]
    assert len(findings) == 3
    assert all(line.startswith('.github/workflows/gpu.yml:')
               for line in findings)
    for found in ['label "gpus" is unknown', 'float number literal',
                  'property "budget" is not defined']:
        assert found in result.stdout
