"""Recording runs, the comparison table and figure, and the tools on them."""
import json
import math
import os
import pathlib
import subprocess
import sys

import mxnet as mx
import nbformat
import numpy as np
import pytest
import scipy.stats
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


def _scored(clean_train, epoch_train, outcomes, speed=10.0):
    """A run as d2l.score_final leaves it."""
    run = {key: value for key, value in _run([epoch_train], [0.0], speed)
           .items() if key != 'train_acc'}
    return {**run, 'epoch_train_acc': epoch_train,
            'clean_train_acc': clean_train,
            'test_acc': outcomes.count('1') / len(outcomes),
            'num_test': len(outcomes), 'test_outcomes': outcomes}


def test_results_table_of_runs_without_outcomes():
    table = d2l.results_table(RUNS, 100)
    lines = str(table).splitlines()
    # As before outcomes were kept: the committed chapter prints this.
    assert lines[:2] == [
        '| recipe | train acc | test acc | train - test | examples/sec | '
        'seconds |', '| --- | ---: | ---: | ---: | ---: | ---: |']
    # sqrt(0.6 * 0.4 / 100) = 0.049, sqrt(0.7 * 0.3 / 100) = 0.046
    assert lines[2:] == [
        '| none | 0.900 | 0.600 ± 0.049 | +0.300 | 10.0 | 90.0 |',
        '| flip | 0.800 | 0.700 ± 0.046 | +0.100 | 12.5 | 90.0 |']
    assert repr(table) == str(table)


def test_results_table_gap_uses_the_clean_train_accuracy():
    runs = {'none': _scored(0.95, 0.9, '1' * 60 + '0' * 40),
            'flip': _scored(0.85, 0.6, '1' * 70 + '0' * 30)}
    # No num_test: each run's own (100) gives the standard error.
    assert str(d2l.results_table(runs)).splitlines() == [
        '| recipe | clean train acc | epoch train acc (augmented) | '
        'test acc | clean train - test | examples/sec | seconds |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| none | 0.950 | 0.900 | 0.600 ± 0.049 | +0.350 | 10.0 | 90.0 |',
        '| flip | 0.850 | 0.600 | 0.700 ± 0.046 | +0.150 | 10.0 | 90.0 |']


def test_table_renders_as_a_table_in_notebooks():
    from IPython.core.formatters import DisplayFormatter
    table = d2l.Table(['recipe', 'acc'], [['a < b', '0.5']], 'lr')
    data, _ = DisplayFormatter().format(table)
    assert data['text/markdown'] == data['text/plain'] == str(table) == (
        '| recipe | acc |\n| --- | ---: |\n| a < b | 0.5 |')
    # HTML, which nbconvert and JupyterLab prefer: cells wrap, never cut.
    assert data['text/html'] == (
        '<table>\n<thead><tr><th style="text-align: left">recipe</th>'
        '<th style="text-align: right">acc</th></tr></thead>\n<tbody>\n'
        '<tr><td style="text-align: left">a &lt; b</td>'
        '<td style="text-align: right">0.5</td></tr>\n</tbody>\n</table>')


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
    assert line.splitlines()[1] == (f'  epoch train - test gap {gap:.3f} '
                                     f'(was {base_gap:.3f}); test accuracy '
                                     f'{other[1] - none[1]:+.3f} ± '
                                     f'{line.split(" ± ")[1][:5]}')
    assert verdict in ' '.join(part.strip()
                               for part in line.splitlines()[3:])
    change = other[1] - none[1]
    se = math.hypot(d2l.standard_error(other[1], num_test),
                    d2l.standard_error(none[1], num_test))
    assert f'test accuracy {change:+.3f} ± {se:.3f}' in line


def test_table_is_a_table_on_the_rendered_page():
    from IPython.core.formatters import DisplayFormatter
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_output
    data, _ = DisplayFormatter().format(d2l.results_table(RUNS, 100))
    cell = new_code_cell('d2l.results_table(runs, 100)', outputs=[
        new_output('display_data', data=data)])
    page, _ = HTMLExporter(
        template_file=str(ROOT / 'tools' / 'chapter.html.j2'),
    ).from_notebook_node(new_notebook(cells=[cell]))
    assert '<td style="text-align: right">0.600 ± 0.049</td>' in page
    assert '| none |' not in page


