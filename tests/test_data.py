"""Tests for d2l.data: CIFAR-10 from files, archives or the web, workers."""
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import tarfile

import mxnet as mx
import numpy as np
import pytest
import requests

from d2l import data
from printed import notes

NAMES = [f'data_batch_{i}.bin' for i in range(1, 6)] + ['test_batch.bin']
ARCHIVE = 'cifar-10-binary.tar.gz'
REAL_ROOT = os.path.join(mx.base.data_dir(), 'datasets', 'cifar10')
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
needs_cifar10 = pytest.mark.skipif(
    not all(os.path.exists(os.path.join(REAL_ROOT, n)) for n in NAMES),
    reason=f'CIFAR-10 is not in {REAL_ROOT}: run `make data` or set '
           f'MXNET_HOME')


def records(n, seed):
    """`n` random CIFAR-10 records: a label byte, then 3,072 pixel bytes.

    Images of 8 x 8 blocks with a little noise, so that neighbouring pixels
    are alike, as in photographs.
    """
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (n, 3, 4, 4)).repeat(8, 2).repeat(8, 3)
    noise = rng.integers(-8, 9, blocks.shape)
    rec = np.empty((n, 3073), np.uint8)
    rec[:, 1:] = np.clip(blocks + noise, 0, 255).reshape(n, -1)
    rec[:, 0] = rng.integers(0, 10, n)
    return rec


def images(rec):
    """The (N, 32, 32, 3) images that `rec` holds as R, G, B planes."""
    return rec[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def batches(n):
    """Different records for each of the six files."""
    return {name: records(n, seed) for seed, name in enumerate(NAMES)}


def write_batches(root, recs):
    root.mkdir(parents=True, exist_ok=True)
    for name, rec in recs.items():
        (root / name).write_bytes(rec.tobytes())


def tar_gz(members):
    """A tar.gz of `members`: name -> bytes, or a TarInfo to add as is."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for name, content in members.items():
            if isinstance(content, tarfile.TarInfo):
                tar.addfile(content)
            else:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def listing(path):
    return sorted(os.listdir(path))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests never download; those that need it replace this again."""
    def download(*args, **kwargs):
        raise AssertionError('a test tried to download')
    monkeypatch.setattr(data, 'download', download)


@pytest.fixture
def small(monkeypatch):
    """Batch files of 20 records, to keep fixtures tiny."""
    monkeypatch.setattr(data.CIFAR10, 'num_records', 20)
    return 20


def test_noncanonical_file_is_read_with_one_note(tmp_path, capsys):
    rec = records(10000, 0)
    rec[0, :2], rec[0, 1 + 1024], rec[0, -1] = (7, 11), 22, 33
    rec[-1, 0] = 3
    write_batches(tmp_path, {'test_batch.bin': rec})
    dataset = data.CIFAR10(root=str(tmp_path), train=False)
    X, y = dataset[:]
    assert isinstance(X, mx.nd.NDArray) and X.dtype == np.uint8
    assert X.shape == (10000, 32, 32, 3) and y.dtype == np.int32
    X = X.asnumpy()
    # R and G of the top-left pixel, B of the bottom-right one.
    assert (X[0, 0, 0, :2].tolist(), X[0, 31, 31, 2]) == ([11, 22], 33)
    assert (dataset[0][1], dataset[9999][1]) == (7, 3)
    assert np.array_equal(X, images(rec))
    assert np.array_equal(y, rec[:, 0])
    note = notes(capsys.readouterr().out)
    assert len(note) == 1
    assert 'test_batch.bin' in note[0] and 'SHA1' in note[0]


def test_note_comes_once_per_process(tmp_path, small, capsys):
    write_batches(tmp_path, batches(small))
    data.CIFAR10(root=str(tmp_path), train=False)
    data.CIFAR10(root=str(tmp_path), train=False)
    data.CIFAR10(root=str(tmp_path), train=True)
    printed = notes(capsys.readouterr().out)
    assert len(printed) == 2
    assert 'test_batch.bin' in printed[0] and 'data_batch_1' in printed[1]


def test_canonical_files_get_no_note(tmp_path, small, capsys, monkeypatch):
    write_batches(tmp_path, batches(small))
    monkeypatch.setattr(data, 'check_sha1', lambda path, sha1: True)
    data.CIFAR10(root=str(tmp_path), train=False)
    assert capsys.readouterr().out == ''


def test_train_split_is_the_five_batches_in_order(tmp_path, small, capsys):
    recs = batches(small)
    write_batches(tmp_path, recs)
    X, y = data.CIFAR10(root=str(tmp_path))[:]
    train = np.concatenate([recs[name] for name in NAMES[:5]])
    assert np.array_equal(X.asnumpy(), images(train))
    assert np.array_equal(y, train[:, 0])
    note = notes(capsys.readouterr().out)
    assert len(note) == 1
    assert all(name in note[0] for name in NAMES[:5])
    assert 'test_batch.bin' not in note[0]


@pytest.mark.parametrize('n, with_archive', [(10000, False), (20, True)])
def test_truncated_file_is_named_and_kept(tmp_path, monkeypatch, n,
                                          with_archive):
    monkeypatch.setattr(data.CIFAR10, 'num_records', n)
    content = records(n, 1).tobytes()[:-1000]
    (tmp_path / 'test_batch.bin').write_bytes(content)
    if with_archive:
        (tmp_path / ARCHIVE).write_bytes(
            tar_gz({name: records(n, 2).tobytes() for name in NAMES}))
    before = listing(tmp_path)
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(tmp_path), train=False)
    message = str(error.value)
    assert str(tmp_path / 'test_batch.bin') in message
    assert f'{n * 3073 - 1000:,} bytes' in message
    assert f'{n * 3073:,}' in message and 'move it aside' in message
    assert (tmp_path / 'test_batch.bin').read_bytes() == content
    assert listing(tmp_path) == before


