"""tools/check_results.py (`make check-results`) on synthetic records."""
import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

from tool_loader import load_tool

ROOT = pathlib.Path(__file__).resolve().parents[1]
N = 10_000  # test images, as on the cpu and full budgets
DETAIL = ('cpu budget: 5,000 training, 10,000 test images (2,000 per '
          'epoch), 20 epochs, ResNet-18 width 16')
# The seed record's SD per recipe, on the cpu budget.
SD = {'no augmentation': 0.01, 'flip': 0.02, 'flip + crop + color': 0.02}


check_results = load_tool('check_results')


def _run(right, clean_train):
    """A scored run that gets the first `right` test images right: runs
    with more right images get every image the others do, too."""
    outcomes = '1' * right + '0' * (N - right)
    return {'test_acc': right / N, 'num_test': N,
            'test_outcomes': outcomes, 'clean_train_acc': clean_train,
            'epoch_train_acc': clean_train, 'seconds': 300.0}


def _record(rights, budget='cpu', devices='[cpu(0)]', lr_schedule=None):
    """A chapter record: {recipe: images right} on the `budget`; its runs
    name `lr_schedule` if given (older records name none)."""
    clean = {'no augmentation': 1.0, 'flip': 0.95,
             'flip + crop + color': 0.6}
    schedule = {'lr_schedule': lr_schedule} if lr_schedule else {}
    return {'budget': budget, 'budget_detail': DETAIL, 'num_test': N,
            'num_curve_test': 2000, 'hardware': 'a CPU',
            'devices': devices,
            'runs': {name: {**_run(right, clean[name]), **schedule}
                     for name, right in rights.items()}}


COMMITTED = {'no augmentation': 4000, 'flip': 4600,
             'flip + crop + color': 5500}


def _seeds(sd):
    """A seed record with three seeds a recipe whose SD is `sd[recipe]`:
    mean - sd, mean, mean + sd have an SD of exactly sd."""
    return [{'recipe': recipe, 'seed': seed, 'budget': 'cpu',
             'test_acc': 0.5 + (seed - 1) * value}
            for recipe, value in sd.items() for seed in range(3)]


@pytest.fixture
def files(tmp_path):
    """Write records; return the arguments that point the tool at them."""
    def write(fresh, committed=None, seeds=None):
        paths = []
        for name, content in (('fresh', fresh),
                              ('committed', committed or
                               _record(COMMITTED)),
                              ('seeds', seeds or _seeds(SD))):
            path = tmp_path / f'{name}.json'
            path.write_text(json.dumps(content))
            paths.append(str(path))
        return [paths[0], '--committed', paths[1], '--seeds', paths[2]]
    return write


def _check(capsys, args):
    status = check_results.main(args)
    out, err = capsys.readouterr()
    return status, out, err


def _rows(out):
    """{check: the row's cells after it} from the printed table."""
    rows = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip('|').split('|')]
        if line.startswith('| ') and cells[0] not in ('check', '---'):
            rows[cells[0]] = cells[1:]
    return rows


def test_tolerance_formula():
    # 3 * sqrt(2 * 0.01^2 + 0.4 * 0.6 / 10^4 + 0.41 * 0.59 / 10^4)
    expected = 3 * math.sqrt(2e-4 + 0.24e-4 + 0.2419e-4)
    assert check_results.tolerance(0.01, 0.41, N, 0.40, N) == \
        pytest.approx(expected)
    # Without seed spread the binomial errors alone remain.
    assert check_results.tolerance(0, 0.5, 100, 0.5, 100) == \
        pytest.approx(3 * math.sqrt(2 * 0.25 / 100))


def test_a_run_like_the_committed_one_passes(files, capsys):
    fresh = _record({'no augmentation': 4100, 'flip': 4700,
                     'flip + crop + color': 5400})
    status, out, err = _check(capsys, files(fresh))
    assert status == 0, out + err
    rows = _rows(out)
    tol = check_results.tolerance(0.02, 0.47, N, 0.46, N)
    assert rows['test acc: flip'] == ['0.460', '0.470', '+0.010',
                                      f'± {tol:.3f}', 'ok']
    assert rows['verdict: flip vs no augmentation'] == [
        'better', 'better', '', 'the same', 'ok']
    assert rows['clean train - test gap: flip + crop + color vs no '
                'augmentation'][:2] == ['narrowed', 'narrowed']
    assert len(rows) == 3 + 2 + 2
    assert 'all 7 checks passed' in out and err == ''


def test_a_recipe_out_of_tolerance_fails(files, capsys):
    # 0.45 against 0.55: beyond 3 * sqrt(2 * 0.02^2 + ...) = 0.087, but
    # still better than no augmentation, so only its accuracy fails.
    fresh = _record({'no augmentation': 4000, 'flip': 4600,
                     'flip + crop + color': 4500})
    status, out, err = _check(capsys, files(fresh))
    assert status == 1
    assert _rows(out)['test acc: flip + crop + color'][2:] == [
        '-0.100', '± 0.087', 'FAIL']
    assert err.strip() == ('check_results: 1 of 7 checks failed: test '
                           'acc: flip + crop + color')


