"""Compare the chapter's training loader on two Pythons' venvs.

    .venv/bin/python tools/bench_pythons.py VENV_A VENV_B [--rounds 3]

Each round runs `tools/bench.py --loader-only` (the median of 5 passes of
d2l.DataLoader over 7,680 CIFAR-10 images, flip and ToTensor per image,
as the chapter's load_cifar10) in VENV_A, then in VENV_B, so that what
else runs on the machine affects both alike. Prints each venv's Python,
its median images/s over the rounds, and B's speed as a ratio of A's: a
benchmark of one machine, not a test.
"""
import argparse
import pathlib
import statistics
import subprocess
import sys

BENCH = pathlib.Path(__file__).with_name('bench.py')


def python_of(venv):
    """The venv's interpreter, or exit with how to make it."""
    python = pathlib.Path(venv) / 'bin' / 'python'
    if not python.exists():
        sys.exit(f'bench_pythons: no venv at {venv}; make it with `make '
                 f'install PYTHON=python3.X VENV={venv}` (`make '
                 f'test-platforms` makes _build/platforms/venv-3.X)')
    return str(python)


def run(python, *args):
    """What `python` prints for `args`, failing with its error."""
    done = subprocess.run([python, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f'bench_pythons: {python} {" ".join(args)} failed:\n'
                 f'{done.stderr[-2000:]}')
    return done.stdout.split()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('venvs', nargs=2, metavar='VENV')
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    pythons = [python_of(venv) for venv in args.venvs]
    rates = {python: [] for python in pythons}
    for _ in range(args.rounds):
        for python in pythons:
            rates[python].append(float(run(python, str(BENCH),
                                           '--loader-only')))
    medians = []
    for venv, python in zip(args.venvs, pythons):
        version = run(python, '-c', 'import platform; '
                      'print(platform.python_version())')
        medians.append(statistics.median(rates[python]))
        print(f'Python {version:<8} {medians[-1]:>9,.1f} images/s  {venv}')
    print(f'ratio (second / first): {medians[1] / medians[0]:.2f}, median '
          f'of {args.rounds} rounds, the venvs taking turns')


if __name__ == '__main__':
    main()
