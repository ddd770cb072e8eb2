"""Metrics, evaluation and the training loops of d2l.training."""
import os

import mxnet as mx
from mxnet import gluon, init, nd
from mxnet.gluon import nn
import numpy as np
import pytest

import d2l

CPUS = [mx.cpu(0), mx.cpu(1)]


def test_accuracy_from_scores_and_from_indices():
    y = nd.array([0, 1, 2, 1])
    scores = nd.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1],
                       [0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    assert d2l.accuracy(scores, y) == 2.0
    assert d2l.accuracy(nd.array([0, 1, 2, 2]), y) == 3.0


def test_accumulator_and_timer():
    metric = d2l.Accumulator(2)
    metric.add(1, 2.5)
    metric.add(nd.array([3]).asscalar(), 0.5)
    assert (metric[0], metric[1]) == (4.0, 3.0)
    metric.reset()
    assert metric.data == [0.0, 0.0]
    timer = d2l.Timer()
    timer.stop()
    timer.start()
    timer.stop()
    assert len(timer.times) == 2 and timer.sum() >= 0
    assert timer.cumsum()[-1] == pytest.approx(timer.sum())


def _dataset(n, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 8)).astype('float32')
    y = rng.randint(0, 3, size=n).astype('float32')
    return gluon.data.ArrayDataset(X, y), X, y


def test_evaluate_accuracy_gpus_matches_count_by_hand():
    dataset, X, y = _dataset(50)
    net = nn.Dense(3, in_units=8)
    net.initialize(init.Normal(1.0), ctx=CPUS)
    # 50 = 3 * 16 + 2: the last batch is small and split unevenly.
    loader = gluon.data.DataLoader(dataset, batch_size=16)
    W, b = net.weight.data(CPUS[0]).asnumpy(), net.bias.data(CPUS[0])
    predicted = (X @ W.T + b.asnumpy()).argmax(axis=1)
    expected = (predicted == y).mean()
    assert 0 < expected < 1
    assert d2l.evaluate_accuracy_gpus(net, loader) == pytest.approx(expected)


def test_evaluate_accuracy_gpus_rejects_empty_iterator():
    net = nn.Dense(3)
    net.initialize(ctx=CPUS)
    with pytest.raises(ValueError, match='yielded no examples'):
        d2l.evaluate_accuracy_gpus(net, [])


def test_train_ch12_learns_a_learnable_task(capsys):
    # Labels are a linear function of the features: a linear model must
    # fit them, so the loop has to compute gradients and step correctly.
    rng = np.random.RandomState(1)
    X = rng.normal(size=(240, 8)).astype('float32')
    y = (X @ rng.normal(size=(8, 3))).argmax(axis=1).astype('float32')
    train_iter = gluon.data.DataLoader(
        gluon.data.ArrayDataset(X, y), batch_size=50, shuffle=True)
    net = nn.Dense(3)
    net.initialize(init.Xavier(), ctx=CPUS)
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {'learning_rate': 0.05})
    result = d2l.train_ch12(net, train_iter, train_iter,
                            gluon.loss.SoftmaxCrossEntropyLoss(), trainer,
                            8, CPUS)
    history = result['history']
    assert [h['epoch'] for h in history] == list(range(1, 9))
    assert history[-1]['train_loss'] < history[0]['train_loss']
    assert result['train_acc'] > 0.9 and result['test_acc'] > 0.9
    assert result['seconds'] > 0
    out = capsys.readouterr().out.splitlines()
    # The per-epoch test set is named, not taken for the final score.
    assert out[-2] == (f'loss {result["train_loss"]:.3f}, train acc '
                       f'{result["train_acc"]:.3f}, curve test acc '
                       f'{result["test_acc"]:.3f} (240 images)')
    assert out[-1].endswith(f'examples/sec on {CPUS}')


