"""Helpers for the Image Augmentation chapter of Dive into Deep Learning.

The chapter uses them through this flat namespace, e.g. `d2l.train_ch12`.
"""
from .config import BUDGETS, Budget, get_budget, seed_all
from .devices import split_batch, try_all_gpus, try_gpu
from .models import Residual, resnet18, resnet_block
from .plotting import Animator, plt, set_figsize, show_images, use_png
from .training import (Accumulator, Timer, accuracy, evaluate_accuracy_gpus,
                       train_batch_ch12, train_ch12)
