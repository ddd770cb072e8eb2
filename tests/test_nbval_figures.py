"""tests/nbval_figures.py: figures of `nbval-figure` cells are compared.

Small synthetic notebooks, executed here for their reference outputs and
then run under nbval with the plugin in a subprocess: an unchanged cell
passes, a one-character edit to a parameter or the seed fails and the
failure names the cell, and an untagged cell's figure is not compared.
Also: the cells the two notebooks tag show a figure and neither read the
budget nor train.
"""
import base64
import io
import os
import pathlib
import re
import subprocess
import sys

from jupyter_client.manager import KernelManager
import nbformat
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager
import numpy as np
from PIL import Image
import pytest

import d2l
import nbval_figures

TESTS = pathlib.Path(__file__).resolve().parent
SETUP = ('%matplotlib inline\n'
         'import matplotlib.pyplot as plt\n'
         'import numpy as np')
# A seeded random brightness change of a small picture, drawn as the
# chapter's augmentation cells draw theirs.
FIGURE = ('rng = np.random.default_rng(0)\n'
          'picture = np.linspace(0, 1, 64 * 64 * 3).reshape(64, 64, 3)\n'
          'fig, axes = plt.subplots(1, 4, figsize=(6, 1.8))\n'
          'for ax in axes:\n'
          '    factor = 1 + rng.uniform(-0.5, 0.5)\n'
          '    ax.imshow(np.clip(picture * factor, 0, 1))\n'
          '    ax.set_title(f\'{factor:.2f}\')\n'
          'plt.show()')
# What a cell whose figure depends on the budget says: the budget, or a
# call of a training function (train_with_data_aug, train_ch12, ...).
BUDGET_BOUND = re.compile(r'budget|\btrain\w*\(')


def _notebook(figure_source, tags):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP),
                nbformat.v4.new_code_cell(figure_source)]
    nb.cells[1].metadata['tags'] = list(tags)
    return nb


@pytest.fixture(scope='module')
def recorded():
    """The figure notebook, executed: its outputs are the reference."""
    manager = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME,
                            kernel_spec_manager=NbvalKernelspecManager())
    nb = _notebook(FIGURE, [nbval_figures.TAG])
    NotebookClient(nb, km=manager, timeout=120).execute()
    assert len(nbval_figures.pngs(nb.cells[1].outputs)) == 1
    return nb


def _edited(recorded, old='', new='', tags=(nbval_figures.TAG,)):
    """The recorded notebook with its figure cell's source edited (and
    its tags replaced), outputs kept: what a changed chapter looks like
    to nbval."""
    nb = nbformat.from_dict(recorded)
    cell = nb.cells[1]
    assert old in cell.source
    if old:
        cell.source = cell.source.replace(old, new, 1)
    cell.metadata['tags'] = list(tags)
    return nb


@pytest.fixture(scope='module')
def nbval_run(recorded, tmp_path_factory):
    """nbval with the plugin on five notebooks, in one subprocess."""
    folder = tmp_path_factory.mktemp('figures')
    notebooks = {
        'same': _edited(recorded),
        'brightness': _edited(recorded, '0.5, 0.5', '0.5, 0.4'),
        'seed': _edited(recorded, 'default_rng(0)', 'default_rng(1)'),
        'untagged': _edited(recorded, 'default_rng(0)', 'default_rng(1)',
                            tags=()),
        # Text not compared, the figure still is.
        'textless': _edited(recorded, 'default_rng(0)', 'default_rng(1)',
                            tags=(nbval_figures.TAG, 'nbval-ignore-output')),
    }
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f'{name}.ipynb')
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
         '-p', 'nbval_figures', '--nbval', '--nbval-current-env', '-v',
         '--color=no', '-rf',
         *sorted(f'{name}.ipynb' for name in notebooks)],
        cwd=folder, capture_output=True, text=True, timeout=300,
        # tests/ on the path for `-p nbval_figures`: the notebooks' folder
        # has no conftest.py to load it.
        env={**os.environ, 'PYTHONPATH': str(TESTS)})
    return done.stdout + done.stderr


def _outcome(output, name):
    # pytest -v names a notebook's cell `NAME::ipynb::Cell 1` (nbval's
    # node ids), the summary `NAME.ipynb::Cell 1`.
    found = re.search(rf'^{name}\W+ipynb::Cell 1 (\w+)', output, re.M)
    if found:
        return found.group(1)
    raise AssertionError(f'no result for {name}.ipynb::Cell 1:\n{output}')


def test_an_unchanged_figure_passes(nbval_run):
    assert _outcome(nbval_run, 'same') == 'PASSED', nbval_run