# b, c: test images only the first, only the second model gets right.
@pytest.mark.parametrize('b, c, p', [
    (0, 0, 1.0), (2, 2, 1.0),
    # 2 * (C(4, 0) + C(4, 1)) / 2^4 = 10 / 16
    (3, 1, 0.625), (1, 3, 0.625),
    # 2 / 2^5: five images against none
    (5, 0, 0.0625),
    # 2 * (1 + 12 + 66) / 2^12
    (10, 2, 158 / 4096)])
def test_mcnemar_p_by_hand(b, c, p):
    assert d2l.mcnemar_p(b, c) == pytest.approx(p, rel=1e-12)


@pytest.mark.parametrize('b, c', [(7, 19), (40, 12), (30, 31),
                                  (480, 560), (1500, 1380), (9, 0)])
def test_mcnemar_p_matches_scipy(b, c):
    assert d2l.mcnemar_p(b, c) == pytest.approx(
        scipy.stats.binomtest(b, b + c, 0.5).pvalue, rel=1e-9)


def test_paired_comparison_by_hand():
    #      images: 1  2  3  4  5  6  7  8
    run = {'test_outcomes': '11101100'}
    base = {'test_outcomes': '10011000'}
    pair = d2l.paired_comparison(run, base)
    # Only run right: images 2, 3, 6; only base right: image 4.
    assert (pair['b'], pair['c'], pair['n']) == (3, 1, 8)
    assert pair['change'] == 0.25
    assert pair['se'] == pytest.approx(math.sqrt(4 - 4 / 8) / 8)
    # The same: the standard error of the mean per-image difference.
    d = [int(r) - int(b) for r, b in zip('11101100', '10011000')]
    assert pair['se'] == pytest.approx(np.std(d) / math.sqrt(8))
    assert pair['p'] == 0.625
    assert pair['verdict'] == 'no detectable difference'
    with pytest.raises(ValueError, match='same test images'):
        d2l.paired_comparison(run, {'test_outcomes': '1'})


def _outcomes(both, only_first, only_second, neither):
    """Two outcome strings with the given counts of each kind of image."""
    kinds = (['11'] * both + ['10'] * only_first + ['01'] * only_second +
             ['00'] * neither)
    return ''.join(k[0] for k in kinds), ''.join(k[1] for k in kinds)


# Changes of +-0.04 on 1,000 images (McNemar p < 0.0001), +0.02 (p =
# 0.057: 2 * P(B <= 40) for B ~ Binomial(100, 1/2), above ALPHA).
@pytest.mark.parametrize('b, c, seed_sd, verdict', [
    # Beyond 2 * 0.0149: the seed spread cannot explain it.
    (60, 20, 0.0149, 'better'), (20, 60, 0.0149, 'worse'),
    # 0.04 is at most 2 * 0.02: another pair of seeds could do it.
    (60, 20, 0.02, 'within the seed spread'),
    (20, 60, 0.03, 'within the seed spread'),
    # Scores of one network: no seed separates them.
    (60, 20, 0.0, 'better'),
    # No seed record: McNemar alone, and the verdict says so.
    (60, 20, None, 'better (seed spread unknown)'),
    (20, 60, None, 'worse (seed spread unknown)'),
    # The seed bound never makes a change count that McNemar's does not.
    (60, 40, 0.0, 'no detectable difference'),
    (60, 40, None, 'no detectable difference')])
def test_paired_comparison_verdict(b, c, seed_sd, verdict):
    ours, theirs = _outcomes(400, b, c, 600 - b - c)
    pair = d2l.paired_comparison({'test_outcomes': ours},
                                 {'test_outcomes': theirs}, seed_sd)
    assert pair['verdict'] == verdict
    assert pair['seed_sd'] == seed_sd
    assert (pair['p'] < d2l.ALPHA) == (verdict != 'no detectable '
                                                  'difference')


def _seed_record(sds, budget='cpu', lr_schedule='cosine'):
    """Three seeds a recipe, whose SD is exactly `sds[recipe]`."""
    return [{'recipe': recipe, 'seed': seed, 'budget': budget,
             'lr_schedule': lr_schedule,
             'test_acc': 0.5 + (seed - 1) * sd}
            for recipe, sd in sds.items() for seed in range(3)]


