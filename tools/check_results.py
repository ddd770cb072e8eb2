"""Check a fresh run's record against the committed one of its budget.

    python tools/check_results.py [FRESH.json] [--beyond]
        [--committed RECORD.json] [--seeds SEEDS.json] [--require-gpu]
        [--flip-range LOW HIGH]

FRESH.json (default _build/exercise1.json, what `make run` writes; with
--beyond _build/beyond.json from `make run-beyond`) is compared with the
committed record (results/exercise1.json, or results/beyond.json). Both
must be of the same budget and learning-rate schedule. The checks:

- each recipe's test accuracy lies within a tolerance of the committed
  one (see `tolerance`);
- each recipe's verdict against the baseline ('no augmentation'; with
  --beyond 'strong'), from `d2l.paired_comparison` with the seed spread
  of the record's budget and learning-rate schedule, is the same;
- for the chapter, each recipe's clean train - test gap moves the same
  way against the baseline's (narrowed or not);
- --require-gpu: the fresh record's devices include a GPU (the full
  budget did not fall back to the CPU);
- --flip-range LOW HIGH: the 'flip' recipe's test accuracy lies in
  [LOW, HIGH] (the book's range over 60 builds on two V100s: 0.79 to
  0.86).

Records from before `d2l.score_final` (no per-image test outcomes, no
clean training accuracy) are compared by their test accuracies only;
the output says which checks were left out and why.

Prints one row per check and exits 1 naming each failed check, 2 (one
error) when a record is missing or the budgets differ, and 0 when every
check passed. When the budgets differ (no record of the fresh run's
budget is committed, e.g. the full budget's) and --require-gpu or
--flip-range is given, those checks alone decide, and the output says
so.
"""
import argparse
import math
import os
import re
import statistics
import sys

import d2l
from d2l.results import _train_acc  # The gap's one definition.

# Three standard deviations of the difference: see `tolerance`.
NUM_SD = 3
KINDS = {
    'chapter': {'fresh': '_build/exercise1.json', 'make': 'make run',
                'committed': 'results/exercise1.json',
                'record': 'make record', 'baseline': 'no augmentation',
                'gap': True},
    'beyond': {'fresh': '_build/beyond.json', 'make': 'make run-beyond',
               'committed': 'results/beyond.json',
               'record': 'make record-beyond', 'baseline': 'strong',
               'gap': False}}


class Refusal(Exception):
    """A comparison that cannot be made: one error, exit status 2."""


def load(path, how):
    """The record at `path`; `how` names what writes it."""
    if not os.path.exists(path):
        raise Refusal(f'no record {path}: {how} writes it')
    return d2l.load_runs(path)


def seed_spread(seeds, record, notes):
    """The `d2l.SeedSpread` of `record`'s budget and learning-rate
    schedule, and the SD that recipes without one use for their
    tolerance. Verdicts use only the spread of the same budget and
    schedule; when the seed record has none, the tolerance falls back to
    its largest SD of any budget or schedule, and `notes` say so.
    """
    lr_schedule = d2l.schedule_of(next(iter(record['runs'].values())))
    spread = d2l.seed_spread(seeds, record['budget'], lr_schedule,
                             d2l.RECIPE_ALIASES)
    notes.append(spread.note)
    if spread.sds:
        return spread, max(spread.sds.values())
    sds = [statistics.stdev(values)
           for values in d2l.seed_groups(seeds).values() if len(values) > 1]
    if not sds:
        raise Refusal('the seed record has no recipe with two seeds or '
                      'more: `make seeds` writes one')
    largest = max(sds)
    notes.append(f'no seed spread for the {record["budget"]} budget and '
                 f'{lr_schedule} schedule: every tolerance uses the '
                 f'largest SD in the seed record, {largest:.3f}, and the '
                 f'verdicts see the seed spread as unknown')
    return spread, largest


def tolerance(sd, fresh_acc, fresh_n, committed_acc, committed_n):
    """How far two runs of one recipe may differ in test accuracy:

        tol = NUM_SD * sqrt(2 * sd**2 + se_fresh**2 + se_committed**2)
        se = sqrt(acc * (1 - acc) / n)   (d2l.standard_error)

    Under the hypothesis that nothing but the seed (or the hardware's
    rounding, which acts like another seed) differs, fresh - committed is
    the difference of two independent runs: the seed contributes
    2 * sd**2, with `sd` the recipe's spread over seeds (tools/seeds.py).
    Each accuracy is also measured on a sample of `n` test images, whose
    binomial variance adds se**2 apiece. On the same 10,000 images the
    seed spread already holds much of that sampling error, so the sum
    errs towards a wider tolerance, on purpose: an SD from three seeds is
    itself uncertain (it can be half the true one), and the binomial
    terms keep a floor under it. They are needed in full when the records
    were scored on different test images (older records: the first
    2,000). NUM_SD = 3: a difference beyond three standard deviations
    would arise by chance 0.3% of the time if the SD were exact; this
    checks that a recipe still behaves as recorded, not small changes
    (the verdict checks catch a recipe that stopped working).
    """
    variance = (2 * sd ** 2 + d2l.standard_error(fresh_acc, fresh_n) ** 2
                + d2l.standard_error(committed_acc, committed_n) ** 2)
    return NUM_SD * math.sqrt(variance)


