"""Refuse to record a run that failed or a record from another run.

    python tools/check_run.py NOTEBOOK RECORD.json

`make record` calls this before it copies anything: NOTEBOOK must have
no error output and RECORD.json must carry the run id that
tools/run_notebook.py put into NOTEBOOK's metadata.
"""
import json
import sys

import nbformat


def problems(notebook_path, record_path):
    """What makes the pair unfit to record, as sentences (none: fit)."""
    try:
        nb = nbformat.read(notebook_path, as_version=4)
    except OSError:
        return [f'{notebook_path} is missing: no `make run` has finished']
    found = []
    code = [c for c in nb.cells if c.cell_type == 'code']
    for number, cell in enumerate(code, 1):
        for out in cell.get('outputs', []):
            if out.output_type == 'error':
                found.append(f'{notebook_path}: code cell {number} has an '
                             f'error output ({out.ename}: {out.evalue})')
    run_id = nb.metadata.get('d2l', {}).get('run_id')
    if not run_id:
        found.append(f'{notebook_path} was not written by a complete '
                     f'`make run` (no run id in its metadata)')
    try:
        with open(record_path) as f:
            record_id = json.load(f).get('run_id')
    except (OSError, ValueError) as err:
        found.append(f'{record_path} cannot be read ({err})')
    else:
        if run_id and record_id != run_id:
            found.append(f'{record_path} comes from another run than '
                         f'{notebook_path} (run id {record_id}, not '
                         f'{run_id})')
    return found


def main(notebook_path, record_path):
    found = problems(notebook_path, record_path)
    if found:
        sys.exit('make record: nothing was recorded: '
                 + '; '.join(found) + '. Run `make run` again and record '
                 'once it succeeds.')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