@pytest.mark.real_data
def test_train_ch12_fits_resnet18_to_cifar10_images(capsys):
    root = os.path.join(mx.base.data_dir(), 'datasets', 'cifar10')
    if not os.path.exists(os.path.join(root, 'test_batch.bin')):
        pytest.skip(f'CIFAR-10 is not in {root} (run `make data`)')
    to_tensor = gluon.data.vision.transforms.ToTensor()

    def loader(train, n):
        dataset = d2l.CIFAR10(train=train).take(n)
        return gluon.data.DataLoader(dataset.transform_first(to_tensor),
                                     batch_size=32, shuffle=train)

    d2l.seed_all(0)
    net = d2l.resnet18(10, width=16)
    net.initialize(init.Xavier(), ctx=CPUS)
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {'learning_rate': 0.001})
    # 40 = 32 + 8: the last batch gives each device 4 images.
    result = d2l.train_ch12(net, loader(True, 40), loader(False, 16),
                            gluon.loss.SoftmaxCrossEntropyLoss(), trainer,
                            8, CPUS)
    history = result['history']
    # 16 steps nearly fit the 40 images (seeded: the loss falls from 3.1
    # to 0.3, 95% right); chance is 10%. Test accuracy on 16 images after
    # training on 40 says nothing.
    assert history[-1]['train_loss'] < history[0]['train_loss'] / 5
    assert result['train_acc'] >= 0.8
    assert 0 <= result['test_acc'] <= 1
    assert result['examples_per_sec'] > 0
    assert len(history) == 8
    # Outside a notebook the Animator prints its points as text.
    assert 'epoch 8.00: train loss' in capsys.readouterr().out


def test_animator_prints_outside_a_notebook(capsys):
    animator = d2l.Animator(xlabel='epoch', legend=['loss', 'acc'])
    animator.add(0.5, (1.25, None))
    animator.add(1, (0.75, 0.5))
    assert capsys.readouterr().out.splitlines() == [
        'epoch 0.50: loss 1.250', 'epoch 1.00: loss 0.750, acc 0.500']
    assert animator.Y == [[1.25, 0.75], [0.5]]


def test_budget_from_environment(monkeypatch):
    monkeypatch.setenv('D2L_BUDGET', 'full')
    assert d2l.get_budget() == d2l.Budget('full', 50000, 10000, 10, 64,
                                          10000)
    monkeypatch.setenv('D2L_BUDGET', 'cpu')
    assert d2l.get_budget() == d2l.Budget('cpu', 5000, 10000, 20, 16, 2000)
    monkeypatch.setenv('D2L_BUDGET', 'Quick ')
    assert d2l.get_budget().name == 'quick'
    monkeypatch.setenv('D2L_BUDGET', 'huge')
    with pytest.raises(ValueError, match="'huge' is not a budget"):
        d2l.get_budget()


def test_budget_line_states_all_of_it():
    # The final models see the whole test set, the curve a part of it.
    assert str(d2l.BUDGETS['cpu']) == (
        'cpu budget: 5,000 training, 10,000 test images (2,000 per '
        'epoch), 20 epochs, ResNet-18 width 16')
    assert str(d2l.BUDGETS['full']) == (
        'full budget: 50,000 training, 10,000 test images, 10 epochs, '
        'ResNet-18 width 64')
    # A line on the page.
    assert max(len(str(budget)) for budget in d2l.BUDGETS.values()) <= 100


@pytest.mark.parametrize('devices, name', [([mx.cpu()], 'cpu'),
                                           ([mx.gpu(0)], 'full')])
def test_budget_default_follows_the_device(monkeypatch, devices, name):
    monkeypatch.delenv('D2L_BUDGET', raising=False)
    monkeypatch.setattr(d2l.config, 'try_all_gpus', lambda: devices)
    assert d2l.get_budget().name == name


def test_seed_all_repeats_the_random_transforms():
    transforms = gluon.data.vision.transforms
    aug = transforms.Compose([
        transforms.RandomFlipLeftRight(),
        transforms.RandomResizedCrop(16),
        transforms.RandomBrightness(0.5)])
    img = nd.array(np.random.RandomState(0).randint(
        0, 256, (32, 32, 3)), dtype='uint8')

    def draws(seed):
        d2l.seed_all(seed)
        return np.stack([aug(img).asnumpy() for _ in range(8)])

    assert (draws(7) == draws(7)).all()
    assert not (draws(7) == draws(8)).all()