def test_a_verdict_flip_fails(files, capsys):
    # Flip as good as no augmentation on every image: no detectable
    # difference, where the committed run was better; within tolerance.
    fresh = _record({'no augmentation': 4100, 'flip': 4100,
                     'flip + crop + color': 5500})
    status, out, err = _check(capsys, files(fresh))
    assert status == 1
    assert _rows(out)['verdict: flip vs no augmentation'] == [
        'better', 'no detectable difference', '', 'the same', 'FAIL']
    assert _rows(out)['test acc: flip'][-1] == 'ok'
    assert err.strip().endswith('failed: verdict: flip vs no '
                                'augmentation')


def test_a_gap_that_no_longer_narrows_fails(files, capsys):
    fresh = _record(COMMITTED)
    # 1.0 - 0.46 against the baseline's 0.9 - 0.40: wider.
    fresh['runs']['no augmentation']['clean_train_acc'] = 0.9
    fresh['runs']['flip']['clean_train_acc'] = 1.0
    status, out, err = _check(capsys, files(fresh))
    assert status == 1
    assert _rows(out)['clean train - test gap: flip vs no augmentation'] \
        == ['narrowed', 'did not narrow', '', 'the same', 'FAIL']


def test_budgets_that_differ_are_refused(files, capsys):
    fresh = _record(COMMITTED, budget='full')
    status, out, err = _check(capsys, files(fresh))
    assert status == 2
    assert err.count('\n') == 1 and 'Traceback' not in err
    assert 'is of the full budget' in err and 'of the cpu' in err
    assert '`make record`' in err
    assert '| check' not in out
    # With no committed record of its budget, a GPU run's own checks
    # decide: here the full budget ran on the CPU, with flip at 0.46.
    status, out, err = _check(capsys, [*files(fresh), '--require-gpu',
                                       '--flip-range', '0.79', '0.86'])
    assert status == 1 and 'Traceback' not in err
    assert 'alone; note:' in out.splitlines()[0]
    assert list(_rows(out)) == ['devices include a GPU',
                                'flip test acc in range']
    assert err.strip().endswith(
        'failed: devices include a GPU; flip test acc in range')
    on_gpus = _record({**COMMITTED, 'flip': 8200}, budget='full',
                      devices='[gpu(0), gpu(1)]')
    status, out, _ = _check(capsys, [*files(on_gpus), '--require-gpu',
                                     '--flip-range', '0.79', '0.86'])
    assert status == 0 and out.rstrip().endswith('all 2 checks passed')


def test_a_missing_record_names_the_target(files, capsys, tmp_path):
    args = files(_record(COMMITTED))
    args[0] = str(tmp_path / 'nothing.json')
    status, out, err = _check(capsys, args)
    assert status == 2
    assert err.strip() == (f'check_results: no record {args[0]}: `make '
                           f'run` writes it')
    args = files(_record(COMMITTED))
    os.remove(args[2])
    status, _, err = _check(capsys, ['--beyond', *args])
    assert status == 2 and '`make record-beyond` writes it' in err


@pytest.mark.parametrize('devices, ok', [('[cpu(0)]', False),
                                         ('[cpu(0), cpu(1)]', False),
                                         ('[gpu(0), gpu(1)]', True)])
def test_require_gpu(files, capsys, devices, ok):
    fresh = _record(COMMITTED, devices=devices)
    status, out, err = _check(capsys, [*files(fresh), '--require-gpu'])
    assert status == (0 if ok else 1)
    row = _rows(out)['devices include a GPU']
    assert row[1] == devices and row[-1] == ('ok' if ok else 'FAIL')
    if not ok:
        assert err.strip().endswith('failed: devices include a GPU')


@pytest.mark.parametrize('flip, ok', [(7900, True), (8600, True),
                                      (7899, False), (4600, False)])
def test_flip_range(files, capsys, flip, ok):
    rights = {'no augmentation': 7000, 'flip': flip,
              'flip + crop + color': 8500}
    # Against a committed run of its own, so only the range can fail.
    status, out, err = _check(capsys, [*files(_record(rights),
                                              _record(rights)),
                                       '--flip-range', '0.79', '0.86'])
    assert status == (0 if ok else 1), out + err
    assert _rows(out)['flip test acc in range'] == [
        '', f'{flip / N:.3f}', '', '[0.79, 0.86]', 'ok' if ok else 'FAIL']


def test_an_old_committed_record_compares_accuracies_only(files, capsys):
    # As results/exercise1.json was before d2l.score_final: 2,000 test
    # images, the epoch training accuracy, no outcomes.
    old = _record(COMMITTED)
    old['num_test'] = 2000
    for run in old['runs'].values():
        run['train_acc'] = run.pop('epoch_train_acc')
        for key in ('test_outcomes', 'num_test', 'clean_train_acc'):
            del run[key]
    status, out, err = _check(capsys, files(_record(COMMITTED), old))
    assert status == 0, out + err
    rows = _rows(out)
    assert sorted(rows) == sorted(f'test acc: {name}' for name in COMMITTED)
    # The committed accuracy's error on its 2,000 images.
    tol = check_results.tolerance(0.01, 0.4, N, 0.4, 2000)
    assert rows['test acc: no augmentation'][3] == f'± {tol:.3f}'
    assert ('note: verdicts not compared: the committed record has no '
            'per-image test outcomes') in out
    assert 'note: gap directions not compared' in out


