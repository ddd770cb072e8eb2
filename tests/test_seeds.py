"""tools/seeds.py end to end, on a budget of seconds, and
tools/seeds_table.py, its figure and table in docs/results.md."""
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
    # The quick budget cut to a few seconds for all twelve runs.
    tiny = dataclasses.replace(d2l.BUDGETS['quick'], num_train=128,
                               num_test=64, num_curve_test=32,
                               num_epochs=2, width=4)
    monkeypatch.setitem(d2l.BUDGETS, 'quick', tiny)
    monkeypatch.setenv('D2L_BUDGET', 'quick')
    record = tmp_path / 'results' / 'seeds.json'
    load_tool('seeds').main('2', str(record))
    runs = json.loads(record.read_text())
    assert sorted(path.name for path in record.parent.iterdir()) == [
        'seeds.json']
    assert [(run['lr_schedule'], run['recipe'], run['seed'])
            for run in runs] == [
        (lr_schedule, recipe, seed) for lr_schedule in ('cosine', 'constant')
        for recipe in d2l.chapter_recipes() for seed in (0, 1)]
    for run in runs:
        assert run['budget'] == 'quick' and run['budget_detail'] == str(tiny)
        assert '(CPU)' in run['hardware'] or 'GPU' in run['hardware']
        assert run['num_test'] == 64 == len(run['test_outcomes'])
        assert run['test_acc'] == run['test_outcomes'].count('1') / 64
        assert 0 <= run['clean_train_acc'] <= 1
        assert 0 <= run['epoch_train_acc'] <= 1
        assert run['seconds'] > 0
        assert len(run['test_acc_history']) == tiny.num_epochs
    # Seeds change the initialization and the data order: the runs of a
    # recipe differ (a net this small and short may predict one class
    # for every test image whatever the seed, so the loss tells).
    for first, second in zip(runs[::2], runs[1::2]):
        assert first['epoch_train_loss'] != second['epoch_train_loss']
    out = capsys.readouterr().out
    assert str(d2l.seed_table(runs)) in out
    assert '| quick | constant | flip + crop + color |' in out
    assert '12 runs in ' in out and f'wrote {record}' in out
    # The figure and the table come from the record; paths as `make
    # figures` gives them, relative to the project's folder.
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'img').mkdir()
    page = tmp_path / 'docs' / 'results.md'
    page.parent.mkdir()
    page.write_text('# Title\n<!-- seeds:start -->\nold\n'
                    '<!-- seeds:end -->\n## After\n')
    for _ in range(2):  # Running it again replaces, not appends.
        load_tool('seeds_table').main(str(record), 'img/seeds.png',
                                      'docs/results.md')
    text = page.read_text()
    assert text.count('<!-- seeds:start -->') == 1 and 'old' not in text
    assert str(d2l.seed_table(runs)) in text and str(tiny) in text
    assert 'the 12 runs took' in text
    # The figure's link resolves from the page's folder.
    assert '![Seed spread](../img/seeds.png)' in text
    assert text.endswith('<!-- seeds:end -->\n## After\n')
    image = matplotlib.image.imread(tmp_path / 'img' / 'seeds.png')
    assert image.shape[1] == 1350  # two panels of 4.5 inches at 150 dpi
    # The schedule is the only difference between the two halves.
    assert all(cosine['epoch_train_loss'] != constant['epoch_train_loss']
               for cosine, constant in zip(runs[:6], runs[6:]))


def test_seeds_figure_shows_each_run_and_the_spread():
    runs = [{'recipe': recipe, 'test_acc': acc, 'lr_schedule': 'cosine'}
            for recipe, accs in (('none', (0.40, 0.44, 0.42)),
                                 ('flip', (0.50, 0.46, 0.48)))
            for acc in accs]
    # A record from before the schedules: read as the constant rate.
    old = [{'recipe': 'none', 'test_acc': acc} for acc in (0.3, 0.5)]
    fig = load_tool('seeds_table').plot_seeds(runs + old, 'title')
    assert [ax.get_title() for ax in fig.axes] == [
        'cosine learning rate', 'constant learning rate']
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
    assert [round(m.lines[0].get_ydata()[0], 6)
            for m in fig.axes[1].containers] == [0.4]
    d2l.plt.close(fig)


def test_results_page_holds_what_the_seed_record_gives():
    # `make figures` would leave docs/results.md as it is: the seed table
    # is the committed record's, not typed by hand.
    runs = d2l.load_runs(ROOT / 'results' / 'seeds.json')
    section = load_tool('seeds_table').section(runs, '../img/seeds.png')
    assert section in (ROOT / 'docs' / 'results.md').read_text()
