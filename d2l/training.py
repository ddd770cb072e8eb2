"""Training: timing, metrics, evaluation and multi-device training loops."""
import time

from mxnet import autograd, nd
import numpy as np

from .devices import check_devices, split_batch, try_all_gpus
from .plotting import Animator


class Timer:
    """Record several running times."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.perf_counter()

    def stop(self):
        """Stop the timer and return the time since start()."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """Sum over `n` variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def correct(y_hat, y):
    """Per example, 1 if the prediction is right, else 0 (an NDArray).

    `y_hat` holds class scores or class indices. Soft labels
    (N, num_classes), as mixing transforms make, count their heaviest
    class as the true one.
    """
    if y_hat.ndim > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    if y.ndim > 1:
        y = y.argmax(axis=1)
    return y_hat.astype(y.dtype) == y


def accuracy(y_hat, y):
    """Count the correct predictions (class scores or class indices)."""
    return float(correct(y_hat, y).sum().asscalar())


def average_running_stats(net):
    """Give every device the mean of the devices' BatchNorm statistics.

    Each device's copy of `net` updates its own running mean and variance
    in training; without this, an image's score would depend on which
    device its slice of the batch lands on, and a saved net (Gluon saves
    the mean of the copies) would not be the net that was scored.
    """
    for param in net.collect_params('.*running_(mean|var)').values():
        copies = param.list_data()
        if len(copies) > 1:
            mean = nd.add_n(*[c.as_in_context(copies[0].context)
                              for c in copies]) / len(copies)
            for copy in copies:
                # In place (not set_data): static_alloc graphs keep these.
                mean.copyto(copy)


def evaluate_outcomes(net, data_iter, split_f=split_batch):
    """Per example of `data_iter`, in its order: did `net` get it right?

    Returns a string of '1' (right) and '0' (wrong), one character per
    example: compact in a JSON record, and enough to recompute any
    accuracy or paired comparison. The net runs in evaluation mode (no
    autograd.record here), so BatchNorm uses its running statistics (the
    devices' mean, see `average_running_stats`) and Dropout is off.
    """
    ctx_list = list(net.collect_params().values())[0].list_ctx()
    average_running_stats(net)
    outcomes = []
    for features, labels in data_iter:
        Xs, ys = split_f(features, labels, ctx_list)
        # split_f cuts the batch into consecutive parts: order is kept.
        outcomes.extend(''.join(map(str, correct(net(X), y).asnumpy()
                                    .astype(int)))
                        for X, y in zip(Xs, ys))
    outcomes = ''.join(outcomes)
    if not outcomes:
        raise ValueError('evaluate_outcomes: data_iter yielded no '
                         'examples; pass a non-empty test set.')
    return outcomes


def evaluate_accuracy_gpus(net, data_iter, split_f=split_batch):
    """Accuracy of `net` on `data_iter`, split over the net's devices."""
    outcomes = evaluate_outcomes(net, data_iter, split_f)
    return outcomes.count('1') / len(outcomes)


def train_batch_ch12(net, features, labels, loss, trainer, ctx_list,
                     split_f=split_batch):
    """Train `net` on one minibatch split across `ctx_list`.

    Returns the minibatch's loss sum and number of correct predictions
    as an NDArray [loss, correct] on the first device, not read yet, so
    the devices need not wait for Python at every step.
    """
    Xs, ys = split_f(features, labels, ctx_list)
    with autograd.record():
        pys = [net(X) for X in Xs]
        ls = [loss(py, y) for py, y in zip(pys, ys)]
    for l in ls:
        l.backward()
    # trainer.step sums every device's gradient: a device left without
    # examples (a batch smaller than ctx_list) must add 0, not its last.
    for ctx in ctx_list[len(Xs):]:
        for param in net.collect_params().values():
            if param.grad_req != 'null':
                param.grad(ctx)[:] = 0
    # The gradient is summed over the whole minibatch, however it is split.
    trainer.step(features.shape[0])
    return nd.add_n(*[nd.concat(l.sum(), correct(py, y).sum()
                                .astype('float32'), dim=0)
                      .as_in_context(ctx_list[0])
                      for l, py, y in zip(ls, pys, ys)])