def test_recipes_without_seed_spread_take_their_baselines(files, capsys):
    fresh = _record(COMMITTED)
    committed = _record(COMMITTED)
    for record in (fresh, committed):
        record['runs']['flip + cutout'] = record['runs']['flip']
    status, out, _ = _check(capsys, files(fresh, committed))
    assert status == 0
    # no augmentation's SD, 0.01.
    assert _rows(out)['test acc: flip + cutout'][3] == \
        f'± {check_results.tolerance(0.01, 0.46, N, 0.46, N):.3f}'
    assert 'note: seed SDs over 3 seeds, cpu budget, constant' in out
    # On a budget the seed record lacks: its largest SD, and a note.
    full = [_record(COMMITTED, budget='full') for _ in range(2)]
    status, out, _ = _check(capsys, files(*full))
    assert status == 0
    assert ('no seed spread for the full budget and constant schedule: '
            'every tolerance uses the largest SD in the seed record, '
            '0.020, and the verdicts see the seed spread as unknown') in out
    assert _rows(out)['test acc: no augmentation'][3] == \
        f'± {check_results.tolerance(0.02, 0.4, N, 0.4, N):.3f}'
    assert _rows(out)['verdict: flip vs no augmentation'][:2] == [
        'better (seed spread unknown)', 'better (seed spread unknown)']


def test_the_seed_spread_of_the_schedule_that_ran(files, capsys):
    # Cosine runs take the cosine SDs: flip's +0.06 is beyond
    # 2 * sqrt(0.01^2 + 0.02^2) = 0.045, but within the constant rate's
    # 2 * sqrt(0.03^2 + 0.03^2) = 0.085.
    seeds = ([{**entry, 'lr_schedule': 'cosine'} for entry in _seeds(SD)]
             + _seeds({recipe: 0.03 for recipe in SD}))
    records = [_record(COMMITTED, lr_schedule='cosine') for _ in range(2)]
    status, out, _ = _check(capsys, files(*records, seeds))
    assert status == 0
    assert _rows(out)['verdict: flip vs no augmentation'][:2] == [
        'better', 'better']
    assert 'seed SDs over 3 seeds, cpu budget, cosine learning rate' in out
    assert _rows(out)['test acc: flip'][3] == \
        f'± {check_results.tolerance(0.02, 0.46, N, 0.46, N):.3f}'
    records = [_record(COMMITTED, lr_schedule='constant')
               for _ in range(2)]
    status, out, _ = _check(capsys, files(*records, seeds))
    assert status == 0
    assert _rows(out)['verdict: flip vs no augmentation'][:2] == [
        'within the seed spread', 'within the seed spread']


def test_schedules_that_differ_are_refused(files, capsys):
    fresh = _record(COMMITTED, lr_schedule='cosine')
    status, out, err = _check(capsys, files(fresh))
    assert status == 2 and out == ''
    assert ('trained with the cosine learning rate' in err
            and 'with the constant: only runs of one schedule compare'
            in err)


def test_beyond_compares_verdicts_with_strong(files, capsys):
    def beyond(rights):
        record = _record({})
        record['runs'] = {name: _run(right, 0.7)
                          for name, right in rights.items()}
        return record
    # strong is the seed record's flip + crop + color: its SD (0.02)
    # serves both, a change beyond 2 * sqrt(2) * 0.02 = 0.057 counts.
    committed = beyond({'strong': 5500, 'strong + Cutout': 4900})
    fresh = beyond({'strong': 5500, 'strong + Cutout': 5500})
    status, out, err = _check(capsys, ['--beyond',
                                       *files(fresh, committed)])
    assert status == 1
    assert _rows(out)['verdict: strong + Cutout vs strong'] == [
        'worse', 'no detectable difference', '', 'the same', 'FAIL']
    assert not any('gap' in check for check in _rows(out))


def test_make_check_results(files, tmp_path):
    """The make target runs the tool with CHECK_ARGS, and fails with it."""
    args = files(_record(COMMITTED, devices='[gpu(0)]'))

    def make_check(extra):
        return subprocess.run(
            ['make', '--no-print-directory', 'check-results',
             f'VENV={pathlib.Path(sys.executable).parents[1]}',
             f'CHECK_ARGS={" ".join(args)} {extra}'],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, 'PYTHONPATH': str(ROOT)})

    done = make_check('--require-gpu')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'all 8 checks passed' in done.stdout
    done = make_check('--flip-range 0.79 0.86')
    assert done.returncode != 0
    assert 'failed: flip test acc in range' in done.stderr
