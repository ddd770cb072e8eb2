"""Import d2l before any test module imports mxnet, so that MXNet loads
with every usable core (d2l.preload), as it does in the chapter.

Under CI (CI set, as GitHub's runners set CI=true) a test that would be
skipped fails with the reason: CI must provide what every test needs, not
pass by leaving tests out.
"""
import os

import pytest

import d2l  # noqa: F401

# Figures of cells tagged `nbval-figure` are compared pixel by pixel
# (tests/nbval_figures.py); nbval itself compares text only.
pytest_plugins = ['nbval_figures']

# Run under `make test VENV=...`, the tests' own `make` calls would inherit
# that make's flags and variables through MAKEFLAGS. (make also exports
# VENV=... to the environment: a test whose make must not use that venv
# names its own.)
for _variable in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL'):
    os.environ.pop(_variable, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    in_ci = os.environ.get('CI', '').lower() not in ('', '0', 'false')
    if in_ci and report.skipped and not hasattr(report, 'wasxfail'):
        reason = (report.longrepr[2] if isinstance(report.longrepr, tuple)
                  else str(report.longrepr))
        report.outcome = 'failed'
        report.longrepr = (f'{item.nodeid} would be skipped under CI, '
                           f'which must run every test: {reason}')
