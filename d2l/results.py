"""Results: recording training runs and comparing them in a table and plot."""
import html
import json
import math
import os
import platform
import subprocess

from matplotlib.ticker import MaxNLocator

from .devices import gpu_bus_id, pci_bus_id
from .notes import fill
from .plotting import plt


def describe_hardware(devices):
    """One line naming the CPU, or the GPUs among `devices`."""
    gpus = [d for d in devices if d.device_type == 'gpu']
    if gpus:
        # nvidia-smi lists every GPU; MXNet's gpu(i) is the i-th that
        # CUDA_VISIBLE_DEVICES leaves: the PCI bus id matches them up.
        try:
            rows = subprocess.run(
                ['nvidia-smi', '--query-gpu=pci.bus_id,name',
                 '--format=csv,noheader'], capture_output=True, text=True,
                check=True).stdout.strip().splitlines()
            names = {pci_bus_id(bus): name.strip()
                     for bus, name in (row.split(',', 1) for row in rows)}
            return ', '.join(names[gpu_bus_id(d.device_id)] for d in gpus)
        except (OSError, subprocess.CalledProcessError, KeyError,
                ValueError):
            return f'{len(gpus)} GPU(s)'
    model = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            model = next(line.split(':', 1)[1].strip() for line in f
                         if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    threads = os.environ.get('OMP_NUM_THREADS', 'default')
    return (f'{model}, {os.cpu_count()} cores (CPU), OMP_NUM_THREADS '
            f'{threads}')


def standard_error(accuracy, n):
    """Binomial standard error of an accuracy measured on `n` examples."""
    if n < 1:
        raise ValueError(f'standard_error: n must be at least 1, got {n}.')
    return math.sqrt(accuracy * (1 - accuracy) / n)


def save_runs(path, runs, budget, devices):
    """Write `runs` ({recipe: train_ch12 result}) with how they were made.

    The record carries the id of the `make run` that wrote it, if any
    (D2L_RUN_ID, from tools/run_notebook.py), for `make record` to match.
    """
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    record = {'run_id': os.environ.get('D2L_RUN_ID'),
              'budget': budget.name, 'budget_detail': str(budget),
              'num_test': budget.num_test,
              'num_curve_test': budget.num_curve_test,
              'hardware': describe_hardware(devices),
              'devices': str(devices), 'runs': runs}
    with open(path, 'w') as f:
        json.dump(record, f, indent=1)
    return record


def load_runs(path):
    """Read a record written by `save_runs`."""
    with open(path) as f:
        return json.load(f)


class Table:
    """A table that notebooks render as one: HTML in Jupyter, JupyterLab
    and nbconvert's pages, Markdown as text (print, str, a README).

    `align` holds 'l' or 'r' per column.
    """

    def __init__(self, header, rows, align):
        self.header, self.rows, self.align = header, rows, align

    def __str__(self):
        rule = ['---' if a == 'l' else '---:' for a in self.align]
        return '\n'.join(f'| {" | ".join(map(str, row))} |'
                         for row in [self.header, rule, *self.rows])

    __repr__ = _repr_markdown_ = __str__

    def _repr_html_(self):
        def row(cells, tag):
            return '<tr>' + ''.join(
                f'<{tag} style="text-align: '
                f'{"left" if a == "l" else "right"}">'
                f'{html.escape(str(cell))}</{tag}>'
                for cell, a in zip(cells, self.align)) + '</tr>'
        body = '\n'.join(row(r, 'td') for r in self.rows)
        return (f'<table>\n<thead>{row(self.header, "th")}</thead>\n'
                f'<tbody>\n{body}\n</tbody>\n</table>')


def _train_acc(run):
    """The training accuracy a gap uses, and its label.

    Records from `d2l.score_final` have the clean one (evaluation mode,
    un-augmented images); older records only train_ch12's epoch average.
    """
    if 'clean_train_acc' in run:
        return run['clean_train_acc'], 'clean train'
    return run['train_acc'], 'epoch train'


def results_table(runs, num_test=None):
    """A table of each run's final accuracies and their gap.

    Test accuracies carry their standard error on the run's `num_test`
    images (recorded by `d2l.score_final`; else the argument). Runs
    scored by `d2l.score_final` show both training accuracies: clean
    (evaluation mode, un-augmented images), which the gap uses, and the
    epoch average on augmented images.
    """
    clean = all('clean_train_acc' in run for run in runs.values())
    header = (['recipe', 'clean train acc', 'epoch train acc (augmented)',
               'test acc', 'clean train - test'] if clean else
              ['recipe', 'train acc', 'test acc', 'train - test'])
    header += ['examples/sec', 'seconds']
    rows = []
    for name, run in runs.items():
        # The first is the one the gap uses.
        accs = ([run['clean_train_acc'], run['epoch_train_acc']] if clean
                else [run['train_acc']])
        test_acc = run['test_acc']
        se = standard_error(test_acc, run.get('num_test', num_test))
        rows.append([name, *(f'{acc:.3f}' for acc in accs),
                     f'{test_acc:.3f} ± {se:.3f}',
                     f'{accs[0] - test_acc:+.3f}',
                     f'{run["examples_per_sec"]:.1f}',
                     f'{run["seconds"]:.1f}'])
    return Table(header, rows, 'l' + 'r' * (len(header) - 1))


def accuracy_change(run, baseline, num_test):
    """The change in test accuracy from `baseline` to `run`, and its
    standard error, both measured on `num_test` images.

    The error treats the two accuracies as independent; measured on the
    same images they are positively correlated, so it errs on the side of
    caution. `paired_comparison` uses the pairing instead.
    """
    change = run['test_acc'] - baseline['test_acc']
    se = math.hypot(standard_error(run['test_acc'], num_test),
                    standard_error(baseline['test_acc'], num_test))
    return change, se


# A difference counts when McNemar's test gives p below this ...
ALPHA = 0.05
# ... and is larger than this many SDs of the difference that another
# training seed makes (d2l.SeedSpread.combined).
SEED_SDS = 2


def mcnemar_p(b, c):
    """Two-sided p-value of McNemar's exact test.

    `b` and `c` count the images only one of two models gets right; if
    both were equally good, b would follow Binomial(b + c, 1/2). Exact
    integer sums, no SciPy needed.
    """
    n = b + c
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2 ** n)