def test_seed_spread_of_one_budget_and_schedule():
    entries = (_seed_record({'none': 0.01, 'flip': 0.02})
               + _seed_record({'none': 0.05}, lr_schedule='constant')
               + _seed_record({'none': 0.07}, budget='full'))
    spread = d2l.seed_spread(entries, d2l.BUDGETS['cpu'], 'cosine',
                             {'strong': 'flip'})
    assert spread.sds == pytest.approx({'none': 0.01, 'flip': 0.02})
    assert spread.sd('strong') == pytest.approx(0.02)
    # A recipe without its own SD takes its baseline's.
    assert spread.sd('flip + cutout') is None
    assert spread.sd('flip + cutout', 'flip') == pytest.approx(0.02)
    assert spread.combined('flip', 'none') == pytest.approx(math.hypot(
        0.01, 0.02))
    assert spread.combined('strong + Cutout', 'strong') == pytest.approx(
        math.hypot(0.02, 0.02))
    assert spread.combined('a', 'b', fallback='none') == pytest.approx(
        math.hypot(0.01, 0.01))
    assert spread.combined('a', 'b') is None
    assert str(spread) == ('seed SDs over 3 seeds, cpu budget, cosine '
                           'learning rate: none 0.010, flip 0.020')
    assert d2l.seed_spread(entries, 'cpu', 'constant').sds == \
        pytest.approx({'none': 0.05})


@pytest.mark.parametrize('entries, budget, note', [
    # Another budget or schedule is never used.
    (_seed_record({'none': 0.01}), 'quick',
     'no seed record matched the quick budget with the cosine learning '
     'rate (it has cpu/cosine): the seed spread is unknown'),
    (_seed_record({'none': 0.01}, lr_schedule='constant'), 'cpu',
     'no seed record matched the cpu budget with the cosine learning '
     'rate (it has cpu/constant)'),
    # Entries from before the schedules: the book's constant rate.
    ([{key: value for key, value in entry.items() if key != 'lr_schedule'}
      for entry in _seed_record({'none': 0.01})], 'cpu',
     "entries without lr_schedule were read as the book's constant "
     "rate")])
def test_seed_spread_that_does_not_match(entries, budget, note):
    spread = d2l.seed_spread(entries, budget, 'cosine')
    assert spread.sds == {} and spread.combined('none', 'none') is None
    assert note in spread.note


def test_load_seed_spread(tmp_path):
    path = tmp_path / 'seeds.json'
    spread = d2l.load_seed_spread(str(path), 'cpu', 'cosine')
    assert spread.sds == {}
    assert spread.note == (f'no seed record at {path} (`make seeds` '
                           f'writes it): the seed spread is unknown')
    path.write_text(json.dumps(_seed_record({'none': 0.01})))
    spread = d2l.load_seed_spread(str(path), 'cpu', 'cosine')
    assert spread.sds == pytest.approx({'none': 0.01})


def test_seed_table():
    entries = (_seed_record({'none': 0.01, 'flip': 0.02})
               + _seed_record({'none': 0.05}, lr_schedule='constant'))
    assert str(d2l.seed_table(entries)).splitlines()[2:] == [
        '| cpu | cosine | none | 0.490, 0.500, 0.510 | 0.500 | 0.010 |',
        '| cpu | cosine | flip | 0.480, 0.500, 0.520 | 0.500 | 0.020 |',
        '| cpu | constant | none | 0.450, 0.500, 0.550 | 0.500 | 0.050 |']


# Seed SDs for both recipes: the change of +-0.04 counts beyond
# 2 * sqrt(2) * 0.01 = 0.028, not beyond 2 * sqrt(2) * 0.02 = 0.057.
SMALL = _seed_record({'none': 0.01, 'other': 0.01})
LARGE = _seed_record({'none': 0.02, 'other': 0.02})


@pytest.mark.parametrize('clean, epoch, b, c, seeds, verdict', [
    # Against a clean gap of 0.95 - 0.42 = 0.53 (epoch average: 0.58).
    (0.9, 0.6, 60, 20, SMALL, 'Supports the claim'),
    (0.9, 0.6, 20, 60, SMALL, 'Goes against it'),
    (0.9, 0.6, 60, 40, SMALL, 'cannot tell less overfitting'),
    (0.9, 0.6, 60, 20, LARGE, 'by less than another seed moves it'),
    (0.9, 0.6, 60, 20, [], 'whether another seed would agree is unknown'),
    (0.9, 0.6, 20, 60, [], 'Goes against it on these test images'),
    # 1.0 - 0.46: the epoch gap (0.6 - 0.46) narrowed, the clean did not.
    (1.0, 0.6, 60, 20, SMALL, 'the gap did not narrow')])
