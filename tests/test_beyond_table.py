"""tools/beyond_table.py: the companion's table in docs/results.md from
its record."""
import json
import pathlib
import shutil

import pytest

import d2l
from tool_loader import load_tool

ROOT = pathlib.Path(__file__).resolve().parents[1]


beyond_table = load_tool('beyond_table')


def test_results_page_holds_what_the_committed_record_gives(tmp_path):
    # `make figures` would leave docs/results.md as it is: its table is
    # the committed record's, not typed by hand.
    page = tmp_path / 'results.md'
    shutil.copy(ROOT / 'docs' / 'results.md', page)
    seeds = str(ROOT / 'results' / 'seeds.json')
    beyond_table.main(str(ROOT / 'results' / 'beyond.json'), seeds,
                      str(page))
    assert page.read_text() == (ROOT / 'docs' / 'results.md').read_text()
    record = d2l.load_runs(ROOT / 'results' / 'beyond.json')
    assert beyond_table.section(record, seeds) in page.read_text()


def _scored(right, n=1000, seconds=None):
    run = {'test_acc': right / n, 'num_test': n,
           'test_outcomes': '1' * right + '0' * (n - right)}
    return {**run, 'seconds': seconds} if seconds else run


RUNS = {'strong': _scored(550, seconds=300.0),
        'flip + crop': _scored(500, seconds=240.0),
        'strong + Cutout (8)': _scored(560, seconds=360.0),
        # A score of strong's network: no training time.
        'strong + flip averaging': _scored(570)}


def test_paired_table_with_minutes(tmp_path):
    # strong is the seed record's flip + crop + color, with an SD of 0.01:
    # changes count beyond 2 * sqrt(2) * 0.01 = 0.028.
    seeds = tmp_path / 'seeds.json'
    seeds.write_text(json.dumps([
        {'recipe': 'flip + crop + color', 'budget': 'cpu',
         'test_acc': 0.5 + (seed - 1) * 0.01} for seed in range(3)]))
    page = tmp_path / 'results.md'
    page.write_text('# Title\n<!-- beyond:start -->\nold\n'
                    '<!-- beyond:end -->\n## After\n')
    record = tmp_path / 'beyond.json'
    d2l.save_runs(str(record), RUNS, d2l.BUDGETS['cpu'], [])
    for _ in range(2):  # Running it again replaces, not appends.
        beyond_table.main(str(record), str(seeds), str(page))
    text = page.read_text()
    assert text.count('<!-- beyond:start -->') == 1 and 'old' not in text
    assert text.endswith('<!-- beyond:end -->\n## After\n')
    spread = d2l.seed_spread(json.loads(seeds.read_text()), 'cpu',
                             'constant', d2l.RECIPE_ALIASES)
    table = d2l.comparison_table(RUNS, 'strong', spread)
    lines = text.splitlines()
    header = lines.index(f'| {" | ".join(table.header)} | minutes |')
    # comparison_table's rows, each with its minutes.
    assert lines[header + 2:header + 6] == [
        f'| {" | ".join(map(str, row))} | {minutes} |'
        for row, minutes in zip(table.rows, ['5.0', '4.0', '6.0', '-'])]
    assert lines[header + 2].startswith(
        '| strong | 0.550 ± 0.016 | strong | +0.000 ± 0.000 |')
    # +0.010 with p = 0.002: McNemar's test sees it, the seeds could do it.
    assert lines[header + 4].endswith(
        '| 10 | 0 | p = 0.002 | ± 0.028 | within the seed spread | 6.0 |')
    assert lines[header + 3].endswith(
        '| 0 | 50 | p < 0.0001 | ± 0.028 | worse | 4.0 |')
    assert 'the 3 training runs took 15.0 minutes in all' in text
    assert 'paired image by image' in text and 'McNemar' in text


def test_old_records_keep_their_table():
    old = {'num_test': 2000, 'runs': {
        'flip': {'test_acc': 0.437, 'seconds': 324.6},
        'strong': {'test_acc': 0.599, 'seconds': 330.1,
                   'flip_averaged_test_acc': 0.612}}}
    assert beyond_table.section(old, 'no seeds.json').splitlines()[3:] == [
        '| flip | 0.437 ± 0.011 | -0.162 ± 0.016 | 5.4 |',
        '| strong | 0.599 ± 0.011 | +0.000 ± 0.015 | 5.5 |',
        '| strong + flip averaging | 0.612 ± 0.011 | +0.013 ± 0.015 | - |',
        '<!-- beyond:end -->']


def test_page_without_markers_is_an_error(tmp_path):
    page = tmp_path / 'results.md'
    page.write_text('# nothing to replace\n')
    with pytest.raises(SystemExit, match='no <!-- beyond:start -->'):
        beyond_table.main(str(ROOT / 'results' / 'beyond.json'),
                          str(ROOT / 'results' / 'seeds.json'), str(page))
    assert page.read_text() == '# nothing to replace\n'