def test_train_ch12_plot_shows_the_loss(monkeypatch):
    # The first loss of a 10-class problem is about ln 10 = 2.3: the
    # y-axis of the live plot must reach that high, not stop at 2.
    monkeypatch.setattr(d2l.plotting, '_in_notebook', lambda: True)
    shown = []
    monkeypatch.setattr(d2l.Animator, '_draw', lambda self, line: (
        self.axes.cla(), [self.axes.plot(x, y) for x, y in
                          zip(self.X, self.Y)],
        self.config_axes(), shown.append(self.axes.get_ylim())))
    rng = np.random.RandomState(2)
    X = rng.normal(size=(64, 8)).astype('float32')
    y = rng.randint(0, 10, size=64).astype('float32')
    data = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y),
                                 batch_size=32)
    net = nn.Dense(10)
    net.initialize(init.Normal(3.0))
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'learning_rate': 0.01})
    result = d2l.train_ch12(net, data, data,
                            gluon.loss.SoftmaxCrossEntropyLoss(), trainer,
                            1, [mx.cpu()])
    assert result['train_loss'] > 2
    bottom, top = shown[-1]
    assert bottom == 0 and top >= result['history'][0]['train_loss']


def test_train_ch12_counts_soft_labels_once_per_example(capsys):
    # Mixing transforms give labels of shape (N, classes): the training
    # accuracy must still be correct predictions per example, the same as
    # with the equivalent class indices.
    rng = np.random.RandomState(3)
    X = rng.normal(size=(60, 8)).astype('float32')
    y = rng.randint(0, 3, size=60)
    results = []
    for labels, sparse in ((y.astype('float32'), True),
                           (np.eye(3, dtype='float32')[y], False)):
        mx.random.seed(0)
        net = nn.Dense(3)
        net.initialize(init.Xavier())
        trainer = gluon.Trainer(net.collect_params(), 'sgd',
                                {'learning_rate': 0.1})
        data = gluon.data.DataLoader(
            gluon.data.ArrayDataset(X, labels), batch_size=20)
        test = gluon.data.DataLoader(
            gluon.data.ArrayDataset(X, y.astype('float32')), batch_size=20)
        results.append(d2l.train_ch12(
            net, data, test,
            gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=sparse),
            trainer, 2, [mx.cpu()]))
    hard, soft = results
    assert 0.2 < hard['train_acc'] < 1
    assert soft['train_acc'] == pytest.approx(hard['train_acc'])
    assert soft['train_loss'] == pytest.approx(hard['train_loss'], rel=1e-4)


def test_evaluate_outcomes_follow_the_data_order():
    dataset, X, y = _dataset(50)
    net = nn.Dense(3, in_units=8)
    net.initialize(init.Normal(1.0), ctx=CPUS)
    W, b = net.weight.data(CPUS[0]).asnumpy(), net.bias.data(CPUS[0])
    right = (X @ W.T + b.asnumpy()).argmax(axis=1) == y
    # Batches of 16, each split over two devices, the last one uneven.
    outcomes = d2l.evaluate_outcomes(
        net, gluon.data.DataLoader(dataset, batch_size=16))
    assert outcomes == ''.join('1' if r else '0' for r in right)
    with pytest.raises(ValueError, match='yielded no examples'):
        d2l.evaluate_outcomes(net, [])


def _identity_net(p_drop):
    """Class = argmax of the 3 features, behind Dropout(p_drop)."""
    net = nn.Sequential()
    net.add(nn.Dropout(p_drop), nn.Dense(3, in_units=3, use_bias=False))
    net.initialize(ctx=CPUS)
    net[1].weight.set_data(nd.array(np.eye(3)))
    return net


def test_score_final_measures_clean_train_acc_in_eval_mode():
    rng = np.random.RandomState(4)
    X = rng.uniform(size=(64, 3)).astype('float32')
    y = X.argmax(axis=1).astype('float32')
    clean = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y),
                                  batch_size=16)
    test = gluon.data.DataLoader(gluon.data.ArrayDataset(X[:40], y[:40]),
                                 batch_size=16)
    # Dropout keeps 1 in 20 features in training mode: right about a
    # third of the time; off in evaluation mode: always right.
    net = _identity_net(0.95)
    result = {'train_loss': 1.0, 'train_acc': 0.25, 'test_acc': 0.5,
              'seconds': 3.0, 'history': [{'epoch': 1}]}
    scored = d2l.score_final(result, net, clean, test)
    assert scored['clean_train_acc'] == 1.0
    assert scored['epoch_train_acc'] == 0.25 and 'train_acc' not in scored
    assert scored['test_acc'] == 1.0 and scored['num_test'] == 40
    assert scored['test_outcomes'] == '1' * 40
    assert scored['seconds'] == 3.0 and scored['history'] == [{'epoch': 1}]
    # In training mode the same net is not: the test above would see it.
    with mx.autograd.record(train_mode=True):
        assert d2l.evaluate_accuracy_gpus(net, clean) < 0.9
