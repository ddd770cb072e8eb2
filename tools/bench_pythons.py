"""Compare the chapter's training loader on two Pythons' venvs.

    .venv/bin/python tools/bench_pythons.py VENV_A VENV_B [--rounds 5]
        [--workers 0 2]

For each worker count, each round runs `tools/bench.py --loader-only`
(the median of bench.py's timed passes of d2l.DataLoader over CIFAR-10
images, flip and ToTensor per image, as the chapter's load_cifar10) in
VENV_A, then in VENV_B, so that what else runs on the machine affects
both alike. Prints, per worker count, each venv's median images/s over
the rounds and B's as a ratio of A's: a benchmark of one machine, not a
test. With workers, Python 3.14 and later would start them with
forkserver; d2l.DataLoader forks them, so both Pythons fork.
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
    """The last word `python` prints for `args`, failing with its error."""
    done = subprocess.run([python, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f'bench_pythons: {python} {" ".join(args)} failed:\n'
                 f'{done.stderr[-2000:]}')
    return done.stdout.split()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('venvs', nargs=2, metavar='VENV')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    args = parser.parse_args()
    pythons = [python_of(venv) for venv in args.venvs]
    versions = [run(python, '-c', 'import platform; '
                    'print(platform.python_version())')
                for python in pythons]
    print(f'{"workers":>7}' + ''.join(f'{"Python " + v:>16}'
                                      for v in versions) + f'{"ratio":>8}')
    for workers in args.workers:
        rates = [[] for _ in pythons]
        for _ in range(args.rounds):
            for python, rate in zip(pythons, rates):
                rate.append(float(run(python, str(BENCH), '--loader-only',
                                      '--workers', str(workers))))
        medians = [statistics.median(rate) for rate in rates]
        print(f'{workers:>7}' + ''.join(f'{m:>16,.0f}' for m in medians)
              + f'{medians[1] / medians[0]:>8.2f}')
    print(f'images/s, the median over {args.rounds} round(s), the venvs '
          f'taking turns; ratio: second / first')
    for venv, version in zip(args.venvs, versions):
        print(f'Python {version}: {venv}')


if __name__ == '__main__':
    main()