def num_test(run, record):
    """The number of test images a run was scored on."""
    return run.get('num_test', record['num_test'])


def verdict(runs, name, baseline, spread):
    """Paired verdict of `runs[name]` against `runs[baseline]` with the
    seed spread (d2l.paired_comparison)."""
    return d2l.paired_comparison(
        runs[name], runs[baseline],
        spread.combined(name, baseline))['verdict']


def gap_direction(run, base):
    """Whether `run`'s train - test gap is narrower than `base`'s."""
    gap = _train_acc(run)[0] - run['test_acc']
    base_gap = _train_acc(base)[0] - base['test_acc']
    return 'narrowed' if gap < base_gap else 'did not narrow'


def has_outcomes(record):
    """Whether every run was scored image by image (d2l.score_test)."""
    return all('test_outcomes' in run for run in record['runs'].values())


def compare(fresh, committed, seeds, kind, notes):
    """The rows [check, committed, fresh, difference, tolerance, ok]
    comparing two records of one budget; `notes` gets what was left out.
    """
    rows = []
    spread, largest = seed_spread(seeds, fresh, notes)
    baseline = KINDS[kind]['baseline']
    old = not has_outcomes(committed)
    ours, theirs = fresh['runs'], committed['runs']
    estimated = []
    for name, run in theirs.items():
        if name not in ours:
            if old:
                notes.append(f'{name!r} is only in the committed record, '
                             f'which predates the current recipes')
            else:
                rows.append([f'test acc: {name}', f'{run["test_acc"]:.3f}',
                             'missing', '', '', False])
            continue
        # A recipe without its own SD takes its baseline's.
        sd = spread.sd(name, baseline)
        if sd is None:
            sd = largest
            estimated.append(name)
        tol = tolerance(sd, ours[name]['test_acc'],
                        num_test(ours[name], fresh), run['test_acc'],
                        num_test(run, committed))
        diff = ours[name]['test_acc'] - run['test_acc']
        rows.append([f'test acc: {name}', f'{run["test_acc"]:.3f}',
                     f'{ours[name]["test_acc"]:.3f}', f'{diff:+.3f}',
                     f'± {tol:.3f}', abs(diff) <= tol])
    for name in ours:
        if name not in theirs:
            notes.append(f'{name!r} is new: the committed record has no '
                         f'such recipe to compare with')
    if estimated and spread.sds:
        notes.append(f'no seed spread for {", ".join(estimated)} nor '
                     f'{baseline}: their tolerance uses the largest SD '
                     f'there, {largest:.3f}')
    rows += compare_verdicts(fresh, committed, kind, spread, notes)
    return rows


def compare_verdicts(fresh, committed, kind, spread, notes):
    """Rows comparing each recipe's verdict with the seed `spread` (and,
    for the chapter, its gap's direction) against the baseline, where
    both records allow."""
    baseline = KINDS[kind]['baseline']
    ours, theirs = fresh['runs'], committed['runs']
    if baseline not in ours or baseline not in theirs:
        notes.append(f'verdicts not compared: both records need the '
                     f'baseline {baseline!r}')
        return []
    names = [name for name in theirs if name in ours and name != baseline]
    rows = []
    if has_outcomes(fresh) and has_outcomes(committed):
        for name in names:
            before = verdict(theirs, name, baseline, spread)
            after = verdict(ours, name, baseline, spread)
            rows.append([f'verdict: {name} vs {baseline}', before, after,
                         '', 'the same', before == after])
    else:
        # Unpaired verdicts on other test images would differ in power,
        # not in what the recipes do: no comparison beats a false one.
        old = [which for which, record in (('fresh', fresh),
                                           ('committed', committed))
               if not has_outcomes(record)]
        has = 'records have' if len(old) > 1 else 'record has'
        notes.append(f'verdicts not compared: the {" and ".join(old)} '
                     f'{has} no per-image test outcomes (recorded '
                     f'before d2l.score_final); record a new run with '
                     f'`{KINDS[kind]["record"]}`')
    if not KINDS[kind]['gap']:
        return rows
    labels = {_train_acc(run)[1] for record in (fresh, committed)
              for run in record['runs'].values()}
    if len(labels) > 1:
        notes.append('gap directions not compared: one record has only '
                     'the epoch training accuracy on augmented images, '
                     'the other the clean one')
        return rows
    label = labels.pop()
    for name in names:
        before = gap_direction(theirs[name], theirs[baseline])
        after = gap_direction(ours[name], ours[baseline])
        rows.append([f'{label} - test gap: {name} vs {baseline}', before,
                     after, '', 'the same', before == after])
    return rows


