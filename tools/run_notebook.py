"""Execute a notebook headless into a build folder, reporting progress.

    python tools/run_notebook.py NOTEBOOK OUTDIR

The committed notebook is left untouched: the executed copy goes to
OUTDIR. Each cell's printed output is echoed to the terminal as it
arrives, and each finished cell is reported with its running time.
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


class ProgressClient(NotebookClient):
    """A NotebookClient that echoes streams and reports finished cells."""

    def __init__(self, nb, **kwargs):
        super().__init__(nb, **kwargs)
        self.code_cells = sum(c.cell_type == 'code' for c in nb.cells)
        self.done = 0
        self.on_cell_execute = self._started
        self.on_cell_executed = self._finished

    def _started(self, cell, cell_index):
        self.tik = time.perf_counter()
        first_line = (cell.source.strip().splitlines() or [''])[0]
        print(f'[{self.done + 1}/{self.code_cells}] {first_line[:70]}',
              flush=True)

    def _finished(self, cell, cell_index, execute_reply):
        self.done += 1
        print(f'    done in {time.perf_counter() - self.tik:.1f} s',
              flush=True)

    def output(self, outs, msg, display_id, cell_index):
        if msg['msg_type'] == 'stream':
            sys.stdout.write(''.join(
                f'    {line}\n' for line in
                msg['content']['text'].splitlines()))
            sys.stdout.flush()
        return super().output(outs, msg, display_id, cell_index)


def main(path, outdir):
    target = os.path.join(outdir, os.path.basename(path))
    if os.path.abspath(target) == os.path.abspath(path):
        sys.exit(f'run_notebook: writing into {outdir} would overwrite '
                 f'{path}; choose another output folder.')
    nb = nbformat.read(path, as_version=4)
    os.makedirs(outdir, exist_ok=True)
    client = ProgressClient(
        nb, timeout=None, resources={
            'metadata': {'path': os.path.dirname(os.path.abspath(path))}})
    try:
        client.execute()
    finally:
        # Keep what ran, also when a cell failed, for inspection.
        nbformat.write(nb, target)
        print(f'executed notebook: {target}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
