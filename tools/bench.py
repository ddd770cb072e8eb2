"""Benchmark the input pipeline and training speed on real CIFAR-10.

    .venv/bin/python tools/bench.py --out _build/bench.json

Compares Gluon's per-image transforms in the chapter's DataLoader
(d2l.DataLoader) with d2l's batched,
on-device transforms (d2l.augment), times the later methods Gluon lacks
(Cutout, affine warps, TrivialAugment, RandAugment, Mixup, CutMix; batched
only), then times ResNet-18 training steps and
a training pass that includes loading. Prints a table of images per second
and writes the numbers as a flat JSON object {case: images/s}. A benchmark,
not a test: numbers depend on the machine and whatever else runs on it.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import d2l  # Before MXNet loads: d2l gives it every usable core.
import mxnet as mx
from mxnet import gluon, init
from mxnet.gluon.data.vision import transforms

from d2l.affine import BatchAffine
from d2l.augment import (BatchColorJitter, BatchCompose, BatchFlipLeftRight,
                         BatchRandomResizedCrop, DeviceLoader)
from d2l.autoaugment import BatchRandAugment, BatchTrivialAugment
from d2l.data import CIFAR10, get_dataloader_workers
from d2l.devices import try_gpu
from d2l.loader import DataLoader
from d2l.mixing import BatchCutMix, BatchCutout, BatchMixup
from d2l.models import resnet18
from d2l.results import describe_hardware
from d2l.training import train_batch_ch12

JITTER = dict(brightness=0.5, contrast=0.5, saturation=0.5)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='_build/bench.json',
                        help='where to write the JSON (default: %(default)s)')
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--batches', type=int, default=30,
                        help='batches per timed pass of a loader case')
    parser.add_argument('--repeats', type=int, default=5,
                        help='timed passes per case; the median is reported')
    parser.add_argument('--quick', action='store_true',
                        help='a third of the loader batches and 3 repeats, '
                             'for a smoke run; every case still runs')
    parser.add_argument('--train-only', action='store_true',
                        help='print the training speed alone (used to '
                             'compare thread counts in child processes)')
    parser.add_argument('--workers', type=int,
                        help='DataLoader workers of the per-image loaders '
                             '(default: d2l.get_dataloader_workers())')
    parser.add_argument('--loader-only', action='store_true',
                        help="print the chapter's training loader's speed "
                             'alone (used to compare Pythons: '
                             'tools/bench_pythons.py)')
    return parser.parse_args()


def median_rates(passes, repeats):
    """Median images/s of each case in `passes` ({name: run_pass}).

    `run_pass()` times one pass over a case's batches and returns its
    images/s. After one untimed pass each (warm-up: memory, kernels, the
    workers' start), the cases take turns, `repeats` times, so that a change
    in what else runs on the machine affects them alike. Whole passes leave
    no DataLoader worker busy prefetching while another case is timed.
    """
    for run_pass in passes.values():
        run_pass()
    rates = {name: [] for name in passes}
    for _ in range(repeats):
        for name, run_pass in passes.items():
            rates[name].append(run_pass())
    return {name: statistics.median(rate) for name, rate in rates.items()}


def loader_pass(loader):
    """A pass over `loader`, each batch waited for: loaders are lazy."""
    def run_pass():
        start, images = time.perf_counter(), 0
        for X, y in loader:
            X.wait_to_read()
            y.wait_to_read()
            images += X.shape[0]
        return images / (time.perf_counter() - start)
    return run_pass


def per_image_loader(dataset, augs, batch, workers):
    """The chapter's training loader (its load_cifar10): Gluon's
    per-image transforms `augs`, then ToTensor, in d2l.DataLoader."""
    return DataLoader(
        dataset.transform_first(transforms.Compose(
            [*augs, transforms.ToTensor()])),
        batch, shuffle=True, num_workers=workers)


def train_pass(net, batches, loss, trainer, device):
    """A pass of ResNet-18 training steps over `batches`, as train_ch12's."""
    def run_pass():
        start, images = time.perf_counter(), 0
        for X, y in batches:
            # Reading the loss and accuracy back waits for the step.
            train_batch_ch12(net, X, y, loss, trainer, [device]).asnumpy()
            images += X.shape[0]
        return images / (time.perf_counter() - start)
    return run_pass


def new_resnet(device):
    """The chapter's network and trainer for the default budget's width."""
    net = resnet18(10, width=d2l.get_budget().width)
    net.initialize(init=init.Xavier(), ctx=device)
    net.hybridize(static_alloc=True, static_shape=True)
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {'learning_rate': 0.001})
    return net, trainer


