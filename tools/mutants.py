"""Mutation check: do the unit tests catch deliberate bugs?

Each mutant replaces one piece of text in one file of a temporary copy of
the project (the files git knows, as in the work tree), then runs the unit
tests that should notice. Notebooks are not executed here (too slow): a
mutant in the chapter is caught by the unit test that runs its training
code, and nbval catches a changed demo figure (tests/nbval_figures.py).
A mutant the tests pass on has survived. Exit status 1 if any survives,
or if the tests fail on the unmutated copy (then no result would mean
anything).

    python tools/mutants.py           # all of them
    python tools/mutants.py --list    # what they are
"""
import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]

# (name, file, text, its replacement, tests that must fail)
MUTANTS = [
    ('learning rate 1000x too small in the ResNet-18 fit',
     'tests/test_training.py', "{'learning_rate': 0.001}",
     "{'learning_rate': 0.000001}",
     ['tests/test_training.py::'
      'test_train_ch12_fits_resnet18_to_cifar10_images']),
    ('learning rate 1000x too small in the loader fits',
     'tests/test_augment.py', "{'learning_rate': 1}",
     "{'learning_rate': 0.001}",
     ['tests/test_augment.py::test_device_loader_feeds_train_batch_ch12',
      'tests/test_mixing.py::'
      'test_loader_yields_soft_labels_that_train_and_count']),
    ("learning rate 1000x too large in the chapter's train_with_data_aug",
     'chapter_image_augmentation/image_augmentation.ipynb',
     'test_augs, lr=0.001,', 'test_augs, lr=1,',
     ['tests/test_chapter.py::test_the_chapters_training_learns']),
    ("learning rate 1000x too small in d2l's train_recipe",
     'd2l/recipes.py', 'mix=None, lr=0.001,', 'mix=None, lr=0.000001,',
     ['tests/test_recipes.py::test_train_recipe_learns']),
    ("d2l's cosine schedule falls back to the constant rate",
     'd2l/recipes.py', "if lr_schedule == 'constant':",
     "if lr_schedule in LR_SCHEDULES:",
     ['tests/test_recipes.py::test_train_recipe_follows_its_schedule']),
    ('verdicts ignore the seed bound',
     'd2l/results.py', 'if abs(change) <= SEED_SDS * seed_sd:',
     'if abs(change) < 0:', ['tests/test_results.py']),
    ("the seed spread mixes in another schedule's seeds",
     'd2l/spread.py',
     'if (of_budget, of_schedule) == (budget, lr_schedule)}',
     'if of_budget == budget}', ['tests/test_results.py']),
    ('gradient summed, not averaged, over the minibatch',
     'd2l/training.py', 'trainer.step(features.shape[0])',
     'trainer.step(1)',
     ['tests/test_training.py', 'tests/test_augment.py',
      'tests/test_mixing.py']),
    ("devices keep their own BatchNorm statistics for evaluation",
     'd2l/training.py', '    average_running_stats(net)\n', '',
     ['tests/test_multidevice.py']),
    ("an idle device adds its last step's gradient",
     'd2l/training.py', 'param.grad(ctx)[:] = 0', 'pass',
     ['tests/test_multidevice.py']),
    ('DataLoader workers left with the generators they forked with',
     'd2l/loader.py', '        if seed is not None:', '        if False:',
     ['tests/test_loader.py']),
    ("seed_all leaves MXNet's generator unseeded",
     'd2l/config.py', '    mx.random.seed(seed)\n', '',
     ['tests/test_training.py']),
    ('a flip that flips nothing',
     'd2l/augment.py', 'nd.concat(x, x[:, :, :, ::-1], dim=0)',
     'nd.concat(x, x, dim=0)', ['tests/test_augment.py']),
    ('CutMix label weights swapped',
     'd2l/mixing.py',
     'nd.broadcast_mul(own, lam) + nd.broadcast_mul(partner,\n'
     '                                                             1 - lam)',
     'nd.broadcast_mul(own, 1 - lam) + nd.broadcast_mul(partner,\n'
     '                                                             lam)',
     ['tests/test_mixing.py']),
    ("CutMix boxes rounded unlike the authors' rand_bbox",
     'd2l/mixing.py', 'boxes = _centred_boxes(2 * half[:, 0], '
     '2 * half[:, 1], h, w,',
     'boxes = _centred_boxes(2 * half[:, 0] + 1, 2 * half[:, 1] + 1, h, w,',
     ['tests/test_mixing.py']),
    ('solarize inverts only above the threshold',
     'd2l/autoaugment.py', 'nd.broadcast_greater_equal(x, (1 - strength)',
     'nd.broadcast_greater(x, (1 - strength)',
     ['tests/test_autoaugment.py']),
    ('sharpness smooths with the wrong kernel',
     'd2l/autoaugment.py', '(1, 5, 1)', '(1, 4, 1)',
     ['tests/test_autoaugment.py']),
    ("equalize divides by 256, not PIL's 255",
     'd2l/autoaugment.py', '/ 255).reshape(-1, 1)', '/ 256).reshape(-1, 1)',
     ['tests/test_autoaugment.py']),
    ('TrivialAugment draws from 12 operations, not 14',
     'd2l/autoaugment.py', 'nd.random.randint(0, len(OPS)',
     'nd.random.randint(0, len(OPS) - 2', ['tests/test_autoaugment.py']),
    ('demo parameter: the cpu budget trains 10 epochs, not 20',
     'd2l/config.py', "Budget('cpu', 5000, 10000, 20, 16, 2000)",
     "Budget('cpu', 5000, 10000, 10, 16, 2000)",
     ['tests/test_training.py']),
    ('mixing applied with probability 1 - p, not p',
     'd2l/mixing.py', 'shape=1, ctx=coin_ctx).asscalar() >= self.p:',
     'shape=1, ctx=coin_ctx).asscalar() < self.p:',
     ['tests/test_mixing.py']),
    ("TrivialAugment's max_strength ignored",
     'd2l/autoaugment.py', 'strength = self.max_strength * nd.random',
     'strength = 1.0 * nd.random', ['tests/test_autoaugment.py']),
    ("demo parameter: Cutout's square is 8 pixels, not 16",
     'd2l/mixing.py', 'def __init__(self, size=16, value=0.5)',
     'def __init__(self, size=8, value=0.5)', ['tests/test_mixing.py']),
    ("demo parameter: RandAugment's magnitude is 10, not 9",
     'd2l/autoaugment.py', 'def __init__(self, num_ops=2, magnitude=9)',
     'def __init__(self, num_ops=2, magnitude=10)',
     ['tests/test_autoaugment.py']),
]


