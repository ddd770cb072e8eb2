"""Configuration: the training budget and seeding the random generators."""
import dataclasses
import os
import random

import mxnet as mx
import numpy as np

from .devices import try_all_gpus


@dataclasses.dataclass(frozen=True)
class Budget:
    """How much of CIFAR-10 to train on, for how long, and how wide a net.

    `width` is the number of channels in ResNet-18's first stage (64 in
    the original); every later stage doubles it.
    """
    name: str
    num_train: int
    num_test: int
    num_epochs: int
    width: int

    def __str__(self):
        return (f'{self.name} budget: {self.num_train:,} training and '
                f'{self.num_test:,} test images, {self.num_epochs} epochs, '
                f'ResNet-18 of width {self.width}')


BUDGETS = {
    # The chapter's experiment: all of CIFAR-10, 10 epochs, on a GPU.
    'full': Budget('full', 50000, 10000, 10, 64),
    # The same comparison in under 20 minutes on a 2-core CPU: a tenth of
    # the images seen twice as often, by a net with 1/16 of the arithmetic.
    'cpu': Budget('cpu', 5000, 2000, 20, 16),
    # Seconds per run, for tests: shows that everything runs, proves
    # nothing.
    'quick': Budget('quick', 512, 256, 2, 16),
}


def get_budget():
    """The budget named by $D2L_BUDGET: full with a GPU, cpu without."""
    name = os.environ.get('D2L_BUDGET', '').strip().lower()
    if not name:
        name = 'full' if try_all_gpus()[0].device_type == 'gpu' else 'cpu'
    if name not in BUDGETS:
        raise ValueError(f'D2L_BUDGET={name!r} is not a budget; use one of '
                         f'{", ".join(BUDGETS)}.')
    return BUDGETS[name]


def seed_all(seed):
    """Seed every generator the transforms draw from.

    Gluon's RandomFlipLeftRight and RandomResizedCrop use Python's
    `random`, the color transforms use MXNet's generator.
    """
    random.seed(seed)
    np.random.seed(seed)
    mx.random.seed(seed)
