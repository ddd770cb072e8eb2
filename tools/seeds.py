"""Train the chapter's three recipes from several seeds: the spread.

    python tools/seeds.py [NUM_SEEDS] [RECORD.json] [FIGURE.png]

One seed is one run; its test accuracy moves from seed to seed by an
amount that a single run cannot show. Each recipe of
`d2l.chapter_recipes` is trained from seeds 0, 1, ... (3 unless told),
which set the initialization, the data order and the augmentation's
draws, on the budget that $D2L_BUDGET names (cpu if unset). RECORD.json
(default results/seeds.json) gets one entry per run; FIGURE.png (default
img/seeds.png) shows every run's test accuracy and each recipe's mean
and standard deviation.
"""
import json
import os
import statistics
import sys
import textwrap

import matplotlib
matplotlib.use('Agg')

import d2l  # noqa: E402 (after choosing the non-interactive backend)


def train_seeds(budget, seeds):
    """One entry per recipe and seed, in that order."""
    devices = d2l.try_all_gpus()
    hardware = d2l.describe_hardware(devices)
    runs = []
    for recipe, augs in d2l.chapter_recipes().items():
        for seed in seeds:
            timer = d2l.Timer()
            run, _, _ = d2l.train_recipe(augs, budget, seed=seed,
                                      devices=devices)
            runs.append({
                'recipe': recipe, 'seed': seed,
                'test_acc': run['test_acc'], 'num_test': run['num_test'],
                'clean_train_acc': run['clean_train_acc'],
                'epoch_train_acc': run['epoch_train_acc'],
                'epoch_train_loss': run['train_loss'],
                'budget': budget.name, 'budget_detail': str(budget),
                'hardware': hardware, 'devices': str(devices),
                'seconds': timer.stop(),
                'test_outcomes': run['test_outcomes']})
    return runs


def plot_seeds(runs, title):
    """Each run's test accuracy as a point, each recipe's mean +- SD."""
    recipes = list(dict.fromkeys(run['recipe'] for run in runs))
    fig, ax = d2l.plt.subplots(figsize=(6, 3))
    for i, recipe in enumerate(recipes):
        accs = [run['test_acc'] for run in runs if run['recipe'] == recipe]
        ax.plot([i] * len(accs), accs, 'o', color='C0', alpha=0.6,
                label='one seed' if i == 0 else None)
        ax.errorbar(i + 0.15, statistics.mean(accs),
                    yerr=statistics.stdev(accs), fmt='s', color='C1',
                    capsize=4, label='mean ± 1 SD' if i == 0 else None)
    ax.set_xticks(range(len(recipes)))
    ax.set_xticklabels(recipes)
    ax.set_xlim(-0.5, len(recipes) - 0.5)
    ax.set_ylabel('test accuracy')
    # The budget line is long: wrapped, it fits the figure's width.
    ax.set_title('\n'.join(textwrap.fill(line, 75)
                           for line in title.splitlines()),
                 fontsize='small')
    ax.grid(True, axis='y')
    ax.legend(fontsize='small')
    fig.tight_layout()
    return fig


def main(num_seeds=3, record_path='results/seeds.json',
         figure_path='img/seeds.png'):
    if int(num_seeds) < 2:
        sys.exit(f'seeds.py: a spread needs 2 seeds or more, not '
                 f'{num_seeds}')
    os.environ.setdefault('D2L_BUDGET', 'cpu')
    budget = d2l.get_budget()
    runs = train_seeds(budget, range(int(num_seeds)))
    for path in (record_path, figure_path):
        os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    with open(record_path, 'w') as f:
        json.dump(runs, f, indent=1)
    fig = plot_seeds(runs, f'{budget}\n{runs[0]["hardware"]}')
    fig.savefig(figure_path, dpi=150, metadata={'Software': None})
    for recipe in d2l.chapter_recipes():
        accs = [run['test_acc'] for run in runs if run['recipe'] == recipe]
        print(f'{recipe}: test accuracy {statistics.mean(accs):.3f} ± '
              f'{statistics.stdev(accs):.3f} (mean ± SD, {len(accs)} '
              f'seeds)')
    print(f'wrote {record_path} and {figure_path}')


if __name__ == '__main__':
    if len(sys.argv) > 4 or sys.argv[1:2] and not sys.argv[1].isdigit():
        sys.exit(__doc__)
    main(*sys.argv[1:])
