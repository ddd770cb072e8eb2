"""Plotting: figure size, image grids and the live training plot."""
from matplotlib import pyplot as plt
import numpy as np


def _in_notebook():
    """Whether we run in a Jupyter kernel (which can show figures)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return type(get_ipython()).__name__ == 'ZMQInteractiveShell'


def use_png():
    """Show inline figures as PNG: SVG output embeds a date and is large."""
    if _in_notebook():
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats('png')


def set_figsize(figsize=(3.5, 2.5)):
    """Set the default figure size, in inches, for this session."""
    use_png()
    plt.rcParams['figure.figsize'] = figsize


def _as_image(img):
    """Return `img` as a numpy (H, W), (H, W, 3) or (H, W, 4) array."""
    array = img.asnumpy() if hasattr(img, 'asnumpy') else np.asarray(img)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]  # Grayscale with a channel axis.
    if array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4)):
        return array
    raise ValueError(
        f'show_images: cannot show an image of shape {array.shape}; '
        f'expected (height, width) grayscale or (height, width, 1/3/4) '
        f'channels last. For a (channels, height, width) tensor, pass '
        f'img.transpose((1, 2, 0)).')


def _wrap(fig, text, fontsize, width):
    """`text` broken at spaces into lines at most `width` inches wide."""
    probe = fig.text(0, 0, '', fontsize=fontsize)
    lines = []
    for paragraph in str(text).split('\n'):
        line = ''
        for word in paragraph.split():
            probe.set_text(f'{line} {word}'.lstrip())
            if line and probe.get_window_extent().width > width * fig.dpi:
                lines.append(line)
                line = word
            else:
                line = probe.get_text()
        lines.append(line)
    probe.remove()
    return '\n'.join(lines)


def _band(texts, pad):
    """Inches for the tallest of `texts` plus `pad`; 0 if all are empty."""
    heights = [t.get_window_extent().height / t.get_figure().dpi
               for t in texts if t.get_text()]
    return max(heights) + pad if heights else 0


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5,
                captions=None):
    """Show `imgs` (channels-last, uint8 or floats in [0, 1]) in a grid.

    `titles` go above the images as given, line breaks included;
    `captions` go below them, wrapped to the image width.
    """
    arrays = [_as_image(img) for img in imgs]
    # Rows as tall as the images are at `scale` inches wide: square cells
    # would leave blank bands between wide images.
    aspect = np.mean([a.shape[0] / a.shape[1] for a in arrays] or [1])
    fontsize = min(10, 7 * scale)  # Small grids get small titles.
    gap = 0.04 * scale  # Between neighbouring images.
    width, height = scale - gap, (scale - gap) * aspect
    fig, axes = plt.subplots(num_rows, num_cols, squeeze=False,
                             figsize=(num_cols * scale,
                                      num_rows * scale * aspect))
    pad = fontsize / 2  # Points between an image and its texts.
    for i, (ax, array) in enumerate(zip(axes.flat, arrays)):
        ax.imshow(array, cmap='gray' if array.ndim == 2 else None)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles is not None:
            ax.set_title(titles[i], fontsize=fontsize, pad=pad)
        if captions is not None:
            ax.annotate(_wrap(fig, captions[i], fontsize, width),
                        (0.5, 0), xycoords='axes fraction',
                        xytext=(0, -pad), textcoords='offset points',
                        ha='center', va='top', fontsize=fontsize)
    for ax in axes.flat[len(arrays):]:
        ax.axis('off')
    # Each row reserves room for its tallest title above the images and
    # its tallest caption below, so no text reaches another row's images.
    rows = [(_band([ax.title for ax in row], pad / 72),
             _band([t for ax in row for t in ax.texts], pad / 72))
            for row in axes]
    total = sum(above + scale * aspect + below for above, below in rows)
    fig.set_size_inches(num_cols * scale, total)
    top = total
    for row, (above, below) in zip(axes, rows):
        bottom = top - above - gap * aspect / 2 - height
        for j, ax in enumerate(row):
            ax.set_position(((j * scale + gap / 2) / (num_cols * scale),
                             bottom / total, width / (num_cols * scale),
                             height / total))
        top -= above + scale * aspect + below


# The key of Animator's progress line in a display message's transient data.
TRANSIENT_PROGRESS = 'd2l_progress'


def figure_stack():
    """The versions that decide a figure's pixels: Python's (which picks
    the wheels), NumPy's, Pillow's and matplotlib's (which ships its own
    FreeType). A figure repeats pixel for pixel only on the same stack."""
    import platform

    import matplotlib
    import PIL
    return {'python': '.'.join(platform.python_version_tuple()[:2]),
            'numpy': np.__version__, 'pillow': PIL.__version__,
            'matplotlib': matplotlib.__version__}


class Animator:
    """Plot data points as they arrive: live in Jupyter, text elsewhere."""

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear',
                 fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5)):
        self.legend = legend or []
        self.fig, self.axes = plt.subplots(figsize=figsize)
        # Closed, so the inline backend does not show it a second time at
        # the end of the cell; display() below still draws it.
        plt.close(self.fig)
        self.config_axes = lambda: self._configure(
            xlabel, ylabel, xlim, ylim, xscale, yscale)
        self.X, self.Y, self.fmts = None, None, fmts
        self.xlabel, self.handle = xlabel or 'x', None

    def _configure(self, xlabel, ylabel, xlim, ylim, xscale, yscale):
        ax = self.axes
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_xscale(xscale)
        ax.set_yscale(yscale)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        if self.legend:
            # Beside the axes, where it covers no curve (the figure
            # displays with a tight bounding box, so it is kept).
            ax.legend(self.legend, loc='upper left',
                      bbox_to_anchor=(1.02, 1), borderaxespad=0)
        ax.grid()

    def add(self, x, y):
        """Add one point per curve at `x`; a None in `y` skips that curve."""
        if not hasattr(y, '__len__'):
            y = [y]
        n = len(y)
        if not hasattr(x, '__len__'):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        if _in_notebook():
            self._draw(self._line(x[0], y))
        else:
            print(self._line(x[0], y), flush=True)

    def _draw(self, line):
        self.axes.cla()
        for x, y, fmt in zip(self.X, self.Y, self.fmts):
            self.axes.plot(x, y, fmt)
        self.config_axes()
        # Update one display in place instead of clear_output(): the
        # notebook keeps a single figure, which nbval can compare. The
        # text line rides along as transient data, which notebooks do not
        # keep: tools/run_notebook.py shows it in the terminal.
        from IPython import display
        transient = {TRANSIENT_PROGRESS: line}
        if self.handle is None:
            self.handle = display.display(self.fig, display_id=True,
                                          transient=transient)
        else:
            self.handle.update(self.fig, transient=transient)

    def _line(self, x, y):
        names = self.legend or [f'y{i}' for i in range(len(y))]
        values = ', '.join(f'{name} {value:.3f}'
                           for name, value in zip(names, y)
                           if value is not None)
        return f'{self.xlabel} {x:.2f}: {values}'
