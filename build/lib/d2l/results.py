"""Results: recording training runs and comparing them in a table and plot."""
import json
import math
import os
import platform
import subprocess

from matplotlib.ticker import MaxNLocator

from .plotting import plt


def describe_hardware(devices):
    """One line naming the CPU, or the GPUs among `devices`."""
    gpus = [d for d in devices if d.device_type == 'gpu']
    if gpus:
        try:
            names = subprocess.run(
                ['nvidia-smi', '--query-gpu=name', '--format=csv,noheader'],
                capture_output=True, text=True, check=True).stdout.split('\n')
            return ', '.join(names[d.device_id].strip() for d in gpus)
        except (OSError, subprocess.CalledProcessError, IndexError):
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
              'hardware': describe_hardware(devices),
              'devices': str(devices), 'runs': runs}
    with open(path, 'w') as f:
        json.dump(record, f, indent=1)
    return record


def load_runs(path):
    """Read a record written by `save_runs`."""
    with open(path) as f:
        return json.load(f)


def results_table(runs, num_test):
    """A Markdown table of each run's final accuracies and their gap.

    Test accuracies carry their standard error on `num_test` images.
    """
    lines = ['| recipe | train acc | test acc | train - test | '
             'examples/sec | seconds |',
             '| --- | ---: | ---: | ---: | ---: | ---: |']
    for name, run in runs.items():
        se = standard_error(run['test_acc'], num_test)
        lines.append(f'| {name} | {run["train_acc"]:.3f} | '
                     f'{run["test_acc"]:.3f} ± {se:.3f} | '
                     f'{run["train_acc"] - run["test_acc"]:+.3f} | '
                     f'{run["examples_per_sec"]:.1f} | '
                     f'{run["seconds"]:.1f} |')
    return '\n'.join(lines)


def accuracy_change(run, baseline, num_test):
    """The change in test accuracy from `baseline` to `run`, and its
    standard error, both measured on `num_test` images.

    The error treats the two accuracies as independent; measured on the
    same images they are positively correlated, so it errs on the side of
    caution.
    """
    change = run['test_acc'] - baseline['test_acc']
    se = math.hypot(standard_error(run['test_acc'], num_test),
                    standard_error(baseline['test_acc'], num_test))
    return change, se


def compare_with_baseline(runs, baseline, num_test):
    """One line per run: does it beat `baseline` beyond the noise?

    Augmentation mitigates overfitting if it narrows the train-test gap
    *and* raises the test accuracy; a narrower gap alone can also mean
    that training got harder. A change counts when it exceeds twice its
    standard error (see `accuracy_change`).
    """
    base = runs[baseline]
    base_gap = base['train_acc'] - base['test_acc']
    lines = []
    for name, run in runs.items():
        if name == baseline:
            continue
        change, se = accuracy_change(run, base, num_test)
        gap = run['train_acc'] - run['test_acc']
        if change > 2 * se and gap < base_gap:
            verdict = ('Supports the claim: the gap narrowed and the test '
                       'accuracy rose by more than twice its uncertainty.')
        elif change < -2 * se:
            verdict = ('Goes against it: the test accuracy fell by more '
                       'than twice its uncertainty.')
        elif gap < base_gap:
            verdict = ('The gap narrowed, but the test accuracy moved by '
                       'less than twice its uncertainty: this run cannot '
                       'tell less overfitting from harder training.')
        else:
            verdict = 'Does not support it: the gap did not narrow.'
        sigmas = f' ({change / se:+.1f} SE)' if se else ''
        lines.append(f'{name} vs {baseline}: train - test gap {gap:.3f} '
                     f'(was {base_gap:.3f}), test accuracy {change:+.3f} '
                     f'± {se:.3f}{sigmas}.\n  {verdict}')
    return '\n'.join(lines)


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
