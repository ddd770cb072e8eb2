"""Import d2l before any test module imports mxnet, so that MXNet loads
with every usable core (d2l.preload), as it does in the chapter.

Under CI (CI set, as GitHub's runners set CI=true) a test that would be
skipped fails with the reason: CI must provide what every test needs, not
pass by leaving tests out. The one exception is the project's image
(D2L_CONTAINER=1, set in the Dockerfile): there a test marked
`host_only(reason)` is skipped, under CI too, since the image lacks what
it needs by design; CI on a host runs it. Likewise a test marked
`applies_if(condition, reason)` is skipped where `condition` is false:
it checks something only one Python or NumPy has (the pins of 3.11,
MXNet's own `ndarray.tostring` callers), so `make test` on the other
Pythons of `make test-platforms` leaves it out by design.
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
    config.addinivalue_line(
        'markers', 'applies_if(condition, reason): skipped, under CI too, '
        'where condition is false (another Python or NumPy)')


def _exempt(item):
    """Whether `item` is left out here by design, not for want of
    something CI must provide."""
    applies = item.get_closest_marker('applies_if')
    return bool((IN_IMAGE and item.get_closest_marker('host_only'))
                or (applies and not applies.args[0]))


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker('host_only')
        if IN_IMAGE and marker:
            # First, so that its reason is the one reported.
            item.add_marker(pytest.mark.skipif(
                True, reason=f'not in the image: {marker.args[0]}'),
                append=False)
        applies = item.get_closest_marker('applies_if')
        if applies and not applies.args[0]:
            item.add_marker(pytest.mark.skipif(
                True, reason=f'does not apply here: {applies.args[1]}'),
                append=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    in_ci = os.environ.get('CI', '').lower() not in ('', '0', 'false')
    if (in_ci and report.skipped and not hasattr(report, 'wasxfail')
            and not _exempt(item)):
        reason = (report.longrepr[2] if isinstance(report.longrepr, tuple)
                  else str(report.longrepr))
        report.outcome = 'failed'
        report.longrepr = (f'{item.nodeid} would be skipped under CI, '
                           f'which must run every test: {reason}')
