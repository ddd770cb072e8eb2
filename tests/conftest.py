"""Import d2l before any test module imports mxnet, so that MXNet loads
with every usable core (d2l.preload), as it does in the chapter.

Under CI (CI set, as GitHub's runners set CI=true) a test that would be
skipped fails with the reason: CI must provide what every test needs, not
pass by leaving tests out. The one exception is the project's image
(D2L_CONTAINER=1, set in the Dockerfile): there a test marked
`host_only(reason)` is skipped, under CI too, since the image lacks what
it needs by design; CI on a host runs it.
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


IN_IMAGE = os.environ.get('D2L_CONTAINER') == '1'


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'host_only(reason): skipped in the project\'s image, '
        'which lacks what the test needs (a host runs it)')


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker('host_only')
        if IN_IMAGE and marker:
            # First, so that its reason is the one reported.
            item.add_marker(pytest.mark.skipif(
                True, reason=f'not in the image: {marker.args[0]}'),
                append=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    in_ci = os.environ.get('CI', '').lower() not in ('', '0', 'false')
    exempt = IN_IMAGE and item.get_closest_marker('host_only')
    if (in_ci and report.skipped and not hasattr(report, 'wasxfail')
            and not exempt):
        reason = (report.longrepr[2] if isinstance(report.longrepr, tuple)
                  else str(report.longrepr))
        report.outcome = 'failed'
        report.longrepr = (f'{item.nodeid} would be skipped under CI, '
                           f'which must run every test: {reason}')