def not_cifar10(kind, n):
    """`n` records' worth of bytes of `kind`, which is not CIFAR-10."""
    rec = records(n, 3)
    if kind == 'text':
        text = b'CIFAR-10 holds 60,000 small images in ten classes. '
        return (text * (n * 3073 // len(text) + 1))[:n * 3073]
    if kind == 'zeros':
        return bytes(n * 3073)
    if kind == 'constant':
        return bytes([5]) * (n * 3073)
    if kind == 'label_10':
        rec[n // 2, 0] = 10
    if kind == 'one_class':
        rec[:, 0] = 3
    if kind == 'few_of_a_class':
        rec[rec[:, 0] == 7, 0] = 6
        rec[:400, 0] = 7
    if kind == 'noise':
        rec[:, 1:] = np.random.default_rng(4).integers(0, 256, (n, 3072))
    if kind == 'interleaved':  # R, G, B of each pixel, not in planes.
        rec[:, 1:] = images(rec).reshape(n, -1)
    return rec.tobytes()


NOT_CIFAR10 = {
    'text': 'outside 0 to 9 (67 in record 1; 10,000 of 10,000 records)',
    'zeros': '0 to 10,000 records per class, far from the 1,000',
    'constant': '0 to 10,000 records per class',
    'label_10': 'outside 0 to 9 (10 in record 5,001; 1 of 10,000 records)',
    'one_class': '0 to 10,000 records per class',
    'few_of_a_class': '400 to ',
    'noise': 'neighbouring pixels are too unlike (similarity 0.00',
    'interleaved': 'neighbouring pixels are too unlike (similarity 0.00',
}


@pytest.mark.parametrize('kind', NOT_CIFAR10)
def test_batch_that_is_not_cifar10_is_named_and_kept(tmp_path, kind):
    content = not_cifar10(kind, 10000)
    (tmp_path / 'test_batch.bin').write_bytes(content)
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(tmp_path), train=False)
    message = str(error.value)
    assert message.startswith(f'{tmp_path / "test_batch.bin"} ')
    assert NOT_CIFAR10[kind] in message
    assert 'so it is not CIFAR-10 batch data: move it aside' in message
    assert ARCHIVE in message and '\n' not in message
    assert (tmp_path / 'test_batch.bin').read_bytes() == content
    assert listing(tmp_path) == ['test_batch.bin']


@pytest.mark.parametrize('kind', ['label_10', 'noise', 'interleaved'])
def test_one_bad_training_batch_is_named(tmp_path, small, kind):
    recs = {name: rec.tobytes() for name, rec in batches(small).items()}
    recs['data_batch_3.bin'] = not_cifar10(kind, small)
    for name, content in recs.items():
        (tmp_path / name).write_bytes(content)
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(tmp_path))
    assert str(error.value).startswith(f'{tmp_path / "data_batch_3.bin"} ')
    for name, content in recs.items():
        assert (tmp_path / name).read_bytes() == content
    # The test split holds only good files.
    assert data.CIFAR10(root=str(tmp_path), train=False)[:][0].shape[0] == 20


def test_archive_member_that_is_not_cifar10_is_not_extracted(tmp_path,
                                                             small):
    members = {name: records(small, 0).tobytes() for name in NAMES}
    members['test_batch.bin'] = not_cifar10('noise', small)
    (tmp_path / ARCHIVE).write_bytes(tar_gz(members))
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(tmp_path), train=False)
    message = str(error.value)
    assert message.startswith(f'test_batch.bin in {tmp_path / ARCHIVE} ')
    assert 'move the archive aside' in message
    # Only the batches that passed are written, and no partial file.
    assert listing(tmp_path) == sorted(NAMES[:5] + [ARCHIVE])


