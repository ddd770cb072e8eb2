"""The chapter's recipes, its learning-rate schedules, and one function
that trains and scores a recipe."""
from mxnet import gluon, init, lr_scheduler as schedulers

from .augment import (BatchColorJitter, BatchCompose, BatchFlipLeftRight,
                      BatchPadCrop, DeviceLoader)
from .config import seed_all
from .data import CIFAR10
from .devices import check_devices, try_all_gpus
from .models import resnet18
from .training import score_final, train_ch12


def chapter_recipes():
    """The chapter's three recipes: {name: batched training augmentation}.

    Fresh transforms on every call. Flips, a shift of up to 4 pixels
    (pad and crop) and mild color jitter make the strongest recipe.
    """
    return {
        'no augmentation': None,
        'flip': BatchFlipLeftRight(),
        'flip + crop + color': BatchCompose([
            BatchFlipLeftRight(), BatchPadCrop(4),
            BatchColorJitter(brightness=0.2, contrast=0.2,
                             saturation=0.2)])}


# The companion's names for the chapter's recipes (its baseline is the
# chapter's strongest recipe), for the seed record, which uses the latter.
RECIPE_ALIASES = {'strong': 'flip + crop + color'}

# 'cosine' decays the learning rate to 0 over the run; 'constant' keeps
# it, as the book does. Records without `lr_schedule` predate the choice
# and used the constant rate.
LR_SCHEDULES = ('cosine', 'constant')


def lr_scheduler(lr_schedule, lr, num_updates):
    """MXNet's scheduler for `lr_schedule`: a cosine from `lr` down to 0
    over `num_updates` updates, or None (a constant `lr`)."""
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f'lr_schedule={lr_schedule!r} is not a schedule; '
                         f'use one of {", ".join(map(repr, LR_SCHEDULES))}.')
    if lr_schedule == 'constant':
        return None
    return schedulers.CosineScheduler(max_update=num_updates, base_lr=lr,
                                      final_lr=0)


def train_recipe(augs, budget, seed=0, mix=None, lr=0.001, batch_size=256,
                 devices=None, lr_schedule='cosine'):
    """Train a fresh ResNet-18 with `augs` (and `mix`) on `budget`, then
    score the final net (see `score_final`).

    `seed` sets the initialization, the data order and the augmentation's
    draws. Adam's learning rate starts at `lr` and follows `lr_schedule`
    (see `lr_scheduler`), which the record keeps. The per-epoch curve
    uses the budget's curve test images; the final net is scored on its
    `num_test` test images and, in evaluation mode, on the un-augmented
    training images. Returns the record, the net and the final test data
    (for more scores, e.g. flip averaging).
    """
    devices = check_devices(
        try_all_gpus() if devices is None else devices, 'train_recipe')
    # Data and augmentation on the first training device: split_batch
    # copies each part from there to its device.
    ctx = devices[0]
    seed_all(seed)
    net = resnet18(10, width=budget.width)
    net.initialize(init=init.Xavier(), ctx=devices)
    net.hybridize(static_alloc=True, static_shape=True)
    # Mixing transforms give soft labels.
    loss = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=mix is None)
    X, y = CIFAR10(train=True)[0:budget.num_train]
    X_test, y_test = CIFAR10(train=False)[0:budget.num_test]
    # Only training shuffles: test outcomes keep the test set's order.
    train_iter = DeviceLoader(X, y, batch_size, augs, shuffle=True,
                              ctx=ctx, mix=mix)
    curve_iter = DeviceLoader(X_test[:budget.num_curve_test],
                              y_test[:budget.num_curve_test], batch_size,
                              ctx=ctx)
    test_iter = DeviceLoader(X_test, y_test, batch_size, ctx=ctx)
    num_updates = budget.num_epochs * len(train_iter)
    trainer = gluon.Trainer(net.collect_params(), 'adam', {
        'learning_rate': lr,
        'lr_scheduler': lr_scheduler(lr_schedule, lr, num_updates)})
    print(f'{budget}\n{lr_schedule} learning rate from {lr}, on {devices}')
    result = train_ch12(net, train_iter, curve_iter, loss, trainer,
                        budget.num_epochs, devices)
    clean_train_iter = DeviceLoader(X, y, batch_size, ctx=ctx)
    record = score_final(result, net, clean_train_iter, test_iter)
    return {**record, 'lr_schedule': lr_schedule}, net, test_iter
