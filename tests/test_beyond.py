"""The companion notebook: book-sized code, d2l's API, a small budget."""
import ast
import pathlib

from IPython.core.inputtransformer2 import TransformerManager
import nbformat

import d2l

NOTEBOOK = (pathlib.Path(__file__).resolve().parents[1] /
            'chapter_image_augmentation' / 'beyond_augmentation.ipynb')
MAX_TRAINING_RUNS = 10  # 5.5 to 6.5 minutes each on the cpu budget.


def _code():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    to_python = TransformerManager().transform_cell
    return [to_python(c.source) for c in nb.cells if c.cell_type == 'code']


def test_code_lines_fit_the_book():
    assert [line for source in _code() for line in source.splitlines()
            if len(line) > 78] == []


def test_uses_only_d2ls_public_names():
    used = {node.attr for source in _code()
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute)
            and getattr(node.value, 'id', None) == 'd2l'}
    # Modules are reached for their constants, e.g. d2l.autoaugment.OPS.
    modules = {'autoaugment'}
    assert used - modules <= set(d2l.__all__), used - set(d2l.__all__)


def test_trains_at_most_ten_times():
    calls = [node for source in _code()
             for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call)
             and getattr(node.func, 'id', None) == 'train']
    assert 1 <= len(calls) <= MAX_TRAINING_RUNS