@pytest.mark.parametrize('shared', [True, False], ids=['shared', 'alone'])
def test_offline_and_missing_gives_one_clear_error(tmp_path, monkeypatch,
                                                   shared):
    # The ../shared route is advised only where that copy exists.
    prepare = tmp_path / 'shared' / 'prepare.py'
    if shared:
        prepare.parent.mkdir()
        prepare.touch()
    monkeypatch.setattr(data, '_PREPARE_PY', str(prepare))
    calls = []

    def download(url, path=None, sha1_hash=None, **kwargs):
        calls.append(url)
        with open(path, 'wb') as partial:  # Cut short by the network.
            partial.write(b'\x1f\x8b partial')
        raise requests.exceptions.ConnectionError(
            "Failed to resolve 'apache-mxnet.s3-accelerate.amazonaws.com'")
    monkeypatch.setattr(data, 'download', download)
    root = tmp_path / 'cifar10'
    with pytest.raises(data.CIFAR10NotFoundError) as error:
        data.CIFAR10(root=str(root))
    message = str(error.value)
    for text in [str(root), *NAMES, ARCHIVE, 'MXNET_HOME',
                 'ConnectionError']:
        assert text in message
    assert ('../shared/data/cifar10/prepare.py' in message) == shared
    assert error.value.__cause__ is None
    assert error.value.__suppress_context__
    assert len(calls) == 1 and listing(root) == []


@pytest.mark.parametrize('folder', ['cifar-10-batches-bin/', ''],
                         ids=['official', 'flat'])
def test_archive_in_either_layout(tmp_path, small, folder):
    recs = batches(small)
    members = {folder + name: rec.tobytes() for name, rec in recs.items()}
    if folder:
        members.update({folder + 'batches.meta.txt': b'airplane\n',
                        folder + 'readme.html': b'<html>'})
    archive = tar_gz(members)
    (tmp_path / ARCHIVE).write_bytes(archive)
    X, y = data.CIFAR10(root=str(tmp_path))[:]
    train = np.concatenate([recs[name] for name in NAMES[:5]])
    assert np.array_equal(X.asnumpy(), images(train))
    # All six batches are extracted, flat, and nothing else.
    assert listing(tmp_path) == sorted(NAMES + [ARCHIVE])
    X, y = data.CIFAR10(root=str(tmp_path), train=False)[:]
    assert np.array_equal(y, recs['test_batch.bin'][:, 0])
    assert (tmp_path / ARCHIVE).read_bytes() == archive


