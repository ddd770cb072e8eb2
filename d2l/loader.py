"""Loading: Gluon's DataLoader with independent, repeatable random draws
in every worker, which it forks whatever the start method.

Gluon's transforms draw from generators of the process they run in:
flips and color changes from MXNet's CPU generator, RandomResizedCrop
and RandomApply from Python's `random`, RandomRotation from NumPy's.
Forked workers inherit these generators in the same state, so without
reseeding every worker draws the same flips. Reseeding per worker would
not make a run repeatable either, since which worker gets which batch is
up to the operating system. So each batch of each epoch gets a seed of
its own, drawn in the main process, and the generators are seeded with
it just before its first example is transformed; a worker transforms a
batch's examples in order. The draws then depend neither on the workers
nor on their number, 0 included. (Per example would cost more: a reseed
of MXNet's generator in a worker takes a good part of a millisecond.)
"""
import multiprocessing
import random
import signal
import sys

import mxnet as mx
from mxnet import gluon
from mxnet.gluon.data import dataloader as gluon_dataloader
from mxnet.util import is_np_array, is_np_shape
import numpy as np


class _Reseeded(gluon.data.Dataset):
    """`dataset` read by (index, seed): the example, its transforms drawn
    after seeding Python's, NumPy's and MXNet's CPU generator with `seed`
    unless it is None (the examples after a batch's first)."""

    def __init__(self, dataset):
        self._dataset = dataset

    def __len__(self):
        return len(self._dataset)

    def __getitem__(self, key):
        idx, seed = key
        if seed is not None:
            random.seed(seed)
            np.random.seed(seed)
            # CPU only: a forked worker must not touch a GPU.
            mx.random.seed(seed, ctx=mx.cpu())
        return self._dataset[idx]


class _SeededBatches:
    """Batches of (index, seed) keys, a new order and seeds each epoch;
    a batch's seed rides on its first key, the others carry None.

    Its own generator, seeded from NumPy's (which d2l.seed_all sets), so
    that the reseeding above, in the main process without workers, does
    not change its draws.
    """

    def __init__(self, num_examples, batch_size, shuffle, last_batch):
        self._num_examples, self._batch_size = num_examples, batch_size
        self._shuffle, self._last_batch = shuffle, last_batch
        self._rng = np.random.RandomState(np.random.randint(2**31))

    def __len__(self):
        if self._last_batch == 'keep':
            return -(-self._num_examples // self._batch_size)
        return self._num_examples // self._batch_size

    def __iter__(self):
        n = self._num_examples
        order = self._rng.permutation(n) if self._shuffle else range(n)
        seeds = self._rng.randint(2**31, size=len(self))
        for i, seed in enumerate(seeds):
            part = order[i * self._batch_size:(i + 1) * self._batch_size]
            yield [(int(idx), None if k else int(seed))
                   for k, idx in enumerate(part)]


class DataLoader(gluon.data.DataLoader):
    """Gluon's DataLoader with independent, repeatable augmentation.

    Takes `dataset`, `batch_size`, `shuffle`, `last_batch` ('keep' or
    'discard') and `num_workers` as Gluon's does. Every batch of every
    epoch is transformed after seeding Python's, NumPy's and MXNet's CPU
    generator with a seed of its own, drawn from NumPy's generator (see
    the module docstring), so batches are the same with any number of
    workers and the same again after d2l.seed_all with the same seed.
    Workers are forked, whatever Python's start method: forkserver
    (Python 3.14 on Linux) or spawn would have to pickle the data set and
    its transforms, which fails for transforms that a notebook defines.
    """

    def __init__(self, dataset, batch_size, shuffle=False, last_batch='keep',
                 num_workers=0):
        self._worker_pool = None  # Gluon's __del__ reads it, even then.
        if last_batch not in ('keep', 'discard'):
            raise ValueError(f"DataLoader: last_batch must be 'keep' or "
                             f"'discard', got {last_batch!r}.")
        batches = _SeededBatches(len(dataset), batch_size, shuffle,
                                 last_batch)
        super().__init__(_Reseeded(dataset), batch_sampler=batches)
        if num_workers > 0:
            self._fork_workers(num_workers)

    def _fork_workers(self, num_workers):
        """What Gluon's __init__ does for workers, with a fork context."""
        try:
            context = multiprocessing.get_context('fork')
        except ValueError:
            raise ValueError(
                f'DataLoader: num_workers={num_workers} needs fork, which '
                f'{sys.platform} lacks; pass num_workers=0 (or '
                f'd2l.get_dataloader_workers()).') from None
        self._num_workers, self._prefetch = num_workers, 2 * num_workers
        self._batchify_fn = gluon_dataloader.default_mp_batchify_fn
        # As Gluon does: workers ignore Ctrl-C, the main process handles it.
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self._worker_pool = context.Pool(
                num_workers, initializer=gluon_dataloader._worker_initializer,
                initargs=[self._dataset, is_np_shape(), is_np_array()])
        finally:
            signal.signal(signal.SIGINT, handler)