def train_rate(train_set, augment, device, batch, batches, repeats):
    """Median images/s of training steps on batches made beforehand, so
    that loading is not timed."""
    fixed = list(DeviceLoader.from_dataset(
        train_set.take(batches * batch), batch, augment=augment, ctx=device))
    net, trainer = new_resnet(device)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    return median_rates(
        {'train': train_pass(net, fixed, loss, trainer, device)},
        repeats)['train']


def thread_rates(counts, repeats):
    """Training images/s with each OpenMP thread count in `counts`.

    MXNet reads OMP_NUM_THREADS only as it loads, so each count runs in a
    child process (`--train-only`); the counts take turns, `repeats`
    times, and the median is reported.
    """
    rates = {n: [] for n in counts}
    for _ in range(repeats):
        for n in counts:
            child = subprocess.run(
                [sys.executable, __file__, '--train-only'],
                env={**os.environ, 'OMP_NUM_THREADS': str(n)},
                capture_output=True, text=True, check=True)
            rates[n].append(float(child.stdout.split()[-1]))
    return {n: statistics.median(r) for n, r in rates.items()}


def main():
    args = parse_args()
    batch, batches, repeats = args.batch_size, args.batches, args.repeats
    if args.quick:
        batches, repeats = max(batches // 3, 1), min(repeats, 3)
    device = try_gpu()
    on_gpu = device.device_type == 'gpu'
    workers = (get_dataloader_workers() if args.workers is None
               else args.workers)
    train_set = CIFAR10(train=True)
    # Every loader pass covers the same images, all of them once.
    subset = train_set.take(batches * batch)
    # A CPU trains the narrow ResNet-18 at hundreds of images/s: few
    # batches.
    train_batches = 20 if on_gpu else 3
    if args.train_only:
        print(train_rate(train_set, BatchFlipLeftRight(), device, batch,
                         train_batches, 1))
        return
    if args.loader_only:
        loader = per_image_loader(subset, [transforms.RandomFlipLeftRight()],
                                  batch, workers)
        print(median_rates({'flip': loader_pass(loader)}, repeats)['flip'])
        return

    per_image = {
        'flip': [transforms.RandomFlipLeftRight()],
        'heavy': [transforms.RandomFlipLeftRight(),
                  transforms.RandomColorJitter(**JITTER),
                  transforms.RandomResizedCrop(32)],
    }
    batched = {
        'flip': BatchCompose([BatchFlipLeftRight()]),
        'heavy': BatchCompose([BatchFlipLeftRight(),
                               BatchColorJitter(**JITTER),
                               BatchRandomResizedCrop(32)]),
    }
    passes, notes = {}, {}
    for name in per_image:
        loader = per_image_loader(subset, per_image[name], batch, workers)
        passes[f'{name}_loader'] = loader_pass(loader)
        notes[f'{name}_loader'] = (f'd2l DataLoader, per image, '
                                   f'{workers} workers')
        loader = DeviceLoader.from_dataset(subset, batch,
                                           augment=batched[name],
                                           shuffle=True, ctx=device)
        passes[f'{name}_batched'] = loader_pass(loader)
        notes[f'{name}_batched'] = (f'd2l DeviceLoader, batched on '
                                    f'{loader.augment_ctx}')
    # Before d2l.augment_context: augmented on the training device's worker
    # with all its OpenMP threads (the same where that is d2l's choice).
    loader = DeviceLoader.from_dataset(subset, batch,
                                       augment=batched['heavy'],
                                       shuffle=True, ctx=device,
                                       augment_ctx=device)
    passes['heavy_batched_shared'] = loader_pass(loader)
    notes['heavy_batched_shared'] = (f'the same on {device}, whose worker '
                                     f'trains with every OpenMP thread')
    # Gluon has none of these: (augment, mix) of each, batched only.
    later = {
        'cutout': (BatchCutout(16), None),
        'affine': (BatchAffine(degrees=15, shear=10, translate=0.1), None),
        'trivialaug': (BatchTrivialAugment(), None),
        'randaug': (BatchRandAugment(2, 9), None),
        'mixup': (None, BatchMixup(10)),
        'cutmix': (None, BatchCutMix(10)),
    }
    for name, (augment, mix) in later.items():
        loader = DeviceLoader.from_dataset(subset, batch, augment=augment,
                                           mix=mix, shuffle=True, ctx=device)
        passes[f'{name}_batched'] = loader_pass(loader)
        notes[f'{name}_batched'] = (
            f'd2l DeviceLoader, {type(augment or mix).__name__} on '
            f'{loader.augment_ctx}')
    cases = median_rates(passes, repeats)

    # Training alone, with MXNet's own OpenMP thread count on x86 (half
    # the cores) and with d2l's (every usable core).
    cores = d2l.usable_cores()
    counts = {'train_mxnet_threads': max(1, cores // 2), 'train': cores}
    by_count = thread_rates(sorted(set(counts.values())), repeats)
    for name, count in counts.items():
        cases[name] = by_count[count]
        notes[name] = (f'ResNet-18 of width {d2l.get_budget().width} '
                       f'steps, batch {batch}, OMP_NUM_THREADS {count}')
    # End to end: a fresh net, each batch loaded, augmented and trained on.
    # A CPU gets a pass over 3 batches only, not an epoch.
    epoch_set = train_set if on_gpu else train_set.take(3 * batch)
    net, trainer = new_resnet(device)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    epochs = {}
    for name, augment_ctx in [('epoch', None), ('epoch_shared', device)]:
        loader = DeviceLoader.from_dataset(epoch_set, batch,
                                           augment=batched['heavy'],
                                           shuffle=True, ctx=device,
                                           augment_ctx=augment_ctx)
        epochs[name] = train_pass(net, loader, loss, trainer, device)
        notes[name] = (f'{"one epoch" if on_gpu else "capped pass"}: '
                       f'{len(epoch_set):,} images, heavy batched '
                       f'augmentation on {loader.augment_ctx}')
    cases.update(median_rates(epochs, repeats))

    print(f'machine: {describe_hardware([mx.cpu()])}, MXNet '
          f'{mx.__version__}')
    print(f'device: {device}'
          + (f' ({describe_hardware([device])})' if on_gpu else '')
          + f'; DataLoader workers: {workers}')
    print(f'loaders: batch {batch}; each pass covers the first '
          f'{len(subset):,} training images; median of {repeats} passes '
          f'per case after a warm-up pass, the cases taking turns')
    print(f'{"case":<20}{"images/s":>11}  how')
    for name, rate in cases.items():
        print(f'{name:<20}{rate:>11,.1f}  {notes[name]}')
    ratio = cases['heavy_batched'] / cases['heavy_loader']
    print(f'heavy_batched / heavy_loader = {ratio:.1f}x')
    ratio = cases['train'] / cases['train_mxnet_threads']
    print(f'train / train_mxnet_threads = {ratio:.2f}x')
    for name in ('heavy_batched', 'epoch'):
        ratio = cases[name] / cases[f'{name}_shared']
        print(f'{name} / {name}_shared = {ratio:.2f}x')
    os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump({name: round(rate, 1) for name, rate in cases.items()}, f,
                  indent=1)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
