"""Recording runs, the comparison table and figure, and the tools on them."""
import math
import pathlib
import subprocess
import sys

import mxnet as mx
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import d2l

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _run(train_accs, test_accs, speed=10.0):
    history = [{'epoch': i + 1, 'train_loss': 1.0, 'train_acc': a,
                'test_acc': b} for i, (a, b) in
               enumerate(zip(train_accs, test_accs))]
    return {**history[-1], 'examples_per_sec': speed, 'seconds': 90.0,
            'history': history}


RUNS = {'none': _run([0.5, 0.9], [0.4, 0.6]),
        'flip': _run([0.4, 0.8], [0.4, 0.7], 12.5)}


def test_results_table():
    lines = d2l.results_table(RUNS, 100).splitlines()
    assert lines[0].startswith('| recipe | train acc | test acc |')
    # sqrt(0.6 * 0.4 / 100) = 0.049, sqrt(0.7 * 0.3 / 100) = 0.046
    assert lines[2:] == [
        '| none | 0.900 | 0.600 ± 0.049 | +0.300 | 10.0 | 90.0 |',
        '| flip | 0.800 | 0.700 ± 0.046 | +0.100 | 12.5 | 90.0 |']


def test_standard_error():
    assert d2l.standard_error(0.5, 2500) == pytest.approx(0.01)
    assert d2l.standard_error(1.0, 10) == 0
    with pytest.raises(ValueError, match='n must be at least 1'):
        d2l.standard_error(0.5, 0)


def _runs(none, other):
    return {'none': _run([none[0]], [none[1]]),
            'other': _run([other[0]], [other[1]])}


@pytest.mark.parametrize('none, other, num_test, verdict', [
    # +0.10 with a standard error of 0.022: beyond the noise.
    ((0.9, 0.5), (0.7, 0.6), 1000, 'Supports the claim'),
    # The same accuracies on 100 images: SE 0.07, within the noise.
    ((0.9, 0.5), (0.7, 0.6), 100, 'cannot tell less overfitting'),
    ((0.9, 0.5), (0.5, 0.4), 1000, 'Goes against it'),
    ((0.6, 0.5), (0.9, 0.52), 1000, 'the gap did not narrow'),
])
def test_compare_with_baseline(none, other, num_test, verdict):
    line = d2l.compare_with_baseline(_runs(none, other), 'none', num_test)
    gap, base_gap = other[0] - other[1], none[0] - none[1]
    assert line.startswith(f'other vs none: train - test gap {gap:.3f} '
                           f'(was {base_gap:.3f})')
    assert verdict in line.splitlines()[1]
    change = other[1] - none[1]
    se = math.hypot(d2l.standard_error(other[1], num_test),
                    d2l.standard_error(none[1], num_test))
    assert f'test accuracy {change:+.3f} ± {se:.3f}' in line


def test_plot_accuracy_curves_draws_train_and_test_per_run():
    fig = d2l.plot_accuracy_curves(RUNS, 100, title='quick')
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == [
        'none (train)', 'none (test)', 'flip (train)', 'flip (test)']
    assert list(lines[1].get_ydata()) == [0.4, 0.6]
    # A run's two curves share a color, so the gap reads at a glance.
    assert lines[0].get_color() == lines[1].get_color() != \
        lines[2].get_color()
    # One standard-error band per test curve, spanning 0.6 +- 0.049 last.
    bands = fig.axes[0].collections
    assert len(bands) == 2
    top = bands[0].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(0.6 + d2l.standard_error(0.6, 100))
    d2l.plt.close(fig)


def test_save_and_load_runs(tmp_path):
    path = tmp_path / 'sub' / 'runs.json'
    d2l.save_runs(str(path), RUNS, d2l.BUDGETS['quick'], [mx.cpu()])
    record = d2l.load_runs(str(path))
    assert record['runs'] == RUNS
    assert record['budget'] == 'quick'
    assert record['num_test'] == 256
    assert record['devices'] == '[cpu(0)]'
    assert '(CPU)' in record['hardware']


def test_exercise_figures_writes_png_and_readme_table(tmp_path):
    record = tmp_path / 'exercise1.json'
    runs = {'no augmentation': RUNS['none'], 'flip': RUNS['flip']}
    d2l.save_runs(str(record), runs, d2l.BUDGETS['quick'], [mx.cpu()])
    readme = tmp_path / 'README.md'
    readme.write_text('# Title\n<!-- exercise1:start -->\nold\n'
                      '<!-- exercise1:end -->\n## After\n')
    figure = tmp_path / 'ex1.png'
    for _ in range(2):  # Running it again replaces, not appends.
        subprocess.run([sys.executable, str(ROOT / 'tools' /
                                            'exercise_figures.py'),
                        str(record), str(figure), str(readme)], check=True)
    text = readme.read_text()
    assert text.count('<!-- exercise1:start -->') == 1 and 'old' not in text
    assert '| flip | 0.800 | 0.700 ± 0.029 | +0.100 | 12.5 | 90.0 |' in text
    assert 'quick budget: 512 training and 256 test images' in text
    assert 'standard error on 256 test images' in text
    assert 'the 2 runs took 3.0 minutes' in text
    # The verdict, computed from the record, not written by hand.
    assert d2l.compare_with_baseline(runs, 'no augmentation', 256) in text
    assert text.endswith('<!-- exercise1:end -->\n## After\n')
    assert figure.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_run_notebook_executes_a_copy_and_reports(tmp_path):
    source = tmp_path / 'nb.ipynb'
    nb = new_notebook(cells=[new_code_cell("print('hello')"),
                             new_code_cell('6 * 7')],
                      metadata={'kernelspec': {'name': 'python3',
                                               'language': 'python',
                                               'display_name': 'Python 3'}})
    nbformat.write(nb, source)
    out = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'run_notebook.py'),
         str(source), str(tmp_path / 'build')],
        capture_output=True, text=True, check=True).stdout
    assert "[1/2] print('hello')" in out and '    hello' in out
    assert '[2/2] 6 * 7' in out
    executed = nbformat.read(tmp_path / 'build' / 'nb.ipynb', as_version=4)
    assert executed.cells[1].outputs[0]['data']['text/plain'] == '42'
    assert nbformat.read(source, as_version=4).cells[1].outputs == []


def test_run_notebook_never_overwrites_its_source(tmp_path):
    source = tmp_path / 'nb.ipynb'
    nbformat.write(new_notebook(cells=[new_code_cell('1')]), source)
    before = source.read_bytes()
    done = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'run_notebook.py'),
         str(source), str(tmp_path)], capture_output=True, text=True)
    assert done.returncode != 0
    assert 'would overwrite' in done.stderr
    assert source.read_bytes() == before
