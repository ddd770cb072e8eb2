"""Write the companion's results table into a page from its record.

    python tools/beyond_table.py RECORD.json SEEDS.json PAGE.md

RECORD.json is what the companion notebook writes (see `make
record-beyond`); SEEDS.json the seed record (`make seeds`). The table
replaces the text between the `<!-- beyond:start -->` and
`<!-- beyond:end -->` markers in PAGE.md (`make figures`:
docs/results.md). Runs with per-image test outcomes are compared with
'strong' paired (`d2l.comparison_table`: change ± paired SE, McNemar's
test, the seed spread's bound, verdict); older records, which have
none, keep the table they had: the change with the standard error of
two independent accuracies (`d2l.accuracy_change`).
"""
import sys

import d2l
from generated_section import replace_section

START, END = '<!-- beyond:start -->', '<!-- beyond:end -->'
BASELINE = 'strong'


def minutes(run):
    """A run's training and testing time; '-' for a score of another
    run's network (flip averaging), which trained nothing."""
    return f'{run["seconds"] / 60:.1f}' if 'seconds' in run else '-'


def with_flip_averaging(runs):
    """`runs`, where an older record's flip-averaged accuracy (a field of
    the run it re-evaluated) becomes an entry of its own, last."""
    entries = dict(runs)
    for name, run in runs.items():
        if 'flip_averaged_test_acc' in run:
            entries[f'{name} + flip averaging'] = {
                'test_acc': run['flip_averaged_test_acc']}
    return entries


def paired_section(record, spread):
    """The caption and paired table of a record with test outcomes."""
    runs = record['runs']
    table = d2l.comparison_table(runs, BASELINE, spread)
    # The same table with one more column: each run's minutes.
    table = d2l.Table([*table.header, 'minutes'],
                      [[*row, minutes(run)] for row, run in
                       zip(table.rows, runs.values())],
                      table.align + 'r')
    total = sum(run.get('seconds', 0) for run in runs.values()) / 60
    trained = sum('seconds' in run for run in runs.values())
    return (f'Measured with the {record["budget_detail"]}; '
            f'{record["hardware"]}; devices {record["devices"]}. Test '
            f'accuracies carry their binomial standard error on '
            f'{record["num_test"]:,} test images; "change" is the change '
            f'from the run it is compared with ({BASELINE}; for flip '
            f'averaging, the same network without it), paired image by '
            f'image, with its paired standard error; it counts if '
            f"McNemar's exact test gives p < {d2l.ALPHA} and it exceeds "
            f'the seed bound, {d2l.SEED_SDS} '
            f'SD of what another seed changes ({spread.note}); the '
            f'{trained} training runs took {total:.1f} minutes in '
            f'all.\n\n{table}')


def unpaired_table(record):
    """The table of an older record, without test outcomes."""
    runs, num_test = record['runs'], record['num_test']
    rows = []
    for name, run in with_flip_averaging(runs).items():
        acc = run['test_acc']
        change, se = d2l.accuracy_change(run, runs[BASELINE], num_test)
        rows.append([name,
                     f'{acc:.3f} ± {d2l.standard_error(acc, num_test):.3f}',
                     f'{change:+.3f} ± {se:.3f}', minutes(run)])
    return d2l.Table(['recipe', 'test acc', f'vs. {BASELINE}', 'minutes'],
                     rows, 'lrrr')


def section(record, seeds_path):
    """The page's text between the markers, for `record`."""
    paired = all('test_outcomes' in run for run in record['runs'].values())
    body = (paired_section(record, d2l.record_spread(record, seeds_path,
                                                     BASELINE))
            if paired else str(unpaired_table(record)))
    return f'{START}\n{body}\n{END}'


def main(record_path, seeds_path, page_path):
    record = d2l.load_runs(record_path)
    replace_section(page_path, START, END, section(record, seeds_path))
    print(f"wrote the companion's table in {page_path}")


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