def test_archive_fills_in_only_missing_files(tmp_path, small):
    mine = batches(small)
    del mine['test_batch.bin']
    write_batches(tmp_path, mine)
    (tmp_path / ARCHIVE).write_bytes(
        tar_gz({name: records(small, 9).tobytes() for name in NAMES}))
    data.CIFAR10(root=str(tmp_path), train=False)
    for name, rec in mine.items():
        assert (tmp_path / name).read_bytes() == rec.tobytes()


@pytest.mark.parametrize(
    'members', [NAMES[:5], [f'other/{name}' for name in NAMES]],
    ids=['missing', 'unknown_folder'])
def test_archive_lacking_a_batch_is_named(tmp_path, small, members):
    (tmp_path / ARCHIVE).write_bytes(
        tar_gz({name: records(small, 0).tobytes() for name in members}))
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(tmp_path))
    assert str(tmp_path / ARCHIVE) in str(error.value)
    assert 'test_batch.bin' in str(error.value)
    assert listing(tmp_path) == [ARCHIVE]


def link(name, target):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


@pytest.mark.parametrize('bad', ['../x', 'cifar-10-batches-bin/../../x',
                                 'ABSOLUTE', 'link'])
def test_archive_member_leading_outside_is_refused(tmp_path, small, bad):
    root = tmp_path / 'root'
    root.mkdir()
    members = {name: records(small, 0).tobytes() for name in NAMES}
    if bad == 'ABSOLUTE':
        bad = str(tmp_path / 'x')
    if bad == 'link':
        bad = 'data_batch_1.bin'
        members[bad] = link(bad, str(tmp_path / 'x'))
    else:
        members[bad] = b'escaped'
    (root / ARCHIVE).write_bytes(tar_gz(members))
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(root))
    assert str(root / ARCHIVE) in str(error.value)
    assert repr(bad) in str(error.value)
    assert listing(root) == [ARCHIVE] and listing(tmp_path) == ['root']


