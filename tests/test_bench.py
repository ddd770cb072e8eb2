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
    # This venv twice: a row per worker count, with the ratio.
    done = bench_pythons(str(VENV), str(VENV), '--rounds', '1',
                         '--workers', '0', '2')
    assert done.returncode == 0, done.stderr
    header, *rows, footer, first, second = done.stdout.splitlines()
    version = '.'.join(map(str, sys.version_info[:3]))
    assert header.split() == ['workers', 'Python', version, 'Python',
                              version, 'ratio']
    assert [row.split()[0] for row in rows] == ['0', '2']
    for row in rows:
        *rates, ratio = [float(x.replace(',', '')) for x in row.split()[1:]]
        assert min(rates) > 0
        assert ratio == pytest.approx(rates[1] / rates[0], abs=0.006)
    assert footer.startswith('images/s, the median over 1 round(s)')
    assert first == second == f'Python {version}: {VENV}'


def test_a_missing_venv_is_one_line_naming_the_fix(tmp_path):
    done = bench_pythons(str(tmp_path / 'venv-3.13'), str(VENV))
    assert done.returncode == 1 and not done.stdout
    assert done.stderr.count('\n') == 1
    assert 'make install PYTHON=python3.X VENV=' in done.stderr
