"""tools/mutants.py stays in step with the code: every mutant's text is
in its file exactly once, and its tests exist (make mutants runs them)."""
import pathlib

import pytest

from tool_loader import load_tool

ROOT = pathlib.Path(__file__).resolve().parents[1]
MUTANTS = load_tool('mutants').MUTANTS


@pytest.mark.parametrize('name, path, text, replacement, tests', MUTANTS,
                         ids=[mutant[0] for mutant in MUTANTS])
def test_each_mutant_still_applies(name, path, text, replacement, tests):
    assert (ROOT / path).read_text().count(text) == 1, (
        f'{path} no longer holds the text of "{name}" exactly once: '
        f'update tools/mutants.py')
    assert replacement != text
    assert all((ROOT / test.split('::')[0]).exists() for test in tests)
