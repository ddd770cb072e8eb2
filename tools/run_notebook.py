"""Execute a notebook headless into a build folder, reporting progress.

    python tools/run_notebook.py NOTEBOOK OUTDIR

The committed notebook is left untouched: the executed copy goes to
OUTDIR. Each cell's printed output and each training plot's progress
line are echoed to the terminal as they arrive, and each finished cell
is reported with its running time.

Only a run in which every cell succeeded replaces OUTDIR's copy; a failed
run names the failing cell, is kept as OUTDIR/NAME.failed.ipynb for
inspection, and exits non-zero. Each run gets an id, passed to the kernel
as D2L_RUN_ID (d2l.save_runs stamps its record with it) and kept in the
executed notebook's metadata, so that `make record` can tell that a
record and a notebook come from the same run (tools/check_run.py).
"""
import os
import sys
import time
import uuid

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from d2l.plotting import TRANSIENT_PROGRESS, figure_stack

RUN_ID_VAR = 'D2L_RUN_ID'


class ProgressClient(NotebookClient):
    """A NotebookClient that echoes progress and reports finished cells."""

    def __init__(self, nb, **kwargs):
        super().__init__(nb, **kwargs)
        self.code_cells = sum(c.cell_type == 'code' for c in nb.cells)
        self.done = 0
        self.current = ''
        self.on_cell_execute = self._started
        self.on_cell_executed = self._finished

    def _started(self, cell, cell_index):
        self.tik = time.perf_counter()
        first_line = (cell.source.strip().splitlines() or [''])[0]
        self.current = (f'code cell {self.done + 1} of {self.code_cells} '
                        f'({first_line[:60]})')
        print(f'[{self.done + 1}/{self.code_cells}] {first_line[:70]}',
              flush=True)

    def _finished(self, cell, cell_index, execute_reply):
        self.done += 1
        print(f'    done in {time.perf_counter() - self.tik:.1f} s',
              flush=True)

    def process_message(self, msg, cell, cell_index):
        # Every message passes here, plot updates too (output() does not
        # see those).
        content, kind = msg['content'], msg['msg_type']
        text = ''
        if kind == 'stream':
            text = content['text']
        elif kind in ('display_data', 'update_display_data'):
            text = content.get('transient', {}).get(TRANSIENT_PROGRESS, '')
        if text:
            sys.stdout.write(''.join(f'    {line}\n'
                                     for line in text.splitlines()))
            sys.stdout.flush()
        return super().process_message(msg, cell, cell_index)


def main(path, outdir):
    name = os.path.basename(path)
    target = os.path.join(outdir, name)
    if os.path.abspath(target) == os.path.abspath(path):
        sys.exit(f'run_notebook: writing into {outdir} would overwrite '
                 f'{path}; choose another output folder.')
    nb = nbformat.read(path, as_version=4)
    os.makedirs(outdir, exist_ok=True)
    run_id = uuid.uuid4().hex
    os.environ[RUN_ID_VAR] = run_id  # The kernel inherits the environment.
    client = ProgressClient(
        nb, timeout=None, resources={
            'metadata': {'path': os.path.dirname(os.path.abspath(path))}})
    failed = os.path.join(outdir, name.replace('.ipynb', '.failed.ipynb'))
    try:
        client.execute()
    except (CellExecutionError, DeadKernelError) as err:
        nbformat.write(nb, failed)
        why = ('the kernel died' if isinstance(err, DeadKernelError)
               else f'{err.ename}: {err.evalue}')
        sys.exit(f'run_notebook: {client.current} failed ({why}). The run '
                 f'as far as it got is in {failed}; {target} was left as '
                 f'it was.')
    # nbval compares figures pixel by pixel only on the same stack
    # (tests/nbval_figures.py).
    nb.metadata['d2l'] = {'run_id': run_id, 'figure_stack': figure_stack()}
    # Written in full under another name first: an interrupted write
    # leaves the last good copy in place.
    part = f'{target}.part'
    nbformat.write(nb, part)
    os.replace(part, target)
    if os.path.exists(failed):
        os.remove(failed)
    print(f'executed notebook: {target}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
