"""Under CI a skip fails (tests/conftest.py), except where a test does
not apply by design: `applies_if(condition, reason)`."""
import os
import pathlib
import shutil
import subprocess
import sys

TESTS = pathlib.Path(__file__).resolve().parent

SAMPLE = '''
import pytest

@pytest.mark.applies_if(False, 'only on another Python')
def test_elsewhere():
    raise AssertionError('must not run here')

@pytest.mark.applies_if(True, 'here')
def test_here():
    pass

@pytest.mark.skipif(True, reason='a missing tool')
def test_wanting():
    pass
'''


def test_only_what_does_not_apply_may_skip_under_ci(tmp_path):
    shutil.copy(TESTS / 'conftest.py', tmp_path / 'conftest.py')
    (tmp_path / 'test_sample.py').write_text(SAMPLE)
    env = {**os.environ, 'CI': 'true',
           'PYTHONPATH': os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    env.pop('D2L_CONTAINER', None)
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', '-q', '-rs', '-p',
         'no:cacheprovider', 'test_sample.py'], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300)
    out = done.stdout
    assert done.returncode == 1, out
    # The wanting test fails (at setup, where skipif acts: an error).
    assert '1 passed, 1 skipped' in out and '1 error' in out
    assert 'does not apply here: only on another Python' in out
    assert 'test_wanting would be skipped under CI' in out