def test_compare_with_baseline_paired(clean, epoch, b, c, seeds, verdict):
    ours, theirs = _outcomes(400, b, c, 600 - b - c)
    runs = {'none': _scored(0.95, 1.0, theirs),
            'other': _scored(clean, epoch, ours)}
    spread = d2l.seed_spread(seeds, 'cpu', 'cosine')
    text = d2l.compare_with_baseline(runs, 'none', spread=spread)
    pair = d2l.paired_comparison(runs['other'], runs['none'],
                                 spread.combined('other', 'none'))
    gap = clean - runs['other']['test_acc']
    base_gap = 0.95 - runs['none']['test_acc']
    lines = text.splitlines()
    assert lines[0] == f'other vs none: {pair["verdict"]}'
    assert lines[1] == (f'  clean train - test gap {gap:.3f} (was '
                        f'{base_gap:.3f}); test accuracy '
                        f'{pair["change"]:+.3f} ± {pair["se"]:.3f} '
                        f'(paired SE)')
    assert lines[2].endswith(f'of 1,000 images, {b} right only with '
                             f'other, {c} only with none')
    assert verdict in ' '.join(line.strip() for line in lines[4:])
    assert max(map(len, lines)) <= d2l.PAGE_WIDTH


def test_compare_with_baseline_paired_by_hand():
    ours, theirs = _outcomes(400, 60, 20, 520)
    runs = {'none': _scored(1.0, 1.0, theirs),
            'flip': _scored(0.9, 0.6, ours)}
    spread = d2l.seed_spread(SMALL, 'cpu', 'cosine', {'flip': 'other'})
    # Gaps 1 - 0.42 and 0.9 - 0.46; sqrt(80 - 40^2 / 1000) / 1000;
    # 2 * sqrt(0.01^2 + 0.01^2) = 0.028.
    assert d2l.compare_with_baseline(runs, 'none',
                                     spread=spread).splitlines() == [
        'flip vs none: better',
        '  clean train - test gap 0.440 (was 0.580); test accuracy '
        '+0.040 ± 0.009 (paired SE)',
        '  McNemar p < 0.0001: of 1,000 images, 60 right only with flip, '
        '20 only with none',
        '  seed spread: a change counts only beyond ±0.028 (2 SD of what '
        'another seed for flip and none',
        '    changes)',
        '  Supports the claim: the gap narrowed and the test accuracy rose '
        "beyond the test images' noise and",
        '    the seed spread.']


def test_comparison_table():
    ours, theirs = _outcomes(400, 60, 20, 520)
    runs = {'base': {'test_acc': 0.42, 'test_outcomes': theirs},
            'new': {'test_acc': 0.46, 'test_outcomes': ours},
            # One network scored two ways: compared as stored.
            'new + tta': {'test_acc': 0.46, 'test_outcomes': ours,
                          'baseline': 'new', 'seed_sd': 0.0}}
    spread = d2l.seed_spread(LARGE, 'cpu', 'cosine', {'base': 'none',
                                                      'new': 'other'})
    assert str(d2l.comparison_table(runs, 'base', spread)
               ).splitlines()[2:] == [
        '| base | 0.420 ± 0.016 | base | +0.000 ± 0.000 | 0 | 0 | p = 1 | '
        '± 0.057 | no detectable difference |',
        '| new | 0.460 ± 0.016 | base | +0.040 ± 0.009 | 60 | 20 | '
        'p < 0.0001 | ± 0.057 | within the seed spread |',
        '| new + tta | 0.460 ± 0.016 | new | +0.000 ± 0.000 | 0 | 0 | '
        'p = 1 | ± 0.000 | no detectable difference |']
    assert str(d2l.comparison_table(runs, 'base')).splitlines()[3] == (
        '| new | 0.460 ± 0.016 | base | +0.040 ± 0.009 | 60 | 20 | '
        'p < 0.0001 | unknown | better (seed spread unknown) |')


def test_add_verdicts_stores_what_was_compared():
    ours, theirs = _outcomes(400, 60, 20, 520)
    for seeds, verdict in ((SMALL, 'better'),
                           (LARGE, 'within the seed spread'),
                           ([], 'better (seed spread unknown)')):
        runs = {'none': {'test_acc': 0.42, 'test_outcomes': theirs},
                'other': {'test_acc': 0.46, 'test_outcomes': ours},
                # Judged already, against another run: kept.
                'other + tta': {'test_acc': 0.46, 'test_outcomes': ours,
                                'baseline': 'other', 'seed_sd': 0,
                                'verdict': 'no detectable difference'}}
        spread = d2l.seed_spread(seeds, 'cpu', 'cosine')
        assert d2l.add_verdicts(runs, 'none', spread) is runs
        assert 'verdict' not in runs['none']
        assert runs['other']['baseline'] == 'none'
        assert runs['other']['verdict'] == verdict
        # Enough to judge it again.
        assert d2l.paired_comparison(
            runs['other'], runs[runs['other']['baseline']],
            runs['other']['seed_sd'])['verdict'] == verdict
        assert runs['other + tta']['baseline'] == 'other'
        assert runs['other + tta']['seed_sd'] == 0


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