def seed_verdict(change, p, seed_sd):
    """The verdict on a change in test accuracy with McNemar's `p`:

    - 'no detectable difference': p >= ALPHA, the test images cannot
      tell the two apart;
    - 'within the seed spread': p < ALPHA, but |change| is at most
      SEED_SDS * `seed_sd`, the SD of the difference between two runs
      that another training seed makes (see `d2l.SeedSpread.combined`):
      another pair of seeds could give the opposite;
    - 'better' or 'worse': beyond both;
    - 'better (seed spread unknown)' or 'worse (seed spread unknown)':
      p < ALPHA with `seed_sd` None (no seed record for the budget and
      schedule).

    `seed_sd` 0 says that no seed separates the two: both are scores of
    one trained network (e.g. with and without flip averaging).
    """
    direction = 'better' if change > 0 else 'worse'
    if p >= ALPHA:
        return 'no detectable difference'
    if seed_sd is None:
        return f'{direction} (seed spread unknown)'
    if abs(change) <= SEED_SDS * seed_sd:
        return 'within the seed spread'
    return direction


def paired_comparison(run, baseline, seed_sd=None):
    """Compare two records' test outcomes on the same images, paired.

    Returns a dict: `b` (images only `run` gets right), `c` (only
    `baseline`), `n` (test images), `change` = (b - c) / n, the change
    in test accuracy, its paired standard error
    sqrt(b + c - (b - c)^2 / n) / n as `se`, McNemar's exact `p`, the
    `seed_sd` it was given (the SD of the difference between two seeds'
    runs, None if unknown) and the `verdict` of `seed_verdict`.
    """
    ours, theirs = run['test_outcomes'], baseline['test_outcomes']
    if len(ours) != len(theirs):
        raise ValueError(f'paired_comparison: {len(ours)} and '
                         f'{len(theirs)} test outcomes; pair runs scored '
                         f'on the same test images.')
    pairs = list(zip(ours, theirs))
    b, c, n = pairs.count(('1', '0')), pairs.count(('0', '1')), len(pairs)
    p, change = mcnemar_p(b, c), (b - c) / n
    return {'b': b, 'c': c, 'n': n, 'change': change,
            'se': math.sqrt(b + c - (b - c) ** 2 / n) / n, 'p': p,
            'seed_sd': seed_sd,
            'verdict': seed_verdict(change, p, seed_sd)}


