"""`make data` without a local copy: get CIFAR-10 as d2l.CIFAR10 does.

It downloads the archive where the network allows; otherwise it stops
`make` with d2l's one error, before any test or cell runs without data.
"""
import sys

import d2l

try:
    for train in (False, True):
        d2l.CIFAR10(train=train)
except d2l.CIFAR10NotFoundError as err:
    sys.exit(f'make data: {err}')
