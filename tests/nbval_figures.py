"""nbval plugin: compare the figures of cells tagged `nbval-figure`.

nbval compares a cell's text outputs with the notebook's and skips
image/png. This plugin adds, for every code cell whose metadata tags
include `nbval-figure`, a pixel comparison of the PNGs the fresh run
displays with those stored in the notebook:

- the same number of PNGs, in the same order;
- each of the same size in pixels (a different size fails with both
  sizes named: the layout changed, and pixels cannot be lined up);
- at most MAX_FRACTION of the pixels differing by more than LEVEL in
  any channel (RGBA, 0 to 255).

A failure raises nbval's cell error, so the report names the notebook,
the cell's index and its source; the message adds the first source line
and, for each PNG that differs, how much of it differs and where.

Why this tolerance. Measured on this project's 2-core AMD EPYC, with the
chapter's seeded cat figures (flips, RandomResizedCrop, brightness, hue,
ColorJitter, Compose; the first 11 code cells): runs under
OMP_NUM_THREADS=1, =2 and d2l's default, and on the quick and cpu
budgets, gave byte-identical PNGs. MXNet's CPU sampler does not depend on
the OpenMP thread count, those cells do not read the budget, and
matplotlib is pinned by constraints.txt. So nothing is expected to
differ; the allowance only absorbs what another build of the same pins
could change: rounding by one or two steps (JPEG decoding, image
resampling), hence LEVEL = 2, and antialiasing along text and edges,
single pixels, hence MAX_FRACTION = 0.1%. One-character edits, measured
the same way, changed far more pixels by more than 2: ColorJitter's
contrast 0.5 -> 0.4 27% and 50% of its two figures (the subtlest: no
pixel off by more than 13 levels), RandomBrightness 0.5 -> 0.4 81%,
RandomHue 0.5 -> 0.4 61%, RandomResizedCrop's scale 0.1 -> 0.2 80%,
seed_all(0) -> (1) 21% to 85%. A tolerance on the size of a difference
alone (say 16 levels) would have let the contrast edit pass.

Another stack. Pixels repeat only where the same versions of Python,
NumPy, Pillow and matplotlib draw them (`d2l.plotting.figure_stack`,
which `make run` records in the notebook's metadata): matplotlib 3.11 on
Python 3.15 changed up to 46% of the chapter's pixels, and Python 3.14's
wheels of the same versions 0.14% to 0.68% of two figures'. Under
another stack than the recording's (the other Pythons of `make
test-platforms`) only the number of figures is compared, and the run
says so once; the pixels are checked by `make test` on the recording's
stack.

Text comparison is unchanged: a cell's text is still compared by nbval
(or not, under `nbval-ignore-output`); figures are compared only in
tagged cells, since most figures in the chapter plot training curves,
which depend on the budget.

Loaded by tests/conftest.py (`pytest_plugins`), or `-p nbval_figures`
with tests/ on the path.
"""
import base64
import io

import numpy as np
from PIL import Image

from d2l.plotting import figure_stack

TAG = 'nbval-figure'
# A channel may differ by this much (of 255) and the pixel still counts
# as the same: a rounding step or two, never a visible change.
LEVEL = 2
# At most this fraction of a figure's pixels may differ by more than
# LEVEL: one pixel in a thousand, a few glyph edges' worth (about 130
# pixels of a 614x215 figure of eight cats).
MAX_FRACTION = 1e-3

_PNG = 'image/png'


def decode_png(data):
    """The RGBA pixels (height, width, 4; uint8) of a base64 PNG."""
    if isinstance(data, list):  # nbformat may keep a string in lines.
        data = ''.join(data)
    with Image.open(io.BytesIO(base64.b64decode(data))) as picture:
        return np.asarray(picture.convert('RGBA'))


def pngs(outputs):
    """The image/png payloads of `outputs`, in display order."""
    return [output['data'][_PNG] for output in outputs
            if output.get('output_type') in ('display_data',
                                              'execute_result')
            and _PNG in output.get('data', {})]


