"""Draw Exercise 1's figure and table from a recorded run.

    python tools/exercise_figures.py RECORD.json SEEDS.json FIGURE.png \
        PAGE.md

RECORD.json is what the chapter's Exercise 1 writes (see `make record`);
SEEDS.json the seed record (`make seeds`), whose spread the verdicts
allow for. The figure is saved as FIGURE.png; the table, with the budget
and hardware that produced it, replaces the text between the
`<!-- exercise1:start -->` and `<!-- exercise1:end -->` markers in
PAGE.md (`make figures`: README.md), with the figure linked from there.
"""
import sys
import textwrap

import matplotlib
matplotlib.use('Agg')

import d2l  # noqa: E402 (after choosing the non-interactive backend)
from generated_section import link_from, replace_section  # noqa: E402

START, END = '<!-- exercise1:start -->', '<!-- exercise1:end -->'


BASELINE = 'no augmentation'


def main(record_path, seeds_path, figure_path, page_path):
    record = d2l.load_runs(record_path)
    spread = d2l.record_spread(record, seeds_path, BASELINE)
    caption = (f'{record["budget_detail"]}; {record["hardware"]}; '
               f'devices {record["devices"]}')
    runs, num_test = record['runs'], record['num_test']
    # Records before the whole test set drew the curve on num_test images.
    # Lines short enough for the figure, breaking after the budget.
    title = '\n'.join(textwrap.fill(part, 70)
                      for part in caption.split('; ', 1))
    fig = d2l.plot_accuracy_curves(runs,
                                   record.get('num_curve_test', num_test),
                                   title=title)
    fig.savefig(figure_path, dpi=150, bbox_inches='tight',
                metadata={'Software': None})
    table = d2l.results_table(runs, num_test)
    verdicts = d2l.compare_with_baseline(runs, BASELINE, num_test, spread)
    minutes = sum(run['seconds'] for run in runs.values()) / 60
    section = (f'{START}\nMeasured with the {caption}. Test accuracies '
               f'carry their binomial standard error on {num_test:,} test '
               f'images; the {len(runs)} runs took {minutes:.1f} minutes '
               f'of training and testing in all.\n\n{table}\n\n'
               f'What this run says about the claim that augmentation '
               f'mitigates overfitting (`d2l.compare_with_baseline`; '
               f'{spread.note}):\n\n```\n{verdicts}\n```\n\n'
               f'![Exercise 1]({link_from(page_path, figure_path)})'
               f'\n{END}')
    replace_section(page_path, START, END, section)
    print(f'wrote {figure_path} and the table in {page_path}')


if __name__ == '__main__':
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
