"""Draw the seed record's figure and write its table into a page.

    python tools/seeds_table.py SEEDS.json FIGURE.png PAGE.md

SEEDS.json is what `make seeds` writes (tools/seeds.py). The figure
shows every run's test accuracy and each recipe's mean and standard
deviation, a panel per learning-rate schedule; the table
(`d2l.seed_table`), with the budget and hardware that produced it,
replaces the text between the `<!-- seeds:start -->` and
`<!-- seeds:end -->` markers in PAGE.md (`make figures`:
docs/results.md), with the figure linked from there.
"""
import statistics
import sys
import textwrap

import matplotlib
matplotlib.use('Agg')

import d2l  # noqa: E402 (after choosing the non-interactive backend)
from generated_section import link_from, replace_section  # noqa: E402

START, END = '<!-- seeds:start -->', '<!-- seeds:end -->'


def plot_seeds(runs, title):
    """Each run's test accuracy as a point, each recipe's mean +- SD; a
    panel per learning-rate schedule, side by side on one scale."""
    schedules = list(dict.fromkeys(map(d2l.schedule_of, runs)))
    recipes = list(dict.fromkeys(run['recipe'] for run in runs))
    fig, axes = d2l.plt.subplots(1, len(schedules), sharey=True,
                                 figsize=(4.5 * len(schedules), 3.5),
                                 squeeze=False)
    for ax, lr_schedule in zip(axes[0], schedules):
        for i, recipe in enumerate(recipes):
            accs = [run['test_acc'] for run in runs
                    if run['recipe'] == recipe
                    and d2l.schedule_of(run) == lr_schedule]
            ax.plot([i] * len(accs), accs, 'o', color='C0', alpha=0.6,
                    label='one seed' if i == 0 else None)
            if len(accs) < 2:  # No spread to show.
                continue
            ax.errorbar(i + 0.15, statistics.mean(accs),
                        yerr=statistics.stdev(accs), fmt='s', color='C1',
                        capsize=4, label='mean ± 1 SD' if i == 0 else None)
        ax.set_xticks(range(len(recipes)))
        ax.set_xticklabels([textwrap.fill(r, 12) for r in recipes],
                           fontsize='small')
        ax.set_xlim(-0.5, len(recipes) - 0.5)
        ax.set_title(f'{lr_schedule} learning rate', fontsize='small')
        ax.grid(True, axis='y')
    axes[0][0].set_ylabel('test accuracy')
    axes[0][0].legend(fontsize='small')
    # The budget line is long: wrapped, it fits the figure's width.
    fig.suptitle('\n'.join(textwrap.fill(line, 50 * len(schedules))
                           for line in title.splitlines()),
                 fontsize='small')
    fig.tight_layout()
    return fig


def section(runs, figure_link):
    """The page's text between the markers, for the seed record, with
    the figure at `figure_link` (relative to the page)."""
    minutes = sum(run['seconds'] for run in runs) / 60
    return (f'{START}\nMeasured with the {runs[0]["budget_detail"]}; '
            f'{runs[0]["hardware"]}; devices {runs[0]["devices"]}. Each '
            f'test accuracy is on {runs[0]["num_test"]:,} test images; '
            f'the {len(runs)} runs took {minutes:.1f} minutes of training '
            f'and testing in all.\n\n{d2l.seed_table(runs)}\n\n'
            f'![Seed spread]({figure_link})\n{END}')


def main(record_path, figure_path, page_path):
    runs = d2l.load_runs(record_path)
    fig = plot_seeds(runs, f'{runs[0]["budget_detail"]}\n'
                           f'{runs[0]["hardware"]}')
    fig.savefig(figure_path, dpi=150, metadata={'Software': None})
    replace_section(page_path, START, END,
                    section(runs, link_from(page_path, figure_path)))
    print(f'wrote {figure_path} and the seed table in {page_path}')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