def difference(reference, test):
    """(fraction of pixels off by more than LEVEL, largest channel
    difference, bounding box (left, top, right, bottom) of those pixels
    or None) of two arrays of the same shape."""
    off = np.abs(reference.astype(np.int16) - test.astype(np.int16))
    largest = int(off.max(initial=0))
    changed = off.max(axis=-1) > LEVEL
    if not changed.any():
        return 0.0, largest, None
    rows, cols = np.nonzero(changed)
    box = (int(cols.min()), int(rows.min()),
           int(cols.max()) + 1, int(rows.max()) + 1)
    return float(changed.mean()), largest, box


def compare(reference_outputs, test_outputs, same_stack=True):
    """What differs between the PNGs of two output lists, one line each;
    empty if every PNG is within the tolerance. Drawn by another stack
    (`same_stack` false), only their number is compared."""
    reference, test = pngs(reference_outputs), pngs(test_outputs)
    if len(reference) != len(test):
        return [f'{len(test)} figure(s) in the run, {len(reference)} in '
                f'the notebook']
    if not same_stack:
        return []
    problems = []
    for number, (ref_png, test_png) in enumerate(zip(reference, test), 1):
        ref_pixels, test_pixels = decode_png(ref_png), decode_png(test_png)
        ref_size = f'{ref_pixels.shape[1]}x{ref_pixels.shape[0]}'
        test_size = f'{test_pixels.shape[1]}x{test_pixels.shape[0]}'
        if ref_size != test_size:
            problems.append(f'figure {number}: {test_size} pixels in the '
                            f'run, {ref_size} in the notebook')
            continue
        fraction, largest, box = difference(ref_pixels, test_pixels)
        if fraction > MAX_FRACTION:
            problems.append(
                f'figure {number} ({test_size}): {fraction:.2%} of the '
                f'pixels differ by more than {LEVEL}/255 (tolerance '
                f'{MAX_FRACTION:.2%}), up to {largest}, within '
                f'(left, top, right, bottom) = {box}')
    return problems


def _tagged(cell):
    tags = cell.metadata.get('tags', [])
    return isinstance(tags, list) and TAG in tags


def _first_line(source):
    return next((line for line in source.splitlines() if line.strip()), '')


_told = set()


def same_stack(nb):
    """Whether this process draws as the run recorded in `nb` did (a
    notebook without a record: assumed so); says once per notebook
    when not."""
    recorded = nb.metadata.get('d2l', {}).get('figure_stack')
    if recorded is None or recorded == figure_stack():
        return True
    if id(nb) not in _told:
        _told.add(id(nb))
        print(f'nbval_figures: figures recorded with {recorded}, drawn '
              f'here with {figure_stack()}: their number is compared, '
              f'not their pixels')
    return False


def _with_figures(runtest):
    """IPyNbCell.runtest, then the figure comparison for tagged cells."""
    def run_and_compare(cell):
        runtest(cell)  # Executes the cell; nbval compares its text.
        # nbval does not compare a cell the notebook never ran; neither
        # do we.
        if not _tagged(cell.cell) or cell.cell.execution_count is None:
            return
        problems = compare(cell.cell.outputs, cell.test_outputs or [],
                           same_stack(cell.parent.nb))
        if problems:
            cell.raise_cell_error(
                f'Cell figures differ (tag {TAG}) in cell '
                f'{cell.cell_num}: {_first_line(cell.cell.source)}',
                '\n'.join(problems))
    run_and_compare.with_figures = True
    return run_and_compare


def pytest_configure(config):
    """Wrap nbval's cell test once, however often the plugin loads.

    runtest rather than compare_outputs: nbval calls the latter only
    for cells whose text it checks, and a tagged cell's figure is
    compared under `nbval-ignore-output` and --nbval-lax too.
    """
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # Without nbval there are no notebook cells.
        return
    if not getattr(IPyNbCell.runtest, 'with_figures', False):
        IPyNbCell.runtest = _with_figures(IPyNbCell.runtest)
