"""d2l.DataLoader: independent, repeatable augmentation in every worker."""
import subprocess
import sys
import textwrap

from mxnet import gluon, nd
from mxnet.gluon.data.vision import transforms
import numpy as np
import pytest

import d2l

# Flips draw from MXNet's CPU generator, RandomResizedCrop from Python's.
AUGS = {'flip': transforms.RandomFlipLeftRight(),
        'crop': transforms.RandomResizedCrop(8, scale=(0.1, 1))}


def _images(n=128):
    """`n` copies of one 8 x 8 image whose every pixel differs."""
    img = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
    return gluon.data.ArrayDataset(nd.array(np.stack([img] * n),
                                            dtype='uint8'), np.zeros(n))


def _batches(aug, num_workers, seed=0, epochs=1):
    d2l.seed_all(seed)
    loader = d2l.DataLoader(_images().transform_first(aug), 16,
                            shuffle=True, num_workers=num_workers)
    return [X.asnumpy() for _ in range(epochs) for X, _ in loader]


@pytest.mark.parametrize('aug', AUGS.values(), ids=AUGS)
def test_workers_draw_independent_augmentations(aug):
    # Forked workers inherit the generators in one state: unless
    # reseeded, the first batches of the two workers are the same.
    batches = _batches(aug, 2)
    assert len(batches) == 8
    assert len({X.tobytes() for X in batches}) == 8


@pytest.mark.parametrize('aug', AUGS.values(), ids=AUGS)
def test_batches_repeat_from_the_seed_with_any_workers(aug):
    with_workers = _batches(aug, 2, epochs=2)
    # A new epoch draws anew.
    assert not np.array_equal(with_workers[0], with_workers[8])
    for again in (_batches(aug, 0, epochs=2), _batches(aug, 2, epochs=2)):
        assert all(np.array_equal(a, b)
                   for a, b in zip(with_workers, again))
    assert not np.array_equal(_batches(aug, 0, seed=1)[0], with_workers[0])


def test_loader_keeps_or_discards_the_last_batch():
    dataset = gluon.data.ArrayDataset(np.arange(10), np.arange(10))
    sizes = [len(X) for X, _ in d2l.DataLoader(dataset, 4)]
    assert sizes == [4, 4, 2]
    assert len(d2l.DataLoader(dataset, 4, last_batch='discard')) == 2
    # Without shuffling, the order of the data set.
    assert np.concatenate([X.asnumpy() for X, _ in d2l.DataLoader(
        dataset, 4)]).tolist() == list(range(10))
    with pytest.raises(ValueError, match="last_batch must be 'keep'"):
        d2l.DataLoader(dataset, 4, last_batch='rollover')


FORKSERVER = '''
import multiprocessing
import sys

import d2l
from mxnet import gluon
import numpy as np

# Python 3.14's default on Linux. A transform defined here, as a notebook
# would, cannot be pickled to a forkserver's or spawned worker.
multiprocessing.set_start_method(sys.argv[1])
double = gluon.data.vision.transforms.Compose([lambda x: x * 2])
dataset = gluon.data.ArrayDataset(np.arange(64.0), np.zeros(64))
loader = d2l.DataLoader(dataset.transform_first(double), 8, num_workers=2)
print(sum(float(X.sum().asscalar()) for X, _ in loader))
'''


@pytest.mark.parametrize('start', ['forkserver', 'spawn'])
def test_workers_fork_whatever_the_start_method(start, tmp_path):
    script = tmp_path / 'load.py'
    script.write_text(FORKSERVER)
    proc = subprocess.run([sys.executable, str(script), start],
                          capture_output=True, text=True, timeout=120,
                          cwd=d2l.__path__[0] + '/..')
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert proc.stdout.split()[-1] == str(2 * sum(range(64)) * 1.0)
