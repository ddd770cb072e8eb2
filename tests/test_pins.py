"""Every pin installs on every Python patch release a distribution ships.

A pin's release may declare a Requires-Python that names a patch release
(soupsieve 4.1.3: >=3.11.5), and a distribution freezes one (Debian 12:
3.11.2): `make install` then fails there. tools/pins.py reads each pin's
Requires-Python from the package index (cached in _build/, so this is
quick and offline once cached) and evaluates the markers for each release.
"""
import subprocess
import sys

import pytest

from tool_loader import load_tool

pins = load_tool('pins')

# The Python a supported distribution ships (its first patch release where
# it updates them), and the first releases of 3.14 and 3.15.
DISTRIBUTIONS = {'Ubuntu 22.04': '3.10.12', 'Debian 12': '3.11.2',
                 'Ubuntu 24.04': '3.12.3', 'Debian 13': '3.13.5',
                 'Python 3.14': '3.14.0', 'Python 3.15': '3.15.0'}


@pytest.mark.parametrize('distribution', DISTRIBUTIONS)
def test_every_pin_installs_on_the_distributions_python(distribution):
    python = DISTRIBUTIONS[distribution]
    found = pins.pins(python)
    assert len(found) > 100  # constraints.txt, all of it
    assert pins.excluded(python) == []


def test_a_pin_that_needs_a_later_patch_release_is_found(tmp_path):
    # Issue 26's fault: soupsieve 4.1.3 pinned for every 3.11.
    bad = tmp_path / 'constraints.txt'
    bad.write_text('soupsieve==4.1.3; python_version >= "3.11"\n'
                   'numpy==2.5.5; python_version >= "3.12"\n')
    assert pins.excluded('3.11.2', bad) == [('soupsieve==4.1.3',
                                             '>=3.11.5')]
    assert pins.excluded('3.11.5', bad) == []
    assert pins.requires_python(pins.pins('3.12.3', bad), '3.12.3') == {
        'soupsieve==4.1.3': '>=3.11.5', 'numpy==2.5.5': '>=3.12'}


def _make_install_with(tmp_path, replacements):
    """`make install` with constraints.txt's lines replaced: its lines of
    its own (make install:), having left no venv."""
    text = pins.CONSTRAINTS.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    bad = tmp_path / 'constraints.txt'
    bad.write_text(text)
    venv = tmp_path / 'venv'
    done = subprocess.run(
        ['make', '-s', 'install', f'PYTHON={sys._base_executable}',
         f'VENV={venv}', f'CONSTRAINTS={bad}', f'BUILD={tmp_path}'],
        capture_output=True, text=True, cwd=pins.ROOT)
    assert done.returncode != 0
    assert 'ResolutionImpossible' not in done.stderr + done.stdout
    assert not venv.exists()
    return [line for line in done.stderr.splitlines()
            if line.startswith('make install:')]


# Python 3.11: the pins below are releases for other Pythons.
only_on_3_11 = pytest.mark.applies_if(sys.version_info[:2] == (3, 11),
                                      'the pins below are for 3.11')


@only_on_3_11
def test_a_pin_for_a_newer_python_is_one_line_naming_it(tmp_path):
    # NumPy 2.5.5 needs Python 3.12.
    ours = _make_install_with(tmp_path, {
        "numpy==2.5.5; python_version >= '3.12'": 'numpy==2.5.5',
        "numpy==1.23.5; python_version < '3.12'\n": ''})
    assert ours == [
        f'make install: numpy==2.5.5 needs Python >=3.12, and '
        f'{sys._base_executable} is Python {sys.version.split()[0]}; '
        f'install a Python it allows (docs/platforms.md names those tested) '
        f'and run `make install PYTHON=/path/to/it`.']


@only_on_3_11
def test_pins_that_conflict_are_one_line_naming_them(tmp_path):
    # The constraint disagrees with requirements.txt's scipy==1.15.3.
    ours = _make_install_with(tmp_path, {
        "scipy==1.15.3; python_version < '3.12'": 'scipy==1.16.3'})
    assert len(ours) == 1 and ours[0].startswith(
        'make install: pip could not install the pinned packages for '
        f'Python {sys.version.split()[0]}: the conflict is caused by: ')
    assert 'The user requested scipy==1.15.3; The user requested ' \
        '(constraint) scipy==1.16.3 (all of it in ' in ours[0]
