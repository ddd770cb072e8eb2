"""show_images and set_figsize with the image layouts readers pass in."""
from mxnet import nd
import numpy as np
import pytest

import d2l


@pytest.fixture(autouse=True)
def close_figures():
    yield
    d2l.plt.close('all')


def _shown():
    """The arrays drawn on the current figure, one per axes that has one."""
    return [ax.images[0].get_array() for ax in d2l.plt.gcf().axes
            if ax.images]


def test_set_figsize():
    d2l.set_figsize((3.5, 2.5))
    assert list(d2l.plt.rcParams['figure.figsize']) == [3.5, 2.5]


def test_show_images_rgb_rgba_gray_and_titles():
    rng = np.random.RandomState(0)
    rgb = nd.array(rng.randint(0, 256, (4, 5, 3)), dtype='uint8')
    rgba = rng.uniform(size=(4, 5, 4)).astype('float32')
    gray = rng.uniform(size=(4, 5))
    gray1 = nd.array(rng.uniform(size=(4, 5, 1)))
    d2l.show_images([rgb, rgba, gray, gray1], 2, 3,
                    titles=['rgb', 'rgba', 'gray', 'gray1'])
    fig = d2l.plt.gcf()
    assert len(fig.axes) == 6
    shown = _shown()
    assert len(shown) == 4
    assert (shown[0] == rgb.asnumpy()).all()
    assert (shown[1] == rgba).all()
    assert (shown[2] == gray).all()
    assert (shown[3] == gray1.asnumpy()[:, :, 0]).all()
    assert [ax.images[0].get_cmap().name for ax in fig.axes[2:4]] == [
        'gray', 'gray']
    assert [ax.get_title() for ax in fig.axes[:4]] == [
        'rgb', 'rgba', 'gray', 'gray1']
    # Empty grid cells are hidden rather than drawn as blank axes.
    assert [ax.axison for ax in fig.axes[4:]] == [False, False]


def test_show_images_figure_size_follows_scale():
    d2l.show_images([np.zeros((2, 2, 3))], 2, 4, scale=0.5)
    assert list(d2l.plt.gcf().get_size_inches()) == [2.0, 1.0]


@pytest.mark.parametrize('shape', [(3, 32, 32), (2, 4, 5, 3), (4,)])
def test_show_images_rejects_other_layouts(shape):
    with pytest.raises(ValueError, match=r'cannot show an image of shape'):
        d2l.show_images([np.zeros(shape)], 1, 1)


@pytest.mark.parametrize('shape, titles', [
    ((300, 451, 3), None), ((32, 32, 3), list('abcdefgh')),
    ((400, 200, 3), None)])
def test_show_images_leaves_no_blank_band_between_rows(shape, titles):
    # The chapter's cat is 451 x 300: in square cells, each row of it had
    # a third of its height blank.
    d2l.show_images([np.zeros(shape)] * 8, 2, 4, titles=titles)
    fig = d2l.plt.gcf()
    fig.canvas.draw()  # Applies the images' aspect to the axes.
    top_row, bottom_row = fig.axes[0], fig.axes[4]
    top = top_row.get_window_extent()
    bottom = bottom_row.get_window_extent()
    gap = top.y0 - bottom.y1  # Pixels between the rows' images.
    title = top_row.title.get_window_extent().height if titles else 0
    assert gap <= title + 0.2 * top.height
    # And no band above the first row or below the last either.
    height = fig.bbox.height
    assert height - top.y1 <= title + 0.15 * top.height
    assert bottom.y0 <= 0.15 * bottom.height


def _overlaps(a, b):
    """Whether display boxes `a` and `b` share more than an edge."""
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


# The Mixup demo's grid of CIFAR-10 images and the chapter's Exercise 3
# gallery: wide, tall and square images, one grid cell left empty.
GRIDS = {'mixup': ([(32, 32, 3)] * 8, 2, 4, 1.2),
         'gallery': ([(300, 451, 3), (200, 200, 3), (100, 100, 3)] * 3 +
                     [(100, 151, 3), (200, 100, 3)], 4, 3, 2)}


@pytest.mark.parametrize('lines', [1, 2, 3])
@pytest.mark.parametrize('captions', [False, True])
@pytest.mark.parametrize('grid', GRIDS)
def test_show_images_texts_clear_every_image(grid, captions, lines):
    shapes, num_rows, num_cols, scale = GRIDS[grid]
    titles = ['\n'.join(f'0.{k}0 deer' for k in range(lines))] * len(shapes)
    # A caption wraps to at least as many lines as the titles have.
    kwargs = {'captions': [' '.join(['explanation'] * 3 * lines)] *
              len(shapes)} if captions else {}
    d2l.show_images([np.zeros(s) for s in shapes], num_rows, num_cols,
                    titles=titles, scale=scale, **kwargs)
    fig = d2l.plt.gcf()
    fig.canvas.draw()
    assert fig.get_size_inches()[0] == num_cols * scale
    images = [ax.images[0].get_window_extent() for ax in fig.axes
              if ax.images]
    texts = [t for t in fig.findobj(d2l.plt.Text)
             if t.get_text().strip() and t.get_visible()]
    assert [t.get_text() for t in texts].count(titles[0]) == len(shapes)
    boxes = [t.get_window_extent() for t in texts]
    assert [(t.get_text(), image) for t, box in zip(texts, boxes)
            for image in images if _overlaps(box, image)] == []
    # Every text stays inside the figure, where it is saved.
    assert all(fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1 and
               fig.bbox.y0 - 1 <= box.y0 and box.y1 <= fig.bbox.y1 + 1
               for box in boxes)
    # Each title sits above its own image, each caption below it.
    for ax in (ax for ax in fig.axes if ax.images):
        image = ax.images[0].get_window_extent()
        assert ax.title.get_window_extent().y0 >= image.y1
        for caption in ax.texts:
            assert caption.get_window_extent().y1 <= image.y0
    if captions:
        below = [t for t in texts if 'explanation' in t.get_text()]
        assert len(below) == len(shapes)
        # Wrapped to the image width, so neighbouring captions never meet.
        assert all(t.get_text().count('\n') >= lines for t in below)
        assert all(t.get_window_extent().width <= scale * fig.dpi
                   for t in below)


def test_animator_legend_covers_no_curve(monkeypatch):
    # The training plot's curves fill the axes (the loss near the top,
    # accuracies rising into the corners): its legend must sit beside it.
    monkeypatch.setattr(d2l.plotting, '_in_notebook', lambda: True)
    monkeypatch.setattr(d2l.Animator, '_draw', lambda self, line: (
        self.axes.cla(), self.config_axes()))
    animator = d2l.Animator(xlabel='epoch', xlim=[0, 2], ylim=[0, None],
                            legend=['train loss', 'train acc',
                                    'test acc (2,000 images)'])
    animator.add(1, (2.3, 0.1, 0.1))
    # Closed figures keep no backend canvas on matplotlib 3.11: lay it
    # out without one.
    animator.fig.draw_without_rendering()
    legend = animator.axes.get_legend().get_window_extent()
    axes = animator.axes.get_window_extent()
    assert legend.x0 >= axes.x1 or legend.y1 <= axes.y0
