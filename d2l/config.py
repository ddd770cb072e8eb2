"""Configuration: the training budget and seeding the random generators."""
import dataclasses
import os
import random

import mxnet as mx
import numpy as np

from .devices import try_all_gpus


@dataclasses.dataclass(frozen=True)
class Budget:
    """How much of CIFAR-10 to train on, and for how many epochs."""
    name: str
    num_train: int
    num_test: int
    num_epochs: int

    def __str__(self):
        return (f'{self.name} budget: {self.num_train:,} training and '
                f'{self.num_test:,} test images, {self.num_epochs} epochs')


BUDGETS = {
    # The chapter's experiment: all of CIFAR-10, 10 epochs.
    'full': Budget('full', 50000, 10000, 10),
    # Minutes on a laptop CPU: shows that everything runs, proves nothing.
    'quick': Budget('quick', 512, 256, 2),
}


def get_budget():
    """The budget named by $D2L_BUDGET: full with a GPU, quick without."""
    name = os.environ.get('D2L_BUDGET', '').strip().lower()
    if not name:
        name = 'full' if try_all_gpus()[0].device_type == 'gpu' else 'quick'
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