def _p_text(p):
    return 'p < 0.0001' if p < 1e-4 else f'p = {p:.2g}'


def _seed_sd(spread, name, baseline, fallback=None):
    return None if spread is None else spread.combined(name, baseline,
                                                       fallback)


def _seed_line(pair, name, baseline):
    """What the seed spread says of a paired comparison, in a line."""
    if pair['seed_sd'] is None:
        return 'seed spread: unknown, so a change may be one seed\'s luck'
    return (f'seed spread: a change counts only beyond ±'
            f'{SEED_SDS * pair["seed_sd"]:.3f} ({SEED_SDS} SD of what '
            f'another seed for {name} and {baseline} changes)')


def compare_with_baseline(runs, baseline, num_test=None, spread=None):
    """Lines per run: does it beat `baseline` beyond the noise?

    Augmentation mitigates overfitting if it narrows the train-test gap
    *and* raises the test accuracy; a narrower gap alone can also mean
    that training got harder. The gap uses the clean training accuracy
    (see `d2l.score_final`). Runs with test outcomes are compared paired,
    image by image (`paired_comparison`): a change counts when McNemar's
    test gives p < ALPHA and it exceeds what another training seed gives
    (SEED_SDS SDs of the difference, from `spread`, a `d2l.SeedSpread`;
    None: unknown). Older records without outcomes fall back to
    `accuracy_change` on `num_test` images: a change counts beyond twice
    its standard error. Lines are at most PAGE_WIDTH characters.
    """
    base = runs[baseline]
    base_train, label = _train_acc(base)
    base_gap = base_train - base['test_acc']
    lines = []
    for name, run in runs.items():
        if name == baseline:
            continue
        gap = _train_acc(run)[0] - run['test_acc']
        narrowed = gap < base_gap
        if 'test_outcomes' in run and 'test_outcomes' in base:
            pair = paired_comparison(run, base,
                                     _seed_sd(spread, name, baseline))
            change, se, verdict = pair['change'], pair['se'], \
                pair['verdict']
            details = [f'McNemar {_p_text(pair["p"])}: of {pair["n"]:,} '
                       f'images, {pair["b"]} right only with {name}, '
                       f'{pair["c"]} only with {baseline}',
                       _seed_line(pair, name, baseline)]
            beyond = "beyond the test images' noise and the seed spread"
        else:
            change, se = accuracy_change(run, base, num_test)
            verdict = ('no detectable difference' if abs(change) <= 2 * se
                       else 'better' if change > 0 else 'worse')
            details = [f'unpaired: {change / se:+.1f} SE' if se else
                       'unpaired: SE 0']
            beyond = 'by more than twice its uncertainty'
        if verdict == 'better' and narrowed:
            claim = (f'Supports the claim: the gap narrowed and the test '
                     f'accuracy rose {beyond}.')
        elif verdict == 'worse':
            claim = f'Goes against it: the test accuracy fell {beyond}.'
        elif verdict.startswith('better') and narrowed:
            claim = ("The gap narrowed and the test accuracy rose beyond "
                     "the test images' noise; whether another seed would "
                     "agree is unknown without a seed record.")
        elif verdict.startswith('worse'):
            claim = ("Goes against it on these test images; whether "
                     "another seed would agree is unknown without a "
                     "seed record.")
        elif narrowed and verdict == 'within the seed spread':
            claim = ('The gap narrowed, and the test accuracy moved, but '
                     'by less than another seed moves it: one run each '
                     'cannot tell.')
        elif narrowed:
            claim = ("The gap narrowed, but the test accuracy moved by an "
                     "amount McNemar's test cannot tell from chance: this "
                     "run cannot tell less overfitting from harder "
                     "training.")
        else:
            claim = 'Does not support it: the gap did not narrow.'
        lines += [f'{name} vs {baseline}: {verdict}',
                  *(fill(f'  {line}', '    ') for line in [
                      f'{label} - test gap {gap:.3f} (was '
                      f'{base_gap:.3f}); test accuracy {change:+.3f} ± '
                      f'{se:.3f}' + (' (paired SE)' if len(details) > 1
                                     else ''),
                      *details, claim])]
    return '\n'.join(lines)