def test_corrupt_archive_is_named(tmp_path, small):
    archive = tar_gz({name: records(small, 0).tobytes() for name in NAMES})
    (tmp_path / ARCHIVE).write_bytes(archive[:len(archive) // 2])
    with pytest.raises(data.CIFAR10FileError) as error:
        data.CIFAR10(root=str(tmp_path))
    assert str(tmp_path / ARCHIVE) in str(error.value)
    assert listing(tmp_path) == [ARCHIVE]


def test_download_gets_its_name_once_complete(tmp_path, small, monkeypatch,
                                              capsys):
    recs = batches(small)
    archive = tar_gz({f'cifar-10-batches-bin/{name}': rec.tobytes()
                      for name, rec in recs.items()})
    final = tmp_path / ARCHIVE
    calls = []

    def download(url, path=None, sha1_hash=None, **kwargs):
        calls.append((url, sha1_hash))
        assert os.path.abspath(path) != str(final)
        with open(path, 'wb') as part:
            for start in range(0, len(archive), 4096):
                assert not final.exists()
                part.write(archive[start:start + 4096])
        return path
    monkeypatch.setattr(data, 'download', download)
    X, y = data.CIFAR10(root=str(tmp_path))[:]
    url = mx.gluon.utils._get_repo_file_url('gluon/dataset/cifar10', ARCHIVE)
    assert calls == [(url, 'fab780a1e191a7eda0f345501ccd62d20f7ed891')]
    assert final.read_bytes() == archive
    assert listing(tmp_path) == sorted(NAMES + [ARCHIVE])
    assert np.array_equal(y, np.concatenate(
        [recs[name][:, 0] for name in NAMES[:5]]))
    # A d2l note on stdout, which nbval's sanitizer removes; no stderr.
    out, err = capsys.readouterr()
    assert notes(out)[0] == f'd2l: downloading {url} into {tmp_path}'
    assert err == ''


def test_get_cifar10_labels():
    assert data.get_cifar10_labels(np.array([0, 9], np.int32)) == [
        'airplane', 'truck']
    assert data.get_cifar10_labels(mx.nd.array([3, 5])) == ['cat', 'dog']
    assert data.get_cifar10_labels(1) == ['automobile']


def shm_free(monkeypatch, mib):
    """Simulate a /dev/shm with `mib` MiB free (None: there is none)."""
    real = os.statvfs

    def statvfs(path):
        if path != '/dev/shm':
            return real(path)
        if mib is None:
            raise FileNotFoundError(2, 'No such file or directory', path)
        stat = list(real('/'))
        stat[0] = stat[1] = 4096  # f_bsize, f_frsize
        stat[4] = mib * 256  # f_bavail, in 4 KiB blocks
        return os.statvfs_result(stat)
    monkeypatch.setattr(os, 'statvfs', statvfs)
    monkeypatch.setattr(data, '_NOTED', set())


@pytest.fixture
def forking(monkeypatch):
    monkeypatch.setattr(sys, 'platform', 'linux')


@pytest.mark.parametrize('cores, workers',
                         [(1, 0), (2, 0), (3, 1), (4, 2), (8, 4), (64, 4)])
def test_dataloader_workers_leave_two_cores(monkeypatch, forking, capsys,
                                            cores, workers):
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: range(cores))
    shm_free(monkeypatch, 8192)  # docker run --shm-size=8g
    assert data.get_dataloader_workers() == workers
    assert capsys.readouterr().out == ''


@pytest.mark.parametrize('cores, mib, workers', [
    (8, 64, 1), (8, 200, 3), (8, 63, 0), (8, None, 0), (16, 256, 4),
    (3, 64, 1), (2, 0, 0)])
def test_dataloader_workers_fit_into_dev_shm(monkeypatch, forking, capsys,
                                             cores, mib, workers):
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: range(cores))
    shm_free(monkeypatch, mib)
    for _ in range(3):
        assert data.get_dataloader_workers() == workers
    wanted = min(4, cores - 2)
    out = capsys.readouterr().out
    if workers == wanted:
        assert out == ''
    else:  # One note, once per process.
        assert notes(out) == [
            f'd2l: /dev/shm has {mib or 0} MiB free, room for {workers} '
            f'DataLoader workers, not {wanted}; give the container more '
            f'(docker run --shm-size=8g or --ipc=host).']


@pytest.mark.parametrize('platform', ['darwin', 'win32'])
def test_no_dataloader_workers_without_safe_fork(monkeypatch, platform):
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: range(16))
    monkeypatch.setattr(sys, 'platform', platform)
    assert data.get_dataloader_workers() == 0


def test_dataloader_workers_whatever_the_start_method(monkeypatch, forking):
    # d2l.DataLoader forks its workers itself (Python 3.14: forkserver).
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: range(16))
    shm_free(monkeypatch, 8192)
    monkeypatch.setattr(multiprocessing, 'get_start_method',
                        lambda allow_none=False: 'forkserver')
    assert data.get_dataloader_workers() == 4


def run_python(code, *args, timeout=120):
    """Run `code` in a fresh Python; a hang kills it and its workers."""
    proc = subprocess.Popen([sys.executable, '-c', code, *map(str, args)],
                            cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f'hung for {timeout} s; stderr ends: {err[-600:]}')
    return proc.returncode, out, err


HUE_CRASH = '''
import d2l  # First: on NumPy 2 it restores what MXNet needs.
import numpy as np
import mxnet as mx
red = mx.nd.array(np.tile(np.uint8([255, 0, 0]), (32, 32, 1)), dtype='uint8')
for _ in range(100):
    mx.nd.image.random_color_jitter(red, 0, 0, 0, 1e-9).wait_to_read()
'''


