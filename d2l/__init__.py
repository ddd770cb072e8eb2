"""Helpers for the Image Augmentation chapter of Dive into Deep Learning.

The chapter uses them through this flat namespace, e.g. `d2l.train_ch12`.
"""
# Before anything imports mxnet: it reads OMP_NUM_THREADS, the NumPy names
# it uses and its CUDA libraries as it loads.
from .notes import PAGE_WIDTH, fill, say
from .preload import prepare_mxnet, usable_cores, use_all_cores
for _note in prepare_mxnet():
    print(fill(_note))
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
from .devices import (augment_context, check_devices, split_batch,
                      try_all_gpus, try_gpu)
from .loader import DataLoader
from .mixing import BatchCutMix, BatchCutout, BatchMix, BatchMixup
from .models import Residual, resnet18, resnet_block
from .plotting import Animator, plt, set_figsize, show_images, use_png
from .recipes import (LR_SCHEDULES, RECIPE_ALIASES, chapter_recipes,
                      lr_scheduler, train_recipe)
from .results import (ALPHA, SEED_SDS, Table, accuracy_change,
                      add_verdicts, compare_with_baseline, comparison_table,
                      describe_hardware, load_runs, mcnemar_p,
                      paired_comparison, plot_accuracy_curves,
                      results_table, save_runs, seed_verdict,
                      standard_error)
from .spread import (SeedSpread, load_seed_spread, record_spread,
                     schedule_of, seed_groups, seed_spread, seed_table)
from .training import (Accumulator, Timer, accuracy, average_running_stats,
                       correct, evaluate_accuracy_gpus, evaluate_outcomes,
                       score_final, score_test, train_batch_ch12,
                       train_ch12)
from .tta import FlipAveraged, evaluate_accuracy_flip, score_flip_averaged

__all__ = [
    'Accumulator', 'accuracy', 'accuracy_change', 'add_verdicts', 'ALPHA',
    'Animator', 'augment_context', 'average_running_stats', 'batch_to_tensor',
    'BatchAffine', 'BatchColorJitter', 'BatchCompose', 'BatchCutMix',
    'BatchCutout', 'BatchFlipLeftRight', 'BatchMix', 'BatchMixup',
    'BatchPadCrop', 'BatchRandAugment', 'BatchRandomResizedCrop',
    'BatchTrivialAugment', 'Budget', 'BUDGETS', 'chapter_recipes',
    'check_devices', 'CIFAR10', 'CIFAR10FileError', 'CIFAR10NotFoundError',
    'compare_with_baseline', 'comparison_table', 'correct', 'DataLoader',
    'describe_hardware', 'DeviceLoader', 'evaluate_accuracy_flip',
    'evaluate_accuracy_gpus', 'evaluate_outcomes', 'fill', 'FlipAveraged',
    'get_budget', 'get_cifar10_labels', 'get_dataloader_workers', 'load_runs',
    'load_seed_spread', 'lr_scheduler', 'LR_SCHEDULES', 'mcnemar_p',
    'PAGE_WIDTH', 'paired_comparison', 'plot_accuracy_curves', 'plt',
    'prepare_mxnet', 'RECIPE_ALIASES', 'record_spread', 'Residual',
    'resnet18', 'resnet_block', 'results_table', 'save_runs', 'say',
    'schedule_of', 'score_final', 'score_flip_averaged', 'score_test',
    'seed_all', 'SEED_SDS', 'seed_groups', 'seed_spread', 'seed_table',
    'seed_verdict', 'SeedSpread', 'set_figsize', 'show_images', 'split_batch',
    'standard_error', 'Table', 'Timer', 'train_batch_ch12', 'train_ch12',
    'train_recipe', 'try_all_gpus', 'try_gpu', 'usable_cores',
    'use_all_cores', 'use_png',
]
