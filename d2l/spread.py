"""Seed spread: how far another training seed moves a recipe's test
accuracy, read from the seed record that tools/seeds.py writes."""
import json
import math
import os
import statistics

from .recipes import RECIPE_ALIASES
from .notes import fill
from .results import Table


def schedule_of(entry):
    """The learning-rate schedule a run or seed entry used. Records from
    before the choice have none: they used the book's constant rate."""
    return entry.get('lr_schedule', 'constant')


class SeedSpread:
    """Each recipe's standard deviation (SD) of the final test accuracy
    over training seeds, on one budget with one learning-rate schedule.

    `sds` maps the seed record's recipe names to SDs; `aliases` maps a
    run's name to the recipe it is (the companion's 'strong' is the
    chapter's 'flip + crop + color'). `note` says where the SDs come from,
    or why there are none.
    """

    def __init__(self, sds, budget, lr_schedule, note, aliases=None):
        self.sds, self.budget, self.lr_schedule = sds, budget, lr_schedule
        self.note, self.aliases = note, aliases or {}

    def sd(self, name, fallback=None):
        """`name`'s SD; for a recipe without its own, `fallback`'s (the
        recipe it builds on); None if neither has one."""
        sd = self.sds.get(self.aliases.get(name, name))
        if sd is None and fallback is not None:
            sd = self.sds.get(self.aliases.get(fallback, fallback))
        return sd

    def combined(self, name, baseline, fallback=None):
        """The SD of the difference between one run of `name` and one of
        `baseline`: sqrt(sd_run^2 + sd_base^2). A recipe without its own
        SD takes `fallback`'s (default: `baseline`'s). None if unknown."""
        fallback = fallback or baseline
        sds = self.sd(name, fallback), self.sd(baseline, fallback)
        return None if None in sds else math.hypot(*sds)

    def __str__(self):
        return fill(self.note)

    __repr__ = __str__


def seed_groups(entries):
    """The test accuracies of the seed record's `entries`, one list per
    (budget, learning-rate schedule, recipe), in the record's order."""
    groups = {}
    for entry in entries:
        key = entry['budget'], schedule_of(entry), entry['recipe']
        groups.setdefault(key, []).append(entry['test_acc'])
    return groups


def seed_spread(entries, budget, lr_schedule, aliases=None):
    """The `SeedSpread` of the seed record's `entries` (one per recipe
    and seed) on `budget` (a Budget or its name) with `lr_schedule`.

    Entries of another budget or schedule are never used: with none that
    match, every SD is unknown, and the note says what the record has.
    """
    budget = getattr(budget, 'name', budget)
    accs = {recipe: values for (of_budget, of_schedule, recipe), values
            in seed_groups(entries).items()
            if (of_budget, of_schedule) == (budget, lr_schedule)}
    sds = {recipe: statistics.stdev(values)
           for recipe, values in accs.items() if len(values) > 1}
    where = f'the {budget} budget with the {lr_schedule} learning rate'
    if sds:
        seeds = min(len(accs[recipe]) for recipe in sds)
        listed = ', '.join(f'{recipe} {sd:.3f}'
                           for recipe, sd in sds.items())
        note = (f'seed SDs over {seeds} seeds, {budget} budget, '
                f'{lr_schedule} learning rate: {listed}')
    else:
        has = sorted({f'{entry["budget"]}/{schedule_of(entry)}'
                      for entry in entries})
        note = (f'no seed record matched {where} (it has '
                f'{", ".join(has) or "nothing"}): the seed spread is '
                f'unknown')
    if any('lr_schedule' not in entry for entry in entries):
        note += ("; entries without lr_schedule were read as the book's "
                 "constant rate")
    return SeedSpread(sds, budget, lr_schedule, note, aliases)


def load_seed_spread(path, budget, lr_schedule, aliases=None):
    """`seed_spread` of the seed record at `path`; without the file,
    every SD is unknown and the note names `make seeds`."""
    if not os.path.exists(path):
        return SeedSpread({}, getattr(budget, 'name', budget), lr_schedule,
                          f'no seed record at {path} (`make seeds` writes '
                          f'it): the seed spread is unknown', aliases)
    with open(path) as f:
        return seed_spread(json.load(f), budget, lr_schedule, aliases)


def record_spread(record, path, baseline):
    """The seed spread for a record that `d2l.save_runs` wrote: of its
    budget and of the schedule its `baseline` run trained with, from the
    seed record at `path`."""
    return load_seed_spread(path, record['budget'],
                            schedule_of(record['runs'][baseline]),
                            RECIPE_ALIASES)


def seed_table(entries):
    """A table of the seed record's `entries`: per budget, schedule and
    recipe, each seed's test accuracy, their mean and SD."""
    rows = [[budget, lr_schedule, recipe,
             ', '.join(f'{acc:.3f}' for acc in accs),
             f'{statistics.mean(accs):.3f}',
             f'{statistics.stdev(accs):.3f}' if len(accs) > 1 else '-']
            for (budget, lr_schedule, recipe), accs
            in seed_groups(entries).items()]
    return Table(['budget', 'learning rate', 'recipe',
                  'test acc per seed', 'mean', 'SD'], rows, 'lllrrr')