def absolute_checks(fresh, require_gpu, flip_range):
    """Rows for the checks on the fresh record alone."""
    rows = []
    if require_gpu:
        devices = fresh['devices']
        rows.append(['devices include a GPU', '', devices, '', 'gpu(...)',
                     re.search(r'\bgpu\(', devices) is not None])
    if flip_range:
        low, high = flip_range
        run = fresh['runs'].get('flip')
        acc = f'{run["test_acc"]:.3f}' if run else 'missing'
        rows.append(['flip test acc in range', '', acc, '',
                     f'[{low:.2f}, {high:.2f}]',
                     run is not None and low <= run['test_acc'] <= high])
    return rows


def print_table(rows):
    """Print the checks' rows, their last cell (passed?) as ok or FAIL."""
    print(d2l.Table(['check', 'committed', 'fresh', 'difference',
                     'tolerance', 'ok'],
                    [[*row[:-1], 'ok' if row[-1] else 'FAIL']
                     for row in rows], 'lllrrl'))


def report(failed, total):
    """Exit status 1 naming each failed check, or 0 if none failed."""
    if failed:
        print(f'check_results: {len(failed)} of {total} checks failed: '
              f'{"; ".join(row[0] for row in failed)}', file=sys.stderr)
        return 1
    print(f'all {total} checks passed')
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Compare a fresh record with the committed one.')
    parser.add_argument('fresh', nargs='?', help='the fresh record')
    parser.add_argument('--beyond', action='store_true',
                        help="the companion's records (baseline strong)")
    parser.add_argument('--committed', help='the committed record')
    parser.add_argument('--seeds', default='results/seeds.json',
                        help='the seed spread (tools/seeds.py)')
    parser.add_argument('--require-gpu', action='store_true',
                        help="fail unless the fresh run's devices have a "
                             'GPU')
    parser.add_argument('--flip-range', nargs=2, type=float,
                        metavar=('LOW', 'HIGH'),
                        help="fail unless flip's test accuracy is in "
                             '[LOW, HIGH]')
    args = parser.parse_args(argv)
    kind = 'beyond' if args.beyond else 'chapter'
    paths = KINDS[kind]
    fresh_path = args.fresh or paths['fresh']
    committed_path = args.committed or paths['committed']
    try:
        fresh = load(fresh_path, f'`{paths["make"]}`')
        committed = load(committed_path, f'`{paths["record"]}`')
        seeds = load(args.seeds, '`make seeds`')
    except Refusal as refusal:
        print(f'check_results: {refusal}', file=sys.stderr)
        return 2
    alone = absolute_checks(fresh, args.require_gpu, args.flip_range)
    schedules = [d2l.schedule_of(next(iter(record['runs'].values()), {}))
                 for record in (fresh, committed)]
    message = None
    if fresh['budget'] != committed['budget']:
        message = (f'{fresh_path} is of the {fresh["budget"]} budget, '
                   f'{committed_path} of the {committed["budget"]}: only '
                   f'runs of one budget compare (D2L_BUDGET='
                   f'{committed["budget"]} `{paths["make"]}`, or commit a '
                   f'{fresh["budget"]}-budget record with '
                   f'`{paths["record"]}`)')
    elif schedules[0] != schedules[1]:
        message = (f'{fresh_path} trained with the {schedules[0]} '
                   f'learning rate, {committed_path} with the '
                   f'{schedules[1]}: only runs of one schedule compare '
                   f'(commit a {schedules[0]} record with '
                   f'`{paths["record"]}`)')
    if message:
        if not alone:
            print(f'check_results: {message}', file=sys.stderr)
            return 2
        # No record of this budget (the full budget's, until a GPU run is
        # recorded) or schedule is committed: the checks on the fresh
        # record decide.
        print(f'{fresh_path} alone; note: {message}')
        print_table(alone)
        return report([row for row in alone if not row[-1]], len(alone))
    notes = []
    try:
        rows = compare(fresh, committed, seeds, kind, notes) + alone
    except Refusal as refusal:
        print(f'check_results: {refusal}', file=sys.stderr)
        return 2
    print(f'{fresh_path} against {committed_path} ({fresh["budget"]} '
          f'budget; tolerance {NUM_SD} SD of the difference, see '
          f'tools/check_results.py)')
    if fresh['budget_detail'] != committed['budget_detail']:
        notes.append(f'the budgets differ in detail: committed '
                     f'"{committed["budget_detail"]}", fresh '
                     f'"{fresh["budget_detail"]}"')
    print_table(rows)
    for note in notes:
        print(f'note: {note}')
    return report([row for row in rows if not row[-1]], len(rows))

if __name__ == '__main__':
    sys.exit(main())
