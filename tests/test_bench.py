"""tools/bench.py's loader case and tools/bench_pythons.py, in seconds:
benchmarks are not timed here, only made sure to run and to compare."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV = pathlib.Path(sys.executable).parents[1]


def bench_pythons(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'bench_pythons.py'), *args],
        capture_output=True, text=True, cwd=ROOT)


@pytest.mark.real_data
def test_bench_pythons_compares_two_venvs():
    # This venv twice: one ratio, each line naming the interpreter.
    done = bench_pythons(str(VENV), str(VENV), '--rounds', '1')
    assert done.returncode == 0, done.stderr
    *lines, ratio = done.stdout.splitlines()
    version = '.'.join(map(str, sys.version_info[:3]))
    assert [line.split()[:2] for line in lines] == [['Python', version]] * 2
    assert all(float(line.split()[2].replace(',', '')) > 0
               for line in lines)
    assert ratio.startswith('ratio (second / first): ')


def test_a_missing_venv_is_one_line_naming_the_fix(tmp_path):
    done = bench_pythons(str(tmp_path / 'venv-3.13'), str(VENV))
    assert done.returncode == 1 and not done.stdout
    assert done.stderr.count('\n') == 1
    assert 'make install PYTHON=python3.X VENV=' in done.stderr