def test_mxnet_hue_jitter_still_crashes():
    """Why the pipelines below keep hue at 0 (see get_dataloader_workers).

    A tiny negative hue shift of a red pixel makes MXNet 1.9.1 index
    sector 6 of a 6-sector table. If this fails, MXNet was fixed.
    """
    returncode, _, err = run_python(HUE_CRASH, timeout=60)
    assert returncode != 0 and 'Segmentation fault' in err


LOADER = '''
import sys
import d2l  # First: on NumPy 2 it restores what MXNet needs.
from mxnet import gluon
from mxnet.gluon.data.vision import transforms
from d2l.data import CIFAR10
workers, n = int(sys.argv[1]), int(sys.argv[2])
augs = transforms.Compose([
    transforms.RandomFlipLeftRight(),
    transforms.RandomColorJitter(brightness=0.5, contrast=0.5,
                                 saturation=0.5),
    transforms.RandomResizedCrop((32, 32), scale=(0.1, 1), ratio=(0.5, 2)),
    transforms.ToTensor()])
dataset = CIFAR10(train=True).take(n).transform_first(augs)
loader = d2l.DataLoader(dataset, batch_size=256, shuffle=True,
                        num_workers=workers)
print(sum(X.shape[0] for X, y in loader))
'''


@pytest.mark.real_data
@needs_cifar10
@pytest.mark.parametrize('workers', [data.get_dataloader_workers(), 2],
                         ids=['policy', 'two_forked'])
def test_heavy_augmentation_loader_does_not_hang(workers):
    returncode, out, err = run_python(LOADER, workers, 4000)
    assert returncode == 0, err[-1000:]
    assert out.split()[-1] == '4000'


@pytest.mark.real_data
@needs_cifar10
@pytest.mark.parametrize('train, size', [(True, 50000), (False, 10000)])
def test_real_cifar10(train, size):
    X, y = data.CIFAR10(train=train)[:]
    assert X.shape == (size, 32, 32, 3) and X.dtype == np.uint8
    assert y.shape == (size,) and y.dtype == np.int32
    assert np.array_equal(np.unique(y), np.arange(10))


@pytest.mark.parametrize('home, shown', [
    ('mxnet-home', '$MXNET_HOME/datasets/cifar10'),
    (None, '~/cifar10')])
def test_note_names_no_path_of_this_machine(tmp_path, small, capsys,
                                            monkeypatch, home, shown):
    # Notes land in committed outputs: the folder is named as the reader
    # set it ($MXNET_HOME) or under ~, never as /root/... or /home/....
    monkeypatch.setenv('HOME', str(tmp_path))
    if home:
        monkeypatch.setenv('MXNET_HOME', str(tmp_path / home))
        root = tmp_path / home / 'datasets' / 'cifar10'
    else:
        monkeypatch.delenv('MXNET_HOME', raising=False)
        root = tmp_path / 'cifar10'
    write_batches(root, batches(small))
    data.CIFAR10(root=str(root), train=False)
    note = capsys.readouterr().out
    assert f'from {shown}: ' in note and str(tmp_path) not in note


@pytest.mark.real_data
@needs_cifar10
def test_real_batch_with_interleaved_pixels_is_refused(tmp_path):
    """The image check tells real images in the wrong layout apart."""
    rec = np.fromfile(os.path.join(REAL_ROOT, 'test_batch.bin'), np.uint8)
    rec = rec.reshape(-1, 3073)
    rec[:, 1:] = images(rec).reshape(len(rec), -1)
    (tmp_path / 'test_batch.bin').write_bytes(rec.tobytes())
    with pytest.raises(data.CIFAR10FileError, match='too unlike'):
        data.CIFAR10(root=str(tmp_path), train=False)
