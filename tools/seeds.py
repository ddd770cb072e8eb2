"""Train the chapter's three recipes from several seeds: the spread.

    python tools/seeds.py [NUM_SEEDS] [RECORD.json]

One seed is one run; its test accuracy moves from seed to seed by an
amount that a single run cannot show. Each recipe of
`d2l.chapter_recipes` is trained from seeds 0, 1, ... (3 unless told),
which set the initialization, the data order and the augmentation's
draws, under each learning-rate schedule of `d2l.LR_SCHEDULES` (the
chapter's cosine decay and the book's constant rate), on the budget that
$D2L_BUDGET names (cpu if unset). RECORD.json (default
results/seeds.json) gets one entry per run, with its `lr_schedule`, when
all have run (RECORD.json.partial holds those done so far);
tools/seeds_table.py draws its figure and README table.
"""
import json
import os
import sys

import d2l


def save(runs, path):
    """Write `runs` to `path` whole: a reader never sees half a file."""
    with open(f'{path}.tmp', 'w') as f:
        json.dump(runs, f, indent=1)
    os.replace(f'{path}.tmp', path)


def train_seeds(budget, seeds, partial_path):
    """One entry per schedule, recipe and seed, in that order; the runs
    so far are kept in `partial_path` after each, so that a stopped
    `make seeds` loses only the run under way."""
    devices = d2l.try_all_gpus()
    hardware = d2l.describe_hardware(devices)
    runs = []
    for lr_schedule in d2l.LR_SCHEDULES:
        for recipe, augs in d2l.chapter_recipes().items():
            for seed in seeds:
                timer = d2l.Timer()
                run, _, _ = d2l.train_recipe(augs, budget, seed=seed,
                                          devices=devices,
                                          lr_schedule=lr_schedule)
                runs.append({
                    'recipe': recipe, 'seed': seed,
                    'lr_schedule': lr_schedule,
                    'test_acc': run['test_acc'],
                    'num_test': run['num_test'],
                    'clean_train_acc': run['clean_train_acc'],
                    'epoch_train_acc': run['epoch_train_acc'],
                    'epoch_train_loss': run['train_loss'],
                    'test_acc_history': [h['test_acc']
                                         for h in run['history']],
                    'budget': budget.name, 'budget_detail': str(budget),
                    'hardware': hardware, 'devices': str(devices),
                    'seconds': timer.stop(),
                    'test_outcomes': run['test_outcomes']})
                save(runs, partial_path)
    return runs


def main(num_seeds=3, record_path='results/seeds.json'):
    if int(num_seeds) < 2:
        sys.exit(f'seeds.py: a spread needs 2 seeds or more, not '
                 f'{num_seeds}')
    os.environ.setdefault('D2L_BUDGET', 'cpu')
    budget = d2l.get_budget()
    timer = d2l.Timer()
    os.makedirs(os.path.dirname(record_path) or '.', exist_ok=True)
    partial_path = f'{record_path}.partial'
    runs = train_seeds(budget, range(int(num_seeds)), partial_path)
    save(runs, record_path)
    os.remove(partial_path)
    print(d2l.seed_table(runs))
    print(f'{len(runs)} runs in {timer.stop() / 60:.1f} minutes; wrote '
          f'{record_path}')


if __name__ == '__main__':
    if len(sys.argv) > 3 or sys.argv[1:2] and not sys.argv[1].isdigit():
        sys.exit(__doc__)
    main(*sys.argv[1:])
