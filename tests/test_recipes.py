"""The chapter's recipes and train_recipe, on a budget of seconds."""
import dataclasses

from mxnet import nd
import numpy as np
import pytest

import d2l

TINY = dataclasses.replace(d2l.BUDGETS['quick'], num_train=64, num_test=48,
                           num_curve_test=32, num_epochs=1, width=4)


def test_chapter_recipes():
    recipes = d2l.chapter_recipes()
    assert list(recipes) == ['no augmentation', 'flip',
                             'flip + crop + color']
    assert recipes['no augmentation'] is None
    assert repr(recipes['flip + crop + color']) == repr(d2l.BatchCompose([
        d2l.BatchFlipLeftRight(), d2l.BatchPadCrop(4),
        d2l.BatchColorJitter(brightness=0.2, contrast=0.2,
                             saturation=0.2)]))


@pytest.mark.real_data
def test_train_recipe_scores_clean_training_images(monkeypatch):
    # An augmentation that destroys the images: the clean training
    # accuracy must still see the training images as they are, in order.
    seen = {}

    def score_final(result, net, clean_train_iter, test_iter):
        seen['clean'] = nd.concat(*[X for X, _ in clean_train_iter], dim=0)
        seen['test'] = nd.concat(*[y for _, y in test_iter], dim=0)
        return d2l.score_final(result, net, clean_train_iter, test_iter)

    monkeypatch.setattr(d2l.recipes, 'score_final', score_final)
    run, net, test_iter = d2l.train_recipe(lambda X: X * 0, TINY, seed=3)
    X, _ = d2l.CIFAR10(train=True)[0:64]
    np.testing.assert_array_equal(seen['clean'].asnumpy(),
                                  d2l.batch_to_tensor(X).asnumpy())
    _, y_test = d2l.CIFAR10(train=False)[0:48]
    np.testing.assert_array_equal(seen['test'].asnumpy(), y_test)
    assert run['num_test'] == 48 == len(run['test_outcomes'])
    assert 'epoch_train_acc' in run and 0 <= run['clean_train_acc'] <= 1
    # The net and the final test data come back for more scores.
    assert d2l.score_test(net, test_iter) == {
        key: run[key] for key in ('test_acc', 'num_test', 'test_outcomes')}


@pytest.mark.real_data
def test_train_recipe_learns():
    # 8 steps on one minibatch of 256 images, as the chapter's own
    # learning check (tests/test_chapter.py): seeded, with the cosine
    # decay the loss falls from 3.2 to 0.83; a learning rate 1000x off
    # either way stays near or above the start. Chance is 0.1.
    budget = dataclasses.replace(d2l.BUDGETS['quick'], num_train=256,
                                 num_epochs=8)
    run, _, _ = d2l.train_recipe(None, budget)
    history = run['history']
    assert history[-1]['train_loss'] < history[0]['train_loss'] / 3
    assert run['epoch_train_acc'] >= 0.8


@pytest.mark.parametrize('lr_schedule, first, last', [
    ('cosine', 0.001 * (1 + np.cos(np.pi / 4)) / 2, 0.0),
    ('constant', 0.001, 0.001)])
def test_train_recipe_follows_its_schedule(monkeypatch, lr_schedule,
                                           first, last):
    # MXNet's own CosineScheduler, over all of the run's updates: 4 here
    # (2 epochs of 2 minibatches), the first at update 1.
    seen = []

    def train_ch12(net, train_iter, test_iter, loss, trainer, num_epochs,
                   devices):
        for _ in range(num_epochs * len(train_iter)):
            trainer._optimizer.num_update += 1
            seen.append(trainer.learning_rate)
        return {'train_acc': 0.0, 'history': []}

    monkeypatch.setattr(d2l.recipes, 'train_ch12', train_ch12)
    # Nothing trained, nothing to score.
    monkeypatch.setattr(d2l.recipes, 'score_final',
                        lambda result, *args: result)
    budget = dataclasses.replace(TINY, num_train=64, num_epochs=2)
    run, _, _ = d2l.train_recipe(None, budget, batch_size=32,
                                 lr_schedule=lr_schedule)
    assert run['lr_schedule'] == lr_schedule
    assert len(seen) == 4
    assert seen[0] == pytest.approx(first) and seen[-1] == pytest.approx(
        last, abs=1e-12)
    assert seen == sorted(seen, reverse=True)


def test_an_unknown_schedule_is_one_clear_error():
    with pytest.raises(ValueError, match="'step' is not a schedule; use "
                                         "one of 'cosine', 'constant'"):
        d2l.lr_scheduler('step', 0.001, 10)
