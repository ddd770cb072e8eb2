"""Results: recording training runs and comparing them in a table and plot."""
import json
import os
import platform
import subprocess

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
    return f'{model}, {os.cpu_count()} cores (CPU)'


def save_runs(path, runs, budget, devices):
    """Write `runs` ({recipe: train_ch12 result}) with how they were made.

    The record carries the id of the `make run` that wrote it, if any
    (D2L_RUN_ID, from tools/run_notebook.py), for `make record` to match.
    """
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    record = {'run_id': os.environ.get('D2L_RUN_ID'),
              'budget': budget.name, 'budget_detail': str(budget),
              'hardware': describe_hardware(devices),
              'devices': str(devices), 'runs': runs}
    with open(path, 'w') as f:
        json.dump(record, f, indent=1)
    return record


def load_runs(path):
    """Read a record written by `save_runs`."""
    with open(path) as f:
        return json.load(f)


def results_table(runs):
    """A Markdown table of each run's final accuracies and their gap."""
    lines = ['| recipe | train acc | test acc | train - test | '
             'examples/sec |',
             '| --- | ---: | ---: | ---: | ---: |']
    for name, run in runs.items():
        lines.append(f'| {name} | {run["train_acc"]:.3f} | '
                     f'{run["test_acc"]:.3f} | '
                     f'{run["train_acc"] - run["test_acc"]:+.3f} | '
                     f'{run["examples_per_sec"]:.1f} |')
    return '\n'.join(lines)


def plot_accuracy_curves(runs, title=None, figsize=(6.5, 3.5)):
    """Train (dashed) and test (solid) accuracy per epoch, one color a run.

    The vertical distance between a run's two curves is its train-test
    gap, the sign of overfitting.
    """
    fig, ax = plt.subplots(figsize=figsize)
    for i, (name, run) in enumerate(runs.items()):
        epochs = [h['epoch'] for h in run['history']]
        color = f'C{i}'  # The same color for a run's two curves.
        ax.plot(epochs, [h['train_acc'] for h in run['history']], '--o',
                color=color, label=f'{name} (train)')
        ax.plot(epochs, [h['test_acc'] for h in run['history']], '-s',
                color=color, label=f'{name} (test)')
    ax.set_xlabel('epoch')
    ax.set_ylabel('accuracy')
    ax.set_xticks(epochs)
    ax.grid(True)
    ax.legend(fontsize='small', loc='upper left', bbox_to_anchor=(1, 1))
    if title:
        ax.set_title(title, fontsize='small')
    fig.tight_layout()
    return fig
