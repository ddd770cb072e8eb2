"""d2l.preload: what happens before MXNet loads."""
import os
import subprocess
import sys

import d2l


def test_usable_cores_is_the_affinity_without_a_quota(tmp_path):
    assert d2l.usable_cores(str(tmp_path / 'absent')) == \
        len(os.sched_getaffinity(0))
    unlimited = tmp_path / 'cpu.max'
    unlimited.write_text('max 100000\n')
    assert d2l.usable_cores(str(unlimited)) == len(os.sched_getaffinity(0))


def test_usable_cores_follows_a_container_quota(tmp_path):
    cpu_max = tmp_path / 'cpu.max'
    cpu_max.write_text('50000 100000\n')  # docker run --cpus 0.5
    assert d2l.usable_cores(str(cpu_max)) == 1
    cpu_max.write_text('150000 100000\n')  # --cpus 1.5: round up
    assert d2l.usable_cores(str(cpu_max)) == min(
        2, len(os.sched_getaffinity(0)))


def test_use_all_cores_sets_omp_num_threads_before_mxnet():
    environ = {}
    note = d2l.use_all_cores(environ, modules={})
    assert environ == {'OMP_NUM_THREADS': str(d2l.usable_cores())}
    assert note.startswith(f'd2l: MXNet computes with {d2l.usable_cores()} '
                           f'OpenMP thread')


def test_use_all_cores_respects_the_users_choice():
    environ = {'OMP_NUM_THREADS': '1'}
    assert d2l.use_all_cores(environ, modules={}) == \
        'd2l: MXNet computes with OMP_NUM_THREADS=1 as set.'
    assert environ == {'OMP_NUM_THREADS': '1'}


def test_use_all_cores_too_late_says_so():
    environ = {}
    note = d2l.use_all_cores(environ, modules={'mxnet': sys})
    assert environ == {} and 'imported before d2l' in note


def _child(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, check=True, env={**environ, **env})


# The threads of a process that ran a few convolutions: OpenMP starts
# its worker threads on the first parallel region.
_COUNT_THREADS = """
import d2l, os
from mxnet import nd
x, w = nd.ones((8, 16, 32, 32)), nd.ones((16, 16, 3, 3))
for _ in range(3):
    nd.Convolution(x, w, kernel=(3, 3), num_filter=16,
                   no_bias=True).wait_to_read()
print(os.environ['OMP_NUM_THREADS'], len(os.listdir('/proc/self/task')))
"""


def test_importing_d2l_gives_mxnet_every_core():
    cores = d2l.usable_cores()
    done = _child(_COUNT_THREADS)
    assert 'd2l: MXNet computes with' in done.stdout
    threads, count = done.stdout.splitlines()[-1].split()
    assert threads == str(cores)
    # MXNet starts as many threads as when the user asks for every core,
    # and more than with one (its own choice on 2 x86 cores).
    assert _child(_COUNT_THREADS, OMP_NUM_THREADS=str(cores)).stdout \
        .split()[-1] == count
    if cores > 1:
        one = _child(_COUNT_THREADS, OMP_NUM_THREADS='1').stdout.split()
        assert int(one[-1]) < int(count)


def test_importing_d2l_keeps_the_users_threads():
    done = _child('import d2l, os; print(os.environ["OMP_NUM_THREADS"])',
                  OMP_NUM_THREADS='1')
    assert done.stdout.splitlines() == [
        'd2l: MXNet computes with OMP_NUM_THREADS=1 as set.', '1']
