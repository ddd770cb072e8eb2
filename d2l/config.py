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

    The final model of every run is scored on the first `num_test` test
    images; the per-epoch test curve, drawn while training, on the first
    `num_curve_test` of them. `width` is the number of channels in
    ResNet-18's first stage (64 in the original); every later stage
    doubles it.
    """
    name: str
    num_train: int
    num_test: int
    num_epochs: int
    width: int
    num_curve_test: int

    def __str__(self):
        # At most about 100 characters: a line on the page.
        curve = ('' if self.num_curve_test == self.num_test else
                 f' ({self.num_curve_test:,} per epoch)')
        return (f'{self.name} budget: {self.num_train:,} training, '
                f'{self.num_test:,} test images{curve}, {self.num_epochs} '
                f'epochs, ResNet-18 width {self.width}')


BUDGETS = {
    # The chapter's experiment: all of CIFAR-10, 10 epochs, on a GPU.
    'full': Budget('full', 50000, 10000, 10, 64, 10000),
    # The same comparison in under 20 minutes of training on a 2-core CPU:
    # a tenth of the images seen twice as often, by a net with 1/16 of the
    # arithmetic. The final models are scored on the whole test set, so
    # that paired comparisons can resolve differences of about 1%; the
    # curve keeps 2,000 images to spare 20 passes over all of them.
    'cpu': Budget('cpu', 5000, 10000, 20, 16, 2000),
    # Seconds per run, for tests: shows that everything runs, proves
    # nothing.
    'quick': Budget('quick', 512, 256, 2, 16, 256),
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

    Gluon's flips and color transforms draw from MXNet's generator,
    RandomResizedCrop from Python's `random`; d2l.DataLoader draws its
    order and its per-batch seeds from NumPy's.
    """
    random.seed(seed)
    np.random.seed(seed)
    mx.random.seed(seed)