@pytest.mark.parametrize('name', ['brightness', 'seed', 'textless'])
def test_a_one_character_edit_fails_and_names_the_cell(nbval_run, name):
    assert _outcome(nbval_run, name) == 'FAILED', nbval_run
    first_line = ('rng = np.random.default_rng(0)' if name == 'brightness'
                  else 'rng = np.random.default_rng(1)')
    assert (f'Cell figures differ (tag nbval-figure) in cell 1: '
            f'{first_line}') in nbval_run
    assert f'FAILED {name}.ipynb::Cell 1' in nbval_run


def test_an_untagged_figure_is_not_compared(nbval_run):
    assert _outcome(nbval_run, 'untagged') == 'PASSED', nbval_run


def _png(pixels):
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format='PNG')
    return base64.b64encode(buffer.getvalue()).decode('ascii')


def _display(*pictures):
    return [{'output_type': 'display_data', 'metadata': {},
             'data': {'image/png': _png(p), 'text/plain': 'figure'}}
            for p in pictures]


def _picture(height=100, width=200):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (height, width, 4), dtype=np.uint8)


def test_small_differences_are_within_the_tolerance():
    picture = _picture()
    nudged = picture.copy()
    # Every pixel off by LEVEL, and a few (under MAX_FRACTION) by more:
    # rounding and antialiasing, not a different figure.
    nudged[..., :3] = np.clip(nudged[..., :3].astype(int)
                              + nbval_figures.LEVEL, 0, 255)
    nudged[0, :20] = 255 - nudged[0, :20]
    assert nbval_figures.compare(_display(picture), _display(nudged)) == []


def test_large_differences_are_reported_with_their_place():
    picture = _picture()
    changed = picture.copy()
    changed[10:20, 30:50] = 255 - changed[10:20, 30:50]
    problems = nbval_figures.compare(_display(picture), _display(changed))
    assert len(problems) == 1
    assert problems[0].startswith('figure 1 (200x100): ')
    assert '(30, 10, 50, 20)' in problems[0]


def test_sizes_and_counts_must_match():
    picture = _picture()
    assert nbval_figures.compare(
        _display(picture), _display(_picture(100, 201))) == [
            'figure 1: 201x100 pixels in the run, 200x100 in the notebook']
    assert nbval_figures.compare(_display(picture, picture),
                                 _display(picture)) == [
        '1 figure(s) in the run, 2 in the notebook']


def test_another_stack_compares_the_number_of_figures_only(capsys):
    picture = _picture()
    changed = 255 - picture
    assert nbval_figures.compare(_display(picture), _display(changed),
                                 same_stack=False) == []
    assert nbval_figures.compare(_display(picture, picture),
                                 _display(changed), same_stack=False) == [
        '1 figure(s) in the run, 2 in the notebook']
    here = d2l.plotting.figure_stack()
    nb = nbformat.v4.new_notebook(metadata={'d2l': {'figure_stack': here}})
    assert nbval_figures.same_stack(nb)
    assert nbval_figures.same_stack(nbformat.v4.new_notebook())
    other = nbformat.v4.new_notebook(metadata={'d2l': {
        'figure_stack': {**here, 'matplotlib': '0.0'}}})
    assert not nbval_figures.same_stack(other)
    assert not nbval_figures.same_stack(other)
    # Said once per notebook.
    assert capsys.readouterr().out.count('their number is compared') == 1


@pytest.mark.parametrize('name', ['image_augmentation',
                                  'beyond_augmentation'])
def test_the_notebooks_record_their_figure_stack(name):
    path = TESTS.parent / 'chapter_image_augmentation' / f'{name}.ipynb'
    nb = nbformat.read(path, as_version=4)
    assert set(nb.metadata['d2l']['figure_stack']) == {
        'python', 'numpy', 'pillow', 'matplotlib'}


@pytest.mark.parametrize('name', ['image_augmentation',
                                  'beyond_augmentation'])
def test_tagged_cells_of_the_notebooks_show_budget_free_figures(name):
    # The tag promises a figure that the quick run of `make test` draws
    # as the committed (cpu-budget) run did: a cell that reads the
    # budget or trains (in both notebooks, exactly the cells whose
    # figures are training curves), or shows no figure, cannot keep it.
    path = TESTS.parent / 'chapter_image_augmentation' / f'{name}.ipynb'
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == 'code']
    for number, cell in enumerate(code):
        if nbval_figures.TAG not in cell.metadata.get('tags', []):
            continue
        assert nbval_figures.pngs(cell.outputs), (
            f'{name} cell {number} is tagged {nbval_figures.TAG} but '
            f'shows no figure')
        assert not BUDGET_BOUND.search(cell.source), (
            f'{name} cell {number} is tagged {nbval_figures.TAG} but '
            f'reads the budget or trains')