def copy_project(dest):
    """The files git knows (tracked or not ignored), as in the work tree."""
    names = subprocess.run(
        ['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT,
        capture_output=True, text=True, check=True).stdout.split('\0')
    for name in filter(None, names):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)


def tests_pass(project, tests):
    """Whether pytest passes `tests` in `project` (its d2l, not ROOT's)."""
    # `python -m` puts the working directory first on sys.path, ahead of
    # the venv's editable install of the real project.
    return subprocess.run(
        [sys.executable, '-m', 'pytest', '-q', '-x', *tests], cwd=project,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--list', action='store_true',
                        help='list the mutants and exit')
    args = parser.parse_args()
    if args.list:
        for name, path, *_ in MUTANTS:
            print(f'{name} ({path})')
        return 0
    with tempfile.TemporaryDirectory(prefix='d2l-mutants-') as tmp:
        project = pathlib.Path(tmp)
        copy_project(project)
        every_test = sorted({t.split('::')[0] for *_, tests in MUTANTS
                             for t in tests})
        if not tests_pass(project, every_test):
            print(f'mutants: the tests fail without a mutant; fix that '
                  f'first: {" ".join(every_test)}', file=sys.stderr)
            return 1
        survivors = []
        for name, path, text, replacement, tests in MUTANTS:
            file = project / path
            original = file.read_text()
            if original.count(text) != 1:
                print(f'mutants: {path} must contain the text of "{name}" '
                      f'exactly once; update tools/mutants.py',
                      file=sys.stderr)
                return 1
            file.write_text(original.replace(text, replacement))
            caught = not tests_pass(project, tests)
            file.write_text(original)
            print(f'{"caught  " if caught else "SURVIVED"} {name}',
                  flush=True)
            if not caught:
                survivors.append(name)
    print(f'{len(MUTANTS) - len(survivors)} of {len(MUTANTS)} mutants '
          f'caught')
    return 1 if survivors else 0


if __name__ == '__main__':
    sys.exit(main())