def _exercise_figures(record, figure, readme, seeds='no-seeds.json'):
    # This tree's d2l, not whichever the venv has installed.
    subprocess.run([sys.executable, str(ROOT / 'tools' /
                                        'exercise_figures.py'),
                    str(record), str(seeds), str(figure), str(readme)],
                   check=True, env={**os.environ, 'PYTHONPATH': str(ROOT)})


def test_exercise_figures_writes_png_and_readme_table(tmp_path):
    record = tmp_path / 'exercise1.json'
    runs = {'no augmentation': RUNS['none'], 'flip': RUNS['flip']}
    d2l.save_runs(str(record), runs, d2l.BUDGETS['quick'], [mx.cpu()])
    readme = tmp_path / 'README.md'
    readme.write_text('# Title\n<!-- exercise1:start -->\nold\n'
                      '<!-- exercise1:end -->\n## After\n')
    figure = tmp_path / 'ex1.png'
    for _ in range(2):  # Running it again replaces, not appends.
        _exercise_figures(record, figure, readme)
    text = readme.read_text()
    assert text.count('<!-- exercise1:start -->') == 1 and 'old' not in text
    assert '| flip | 0.800 | 0.700 ± 0.029 | +0.100 | 12.5 | 90.0 |' in text
    assert f'{d2l.BUDGETS["quick"]}' in text
    assert 'standard error on 256 test images' in text
    assert 'the 2 runs took 3.0 minutes' in text
    # The verdict, computed from the record, not written by hand.
    assert d2l.compare_with_baseline(runs, 'no augmentation', 256) in text
    assert 'no seed record at no-seeds.json' in text
    # The figure's link resolves from the page's folder.
    assert '![Exercise 1](ex1.png)' in text
    assert text.endswith('<!-- exercise1:end -->\n## After\n')
    assert figure.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_readme_holds_what_the_exercise1_record_gives(tmp_path):
    # `make figures` would leave the README's Exercise 1 section as it is:
    # its table and verdicts are the committed record's, not typed by hand.
    readme = tmp_path / 'README.md'
    readme.write_text((ROOT / 'README.md').read_text())
    (tmp_path / 'img').mkdir()
    _exercise_figures(ROOT / 'results' / 'exercise1.json',
                      tmp_path / 'img' / 'exercise1.png', readme,
                      ROOT / 'results' / 'seeds.json')
    assert readme.read_text() == (ROOT / 'README.md').read_text()


def test_exercise_figures_reports_scored_runs_paired(tmp_path):
    ours, theirs = _outcomes(100, 30, 10, 116)
    runs = {'no augmentation': _scored(1.0, 1.0, theirs),
            'flip': _scored(0.9, 0.6, ours)}
    for run in runs.values():
        run['lr_schedule'] = 'cosine'
    record = tmp_path / 'exercise1.json'
    d2l.save_runs(str(record), runs, d2l.BUDGETS['cpu'], [mx.cpu()])
    seeds = tmp_path / 'seeds.json'
    seeds.write_text(json.dumps(_seed_record({'no augmentation': 0.03,
                                              'flip': 0.03})))
    readme = tmp_path / 'README.md'
    readme.write_text('<!-- exercise1:start --><!-- exercise1:end -->')
    _exercise_figures(record, tmp_path / 'ex1.png', readme, seeds)
    text = readme.read_text()
    assert str(d2l.results_table(runs)) in text
    assert '| flip | 0.900 | 0.600 | 0.508 ± 0.031 | +0.392 |' in text
    spread = d2l.load_seed_spread(str(seeds), 'cpu', 'cosine')
    assert d2l.compare_with_baseline(runs, 'no augmentation',
                                     spread=spread) in text
    # +0.078 is beyond McNemar's noise, not beyond 2 * sqrt(2) * 0.03.
    assert 'McNemar p = 0.0022' in text
    assert 'flip vs no augmentation: within the seed spread' in text
    assert str(d2l.BUDGETS['cpu']) in text


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
