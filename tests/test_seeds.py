"""tools/seeds.py end to end, on a budget of seconds."""
import dataclasses
import json
import pathlib

import matplotlib.image
import pytest

import d2l
from tool_loader import load_tool

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.real_data
def test_seeds_writes_every_run_and_the_figure(tmp_path, monkeypatch,
                                               capsys):
    # The quick budget cut to a few seconds for all six runs.
    tiny = dataclasses.replace(d2l.BUDGETS['quick'], num_train=128,
                               num_test=64, num_curve_test=32,
                               num_epochs=1, width=4)
    monkeypatch.setitem(d2l.BUDGETS, 'quick', tiny)
    monkeypatch.setenv('D2L_BUDGET', 'quick')
    record, figure = tmp_path / 'seeds.json', tmp_path / 'img' / 'seeds.png'
    load_tool('seeds').main('2', str(record), str(figure))
    runs = json.loads(record.read_text())
    assert [(run['recipe'], run['seed']) for run in runs] == [
        (recipe, seed) for recipe in d2l.chapter_recipes()
        for seed in (0, 1)]
    for run in runs:
        assert run['budget'] == 'quick' and run['budget_detail'] == str(tiny)
        assert '(CPU)' in run['hardware'] or 'GPU' in run['hardware']
        assert run['num_test'] == 64 == len(run['test_outcomes'])
        assert run['test_acc'] == run['test_outcomes'].count('1') / 64
        assert 0 <= run['clean_train_acc'] <= 1
        assert 0 <= run['epoch_train_acc'] <= 1
        assert run['seconds'] > 0
    # Seeds change the initialization and the data order: the runs of a
    # recipe differ (a net this small and short may predict one class
    # for every test image whatever the seed, so the loss tells).
    for first, second in zip(runs[::2], runs[1::2]):
        assert first['epoch_train_loss'] != second['epoch_train_loss']
    image = matplotlib.image.imread(figure)
    assert image.shape[1] == 900  # 6 inches at 150 dpi
    out = capsys.readouterr().out
    assert 'flip + crop + color: test accuracy' in out
    assert f'wrote {record} and {figure}' in out


def test_seeds_figure_shows_each_run_and_the_spread():
    runs = [{'recipe': recipe, 'test_acc': acc}
            for recipe, accs in (('none', (0.40, 0.44, 0.42)),
                                 ('flip', (0.50, 0.46, 0.48)))
            for acc in accs]
    fig = load_tool('seeds').plot_seeds(runs, 'title')
    ax = fig.axes[0]
    points = [list(line.get_ydata()) for line in ax.get_lines()
              if line.get_linestyle() == 'None' and len(line.get_ydata()) > 1]
    assert points == [[0.40, 0.44, 0.42], [0.50, 0.46, 0.48]]
    # Each mean with a bar of one standard deviation (0.02) either side.
    means = [c for c in ax.containers]
    assert [round(m.lines[0].get_ydata()[0], 6) for m in means] == [0.42,
                                                                    0.48]
    bars = [m.lines[2][0].get_segments()[0] for m in means]
    assert [round(seg[1][1] - seg[0][1], 6) for seg in bars] == [0.04, 0.04]
    assert [t.get_text() for t in ax.get_xticklabels()] == ['none', 'flip']
    d2l.plt.close(fig)
