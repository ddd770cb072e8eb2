"""`make run` and `make record`: failures say so, the last good run stays."""
import json
import os
import pathlib
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))

import check_run  # noqa: E402 (from tools/, put on the path above)


def _notebook(path, *sources):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'P',
                                 'language': 'python'}
    nbformat.write(nb, path)
    return path


def _run(notebook, outdir):
    return subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'run_notebook.py'),
         str(notebook), str(outdir)],
        capture_output=True, text=True, cwd=ROOT)


def test_failed_run_exits_nonzero_names_cell_and_keeps_last_good(
        tmp_path):
    out = tmp_path / 'out'
    src = tmp_path / 'src'
    src.mkdir()
    good = _run(_notebook(src / 'nb.ipynb', 'x = 1', 'print(x + 1)'), out)
    assert good.returncode == 0, good.stderr
    kept = (out / 'nb.ipynb').read_text()
    assert nbformat.reads(kept, 4).metadata['d2l']['run_id']
    bad = _run(_notebook(src / 'nb.ipynb', 'x = 1',
                         "raise ValueError('bogus budget')", 'x'), out)
    assert bad.returncode != 0
    assert 'code cell 2 of 3' in bad.stderr
    assert 'ValueError: bogus budget' in bad.stderr
    assert 'executed notebook' not in bad.stdout
    assert (out / 'nb.ipynb').read_text() == kept
    failed = nbformat.read(out / 'nb.failed.ipynb', 4)
    assert failed.cells[1].outputs[0].output_type == 'error'


def test_training_progress_reaches_the_terminal_not_the_notebook(tmp_path):
    nb = _notebook(
        tmp_path / 'nb.ipynb',
        'import d2l\n'
        "a = d2l.Animator(xlabel='epoch', legend=['train loss'])\n"
        'for epoch in range(3):\n'
        '    a.add(epoch + 1, [0.5 / (epoch + 1)])')
    done = _run(nb, tmp_path / 'out')
    assert done.returncode == 0, done.stderr
    for line in ('epoch 1.00: train loss 0.500',
                 'epoch 3.00: train loss 0.167'):
        assert line in done.stdout
    outputs = nbformat.read(tmp_path / 'out' / 'nb.ipynb', 4).cells[0].outputs
    # `import d2l` prints its thread note; the plot is the one display.
    assert [o.output_type for o in outputs] == ['stream', 'display_data']
    assert outputs[0].text.startswith('d2l: MXNet computes with')
    assert 'train loss' not in json.dumps(outputs)


def _recorded(tmp_path, run_id, record_id, error=False):
    nb = new_notebook(cells=[new_code_cell('1')])
    if error:
        nb.cells[0].outputs = [nbformat.v4.new_output(
            'error', ename='ValueError', evalue='bogus', traceback=[])]
    if run_id:
        nb.metadata['d2l'] = {'run_id': run_id}
    nbformat.write(nb, tmp_path / 'nb.ipynb')
    (tmp_path / 'r.json').write_text(json.dumps({'run_id': record_id}))
    return check_run.problems(tmp_path / 'nb.ipynb', tmp_path / 'r.json')


def test_record_accepts_a_clean_run_with_its_own_record(tmp_path):
    assert _recorded(tmp_path, 'a1', 'a1') == []


def test_record_refuses_error_outputs(tmp_path):
    found = _recorded(tmp_path, 'a1', 'a1', error=True)
    assert len(found) == 1 and 'ValueError: bogus' in found[0]


def test_record_refuses_a_record_from_another_run(tmp_path):
    found = _recorded(tmp_path, 'a1', 'b2')
    assert len(found) == 1 and 'another run' in found[0]


def test_record_refuses_a_notebook_not_from_make_run(tmp_path):
    found = _recorded(tmp_path, None, None)
    assert len(found) == 1 and 'no run id' in found[0]


def test_record_without_a_run_says_so(tmp_path):
    found = check_run.problems(tmp_path / 'nb.ipynb', tmp_path / 'r.json')
    assert found == [f'{tmp_path}/nb.ipynb is missing: no `make run` has '
                     f'finished']


def test_make_record_copies_nothing_when_refused(tmp_path):
    build = tmp_path / 'build'
    build.mkdir()
    _recorded(build, 'a1', 'b2')
    os.replace(build / 'nb.ipynb', build / 'image_augmentation.ipynb')
    os.replace(build / 'r.json', build / 'exercise1.json')
    before = (ROOT / 'results' / 'exercise1.json').read_bytes()
    done = subprocess.run(['make', '-s', 'record', f'BUILD={build}'],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode != 0
    assert 'nothing was recorded' in done.stderr
    assert (ROOT / 'results' / 'exercise1.json').read_bytes() == before
