"""Preload: what must happen before MXNet loads, in one place.

`prepare_mxnet` is the entry point; `import d2l` calls it first.

Threads. MXNet 1.9.1 on x86 assumes hyper-threading and starts half as many OpenMP
threads as there are processors: one on a 2-core machine without it, where
ResNet-18 then trains at two thirds of the speed that both cores give. MXNet
reads OMP_NUM_THREADS only when it loads.
"""
import math
import os
import sys

# cgroup v2's CPU limit for this process ("max" or "QUOTA PERIOD").
_CGROUP_CPU_MAX = '/sys/fs/cgroup/cpu.max'


def usable_cores(cpu_max_path=_CGROUP_CPU_MAX):
    """Cores this process may run on: its CPU affinity, capped by a
    container's CPU quota (as `docker run --cpus` sets) where there is one.
    """
    if hasattr(os, 'sched_getaffinity'):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    try:
        with open(cpu_max_path) as f:
            quota, period = f.read().split()[:2]
        if quota != 'max':
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # No cgroup v2 limit readable: the affinity is the limit.
    return cores


def use_all_cores(environ=os.environ, modules=sys.modules):
    """Set OMP_NUM_THREADS to the usable cores unless the user chose.

    Returns a one-line note that says what MXNet computes with.
    """
    if 'OMP_NUM_THREADS' in environ:
        return (f'd2l: MXNet computes with OMP_NUM_THREADS='
                f'{environ["OMP_NUM_THREADS"]} as set.')
    if 'mxnet' in modules:
        return ('d2l: mxnet was imported before d2l, so it keeps its own '
                'OpenMP thread count (half the processors on x86); import '
                'd2l first or set OMP_NUM_THREADS.')
    cores = usable_cores()
    environ['OMP_NUM_THREADS'] = str(cores)
    return (f'd2l: MXNet computes with {cores} OpenMP thread'
            f'{"s" if cores > 1 else ""}, one per usable core; set '
            f'OMP_NUM_THREADS to choose another number.')


def prepare_mxnet():
    """Make MXNet 1.9.1 load as this machine needs; call before it loads.

    Returns the notes to print, one line each.
    """
    return [use_all_cores()]