def train_ch12(net, train_iter, test_iter, loss, trainer, num_epochs,
               ctx_list=None, split_f=split_batch):
    """Train `net`, plot progress, print and return the final metrics."""
    ctx_list = check_devices(
        try_all_gpus() if ctx_list is None else ctx_list, 'train_ch12')
    num_batches, timer = len(train_iter), Timer()
    wall_clock = Timer()
    # No fixed top: the loss starts above 2 (ln 10 for ten classes).
    animator = Animator(xlabel='epoch', xlim=[0, num_epochs],
                        ylim=[0, None],
                        legend=['train loss', 'train acc', 'test acc'])
    history = []
    for epoch in range(num_epochs):
        # Sum of training loss, sum of training accuracy, no. of examples
        metric, sums, sizes = Accumulator(3), [], []
        timer.start()
        for i, (features, labels) in enumerate(train_iter):
            sums.append(train_batch_ch12(
                net, features, labels, loss, trainer, ctx_list, split_f))
            sizes.append(labels.shape[0])
            # About five points per epoch, and always the epoch's last batch.
            if (i + 1) % max(num_batches // 5, 1) == 0 or \
                    i + 1 == num_batches:
                # One read per point: it waits for the steps since the last.
                for (l, acc), n in zip(nd.stack(*sums).asnumpy(), sizes):
                    metric.add(l, acc, n)
                sums, sizes = [], []
                timer.stop()
                animator.add(epoch + (i + 1) / num_batches,
                             (metric[0] / metric[2], metric[1] / metric[2],
                              None))
                timer.start()
        # The curve's test set (the budget's num_curve_test images), not
        # the final score's: legend and printed line say how many.
        outcomes = evaluate_outcomes(net, test_iter, split_f)
        test_acc = outcomes.count('1') / len(outcomes)
        animator.legend[2] = f'test acc ({len(outcomes):,} images)'
        animator.add(epoch + 1, (None, None, test_acc))
        history.append({'epoch': epoch + 1,
                        'train_loss': metric[0] / metric[2],
                        'train_acc': metric[1] / metric[2],
                        'test_acc': test_acc})
    speed = metric[2] * num_epochs / timer.sum()
    final = history[-1]
    print(f'loss {final["train_loss"]:.3f}, '
          f'train acc {final["train_acc"]:.3f}, curve test acc '
          f'{test_acc:.3f} ({len(outcomes):,} images)')
    print(f'{speed:.1f} examples/sec on {ctx_list}')
    return {**final, 'examples_per_sec': speed,
            'seconds': wall_clock.stop(), 'history': history}


def score_test(net, test_iter, split_f=split_batch):
    """The test record of `net`: accuracy, number of examples, outcomes.

    `test_iter` must not shuffle: `test_outcomes` (see
    `evaluate_outcomes`) follow the test set's order, so that two records
    on the same test set pair up image by image.
    """
    outcomes = evaluate_outcomes(net, test_iter, split_f)
    return {'test_acc': outcomes.count('1') / len(outcomes),
            'num_test': len(outcomes), 'test_outcomes': outcomes}


def score_final(result, net, clean_train_iter, test_iter,
                split_f=split_batch):
    """`result`, what train_ch12 returns, with the final model's scores.

    train_ch12's `train_acc` averages an epoch of augmented images seen
    by a net that changes during the epoch, with BatchNorm in training
    mode: augmentation lowers it, and so narrows the train-test gap, by
    construction. It is kept as `epoch_train_acc`; `clean_train_acc` is
    the final net in evaluation mode on the un-augmented training images
    (`clean_train_iter`), measured the same way as the test accuracy.
    `test_acc` becomes the final net's accuracy on `test_iter` (e.g. the
    whole test set), with its outcomes (see `score_test`); the per-epoch
    values stay in `history`.
    """
    scored = {key: value for key, value in result.items()
              if key != 'train_acc'}
    scored.update(
        epoch_train_acc=result['train_acc'],
        clean_train_acc=evaluate_accuracy_gpus(net, clean_train_iter,
                                               split_f),
        **score_test(net, test_iter, split_f))
    return scored