def add_verdicts(runs, baseline, spread=None):
    """Store in every run with test outcomes, except `baseline` and runs
    that hold a verdict already (e.g. flip averaging, judged against the
    network it averages), what it was compared with (`baseline`), the
    `verdict` of `paired_comparison` with the seed spread (`spread`, a
    `d2l.SeedSpread`, or None: unknown) and the `seed_sd` used, so that a
    record can be judged again. Returns `runs`."""
    for name, run in runs.items():
        if (name != baseline and 'test_outcomes' in run
                and 'verdict' not in run):
            pair = paired_comparison(run, runs[baseline],
                                     _seed_sd(spread, name, baseline))
            run.update(baseline=baseline, verdict=pair['verdict'],
                       seed_sd=pair['seed_sd'])
    return runs


def comparison_table(runs, baseline, spread=None):
    """A table of each run's test accuracy against `baseline`, paired.

    Every run needs test outcomes on the same images (`d2l.score_test`);
    see `paired_comparison` for the columns. A run that stores its own
    `baseline` and `seed_sd` (`add_verdicts`; e.g. flip averaging against
    the network it averages) is compared as stored; the others with
    `spread` (a `d2l.SeedSpread`, or None: unknown).
    """
    rows = []
    for name, run in runs.items():
        against = run.get('baseline', baseline)
        seed_sd = (run['seed_sd'] if 'seed_sd' in run else
                   _seed_sd(spread, name, against))
        pair = paired_comparison(run, runs[against], seed_sd)
        se = standard_error(run['test_acc'], pair['n'])
        bound = ('unknown' if seed_sd is None else
                 f'± {SEED_SDS * seed_sd:.3f}')
        rows.append([name, f'{run["test_acc"]:.3f} ± {se:.3f}', against,
                     f'{pair["change"]:+.3f} ± {pair["se"]:.3f}',
                     pair['b'], pair['c'], _p_text(pair['p']), bound,
                     pair['verdict']])
    return Table(['recipe', 'test acc', 'compared with', 'change',
                  'right only here', 'right only there', 'McNemar test',
                  'seed bound', 'verdict'], rows, 'lrlrrrrrl')


def plot_accuracy_curves(runs, num_test, title=None, figsize=(6.5, 3.5)):
    """Train (dashed) and test (solid) accuracy per epoch, one color a run.

    The vertical distance between a run's two curves is its train-test
    gap, the sign of overfitting. The band around a test curve spans one
    standard error on `num_test` images either side.
    """
    fig, ax = plt.subplots(figsize=figsize)
    for i, (name, run) in enumerate(runs.items()):
        epochs = [h['epoch'] for h in run['history']]
        test_accs = [h['test_acc'] for h in run['history']]
        color = f'C{i}'  # The same color for a run's two curves.
        ax.plot(epochs, [h['train_acc'] for h in run['history']], '--o',
                color=color, label=f'{name} (train)')
        ax.plot(epochs, test_accs, '-s', color=color,
                label=f'{name} (test)')
        ses = [standard_error(acc, num_test) for acc in test_accs]
        ax.fill_between(epochs, [a - e for a, e in zip(test_accs, ses)],
                        [a + e for a, e in zip(test_accs, ses)],
                        color=color, alpha=0.2, linewidth=0)
    ax.set_xlabel('epoch')
    ax.set_ylabel('accuracy')
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True)
    ax.legend(fontsize='small', loc='upper left', bbox_to_anchor=(1, 1))
    if title:
        ax.set_title(title, fontsize='small')
    fig.tight_layout()
    return fig
