"""Helpers for the Image Augmentation chapter of Dive into Deep Learning.

The chapter uses them through this flat namespace, e.g. `d2l.train_ch12`.
"""
# Before anything imports mxnet: it reads OMP_NUM_THREADS, the NumPy names
# it uses and its CUDA libraries as it loads.
from .preload import prepare_mxnet, usable_cores, use_all_cores
for _note in prepare_mxnet():
    print(_note)
del _note
# MXNet's recordio writes with ndarray.tostring, gone in NumPy 2.3.
from . import recordio
recordio.use_tobytes()

from .affine import BatchAffine
from .augment import (BatchColorJitter, BatchCompose, BatchFlipLeftRight,
                      BatchPadCrop, BatchRandomResizedCrop, DeviceLoader,
                      batch_to_tensor)
from .autoaugment import BatchRandAugment, BatchTrivialAugment
from .config import BUDGETS, Budget, get_budget, seed_all
from .data import (CIFAR10, CIFAR10FileError, CIFAR10NotFoundError,
                   get_cifar10_labels, get_dataloader_workers)
from .devices import augment_context, split_batch, try_all_gpus, try_gpu
from .mixing import BatchCutMix, BatchCutout, BatchMix, BatchMixup
from .models import Residual, resnet18, resnet_block
from .plotting import Animator, plt, set_figsize, show_images, use_png
from .recipes import chapter_recipes, train_recipe
from .results import (ALPHA, Table, accuracy_change, compare_with_baseline,
                      comparison_table, describe_hardware, load_runs,
                      mcnemar_p, paired_comparison, plot_accuracy_curves,
                      results_table, save_runs, standard_error)
from .training import (Accumulator, Timer, accuracy, correct,
                       evaluate_accuracy_gpus, evaluate_outcomes, score_final,
                       score_test, train_batch_ch12, train_ch12)
from .tta import FlipAveraged, evaluate_accuracy_flip, score_flip_averaged

__all__ = [
    'Accumulator', 'accuracy', 'accuracy_change', 'ALPHA', 'Animator',
    'batch_to_tensor', 'BatchAffine', 'BatchColorJitter', 'BatchCompose',
    'BatchCutMix', 'BatchCutout', 'BatchFlipLeftRight', 'BatchMix',
    'BatchMixup', 'BatchPadCrop', 'BatchRandAugment',
    'BatchRandomResizedCrop', 'BatchTrivialAugment', 'Budget', 'BUDGETS',
    'chapter_recipes', 'CIFAR10', 'CIFAR10FileError',
    'CIFAR10NotFoundError', 'compare_with_baseline', 'comparison_table',
    'correct', 'describe_hardware', 'DeviceLoader', 'evaluate_accuracy_flip',
    'evaluate_accuracy_gpus', 'evaluate_outcomes', 'FlipAveraged',
    'get_budget', 'get_cifar10_labels', 'get_dataloader_workers', 'load_runs',
    'mcnemar_p', 'paired_comparison', 'plot_accuracy_curves', 'plt',
    'prepare_mxnet', 'Residual', 'resnet18', 'resnet_block', 'results_table',
    'save_runs', 'score_final', 'score_flip_averaged', 'score_test',
    'seed_all', 'set_figsize', 'show_images', 'split_batch', 'standard_error',
    'Table', 'Timer', 'train_batch_ch12', 'train_ch12', 'train_recipe',
    'try_all_gpus', 'try_gpu', 'usable_cores', 'use_all_cores', 'use_png',
]
