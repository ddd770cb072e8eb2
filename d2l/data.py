"""Data: CIFAR-10 from local files or the web, and DataLoader worker counts.

`CIFAR10` is Gluon's dataset made to accept this project's local copy and
to fail clearly offline, `get_cifar10_labels` names its classes and
`get_dataloader_workers` sizes DataLoaders.
"""
import contextlib
import gzip
import io
import os
import posixpath
import shutil
import sys
import tarfile
import tempfile
import textwrap
import uuid
import zlib

import numpy as np
from mxnet import nd
from mxnet import numpy as mx_np
from mxnet.gluon.data import vision
from mxnet.gluon.utils import _get_repo_file_url, check_sha1, download
from mxnet.util import is_np_array

from .notes import say
from .preload import usable_cores

# This project's offline route, run from the repository root; advised
# only where that copy exists.
_PREPARE = 'python3 ../shared/data/cifar10/prepare.py'
_PREPARE_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           os.pardir, os.pardir, 'shared', 'data', 'cifar10',
                           'prepare.py')
_TEXT_LABELS = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                'frog', 'horse', 'ship', 'truck')


# The situations already noted: (root, file names) of non-canonical files,
# (workers that fit, workers wanted) of a small /dev/shm.
_NOTED = set()
# Where DataLoader workers put batches, and the room each gets there:
# eight times the 7.5 MiB per worker that this chapter's loaders took at
# most (batches of 256 CIFAR-10 images as float32, two prefetched per
# worker; 6 MiB with 1 worker, 15 with 2, 27 with 4).
_SHM = '/dev/shm'
_SHM_PER_WORKER = 64 * 2**20


def _shown(path):
    """`path` as a note shows it: under $MXNET_HOME or ~, not the machine's.

    Notes land in notebook outputs that get committed; the folder the
    reader set or MXNet's default says as much without naming the machine.
    """
    path = os.path.abspath(path)
    for name, base in (('$MXNET_HOME', os.environ.get('MXNET_HOME')),
                       ('~', os.path.expanduser('~'))):
        if base and os.path.commonpath([path, os.path.abspath(base)]) == \
                os.path.abspath(base):
            rel = os.path.relpath(path, base)
            return name if rel == '.' else f'{name}/{rel}'
    return path


class CIFAR10FileError(ValueError):
    """A CIFAR-10 batch file or archive that cannot be used as it is."""


class CIFAR10NotFoundError(FileNotFoundError):
    """CIFAR-10 is neither in the root nor downloadable."""


class CIFAR10(vision.CIFAR10):
    """Gluon's CIFAR10 that also takes local copies and works offline.

    Batch files are checked by size and content (labels, classes, images),
    not SHA1, so a well-formed copy that differs from the official release
    (such as the one prepare.py writes) is used, with a one-line note.
    Missing files come from `cifar-10-binary.tar.gz` in the root (official
    or MXNet's flat layout), else from Gluon's repository. Files in the
    root are never overwritten or deleted.
    """
    num_records = 10000  # Per batch file.
    record_bytes = 1 + 3 * 32 * 32  # A label byte, then R, G, B planes.
    _archive_folder = 'cifar-10-batches-bin'  # The official layout's.

    def _get_data(self):
        split = self._train_data if self._train else self._test_data
        paths = [self._path(name) for name, _ in split]
        for path in paths:
            if os.path.exists(path):
                self._check_size(path, os.path.getsize(path))
        if not all(map(os.path.exists, paths)):
            self._extract([name for name, _ in self._train_data
                           + self._test_data
                           if not os.path.exists(self._path(name))])
        data, label = zip(*map(self._read_batch, paths))
        differ = [name for name, sha1 in split
                  if not check_sha1(self._path(name), sha1)]
        # Once per process and set of files: a notebook opens them often.
        if differ and (self._root, *differ) not in _NOTED:
            _NOTED.add((self._root, *differ))
            say(f'using {", ".join(differ)} from '
                f'{_shown(self._root)}: '
                f'well-formed, but not the official CIFAR-10 release '
                f'(SHA1 differs).')
        data, label = np.concatenate(data), np.concatenate(label)
        # As Gluon's CIFAR10 does, NumPy-compatible mode included.
        array_fn = mx_np.array if is_np_array() else nd.array
        self._data = array_fn(data, dtype=data.dtype)
        self._label = (array_fn(label, dtype=label.dtype) if is_np_array()
                       else label)

    def _path(self, name):
        return os.path.join(self._root, name)

    def _offline(self, text):
        """`text` naming `{command}` that writes the files offline, or ''."""
        if not os.path.exists(_PREPARE_PY):
            return ''
        return text.format(command=f'`{_PREPARE} {self._root}`')

    def _read_batch(self, filename):
        with open(filename, 'rb') as batch:
            records = self._records(filename, batch.read())
        images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, records[:, 0].astype(np.int32)

    def _refuse(self, where, problem, archive=None):
        """Raise the one error for a batch file that cannot be used."""
        fix = (f'move it aside and provide it again (from '
               f'{self._archive_file[0]}'
               f'{self._offline(" or with {command}")})')
        if archive:
            where = f'{where} in {archive}'
            fix = 'move the archive aside and provide the official one'
        raise CIFAR10FileError(f'{where} {problem}: {fix}.')

    def _check_size(self, path, size, archive=None):
        expected = self.num_records * self.record_bytes
        if size != expected:
            self._refuse(path, (
                f'has {size:,} bytes, not the {expected:,} '
                f'({self.num_records:,} records of {self.record_bytes:,} '
                f'bytes) of a CIFAR-10 batch file, so it is truncated or '
                f'not CIFAR-10'), archive)

    def _records(self, path, content, archive=None):
        """Return `content` as records once it looks like CIFAR-10.

        Cheap checks that any CIFAR-10 batch passes by a wide margin:
        labels 0 to 9; in a full batch every class near a tenth of the
        records (prepare.py's batches hold 945 to 1,074 of each, the
        official test batch exactly 1,000); and images, not noise or text:
        in the first 1,000 records neighbouring pixels across rows and down
        columns are alike (similarity 0.92 to 0.94 in prepare.py's batches;
        random bytes give 0, and R, G, B interleaved instead of in planes
        about 0.37 down columns).
        """
        records = np.frombuffer(content, np.uint8).reshape(
            -1, self.record_bytes)
        bad = np.flatnonzero(records[:, 0] > 9)
        if bad.size:
            self._refuse(path, (
                f'has label bytes outside 0 to 9 ({records[bad[0], 0]} in '
                f'record {bad[0] + 1:,}; {bad.size:,} of {len(records):,} '
                f'records), so it is not CIFAR-10 batch data'), archive)
        share = len(records) / 10
        counts = np.bincount(records[:, 0], minlength=10)
        # Small files (as in tests) vary too much for counts to tell.
        if share >= 100 and not (
                share / 2 <= counts.min() and counts.max() <= share * 1.5):
            self._refuse(path, (
                f'holds {counts.min():,} to {counts.max():,} records per '
                f'class, far from the {share:,.0f} of each that CIFAR-10 '
                f'batches hold, so it is not CIFAR-10 batch data'), archive)
        similarity = _neighbour_similarity(records[:1000, 1:])
        if similarity < 0.5:
            self._refuse(path, (
                f'holds no 32 x 32 images in R, G, B planes: neighbouring '
                f'pixels are too unlike (similarity {similarity:.2f}, '
                f'CIFAR-10 about 0.9), so it is not CIFAR-10 batch data'),
                archive)
        return records

    def _extract(self, names):
        """Write the batch files `names` into the root from the archive."""
        archive = self._path(self._archive_file[0])
        if not os.path.exists(archive):
            self._download(names)
        try:
            with tarfile.open(archive) as tar:
                members = {}
                for member in tar.getmembers():
                    self._check_member(archive, member)
                    folder, name = posixpath.split(
                        posixpath.normpath(member.name))
                    if (name in names and member.isfile()
                            and folder in ('', self._archive_folder)):
                        members[name] = member
                lacking = [name for name in names if name not in members]
                if lacking:
                    raise CIFAR10FileError(
                        f'{archive} lacks {", ".join(lacking)}: provide the '
                        f'official archive or the files themselves.')
                for name in names:
                    member = members[name]
                    self._check_size(member.name, member.size, archive)
                    content = tar.extractfile(member).read()
                    self._records(member.name, content, archive)
                    self._write_new(content, name)
        except (tarfile.TarError, EOFError, zlib.error,
                gzip.BadGzipFile) as err:
            raise CIFAR10FileError(
                f'{archive} is not a readable tar.gz ({err}): delete it and '
                f'provide the official one or the batch files.') from None

    def _check_member(self, archive, member):
        # Only files and folders with relative names that stay below the
        # root, so that no member can land outside it.
        if (posixpath.isabs(member.name) or '..' in member.name.split('/')
                or not (member.isfile() or member.isdir())):
            raise CIFAR10FileError(
                f'{archive} has member {member.name!r}, a link, device or '
                f'path leading outside {self._root}; nothing was extracted. '
                f'Replace it with the official {self._archive_file[0]}.')

    def _write_new(self, content, name):
        # A temporary name first, so an interrupted write leaves no batch.
        tmp = self._path(f'.{name}.{uuid.uuid4().hex}.part')
        try:
            with open(tmp, 'xb') as dst:
                dst.write(content)
            os.replace(tmp, self._path(name))
        except BaseException:
            os.remove(tmp)
            raise

    def _download(self, names):
        """Download the archive as Gluon does, renamed once complete."""
        archive_name, sha1 = self._archive_file
        url = _get_repo_file_url(f'gluon/dataset/{self._namespace}',
                                 archive_name)
        # On stdout like d2l's other notes, which nbval's sanitizer drops.
        say(f'downloading {url} into {_shown(self._root)}')
        # A private folder holds the partial file and whatever Gluon leaves.
        tmp_dir = tempfile.mkdtemp(prefix='.download-', dir=self._root)
        try:
            # Gluon prints a line per attempt; the error below says it all.
            with contextlib.redirect_stdout(io.StringIO()):
                part = download(url, os.path.join(tmp_dir, archive_name),
                                sha1_hash=sha1)
            os.replace(part, self._path(archive_name))
        except Exception as err:  # Offline, refused, cut short, bad SHA1.
            files = [name for name, _ in self._train_data + self._test_data]
            reason = textwrap.shorten(f'{type(err).__name__}: {err}', 120,
                                      placeholder=' ...')
            raise CIFAR10NotFoundError(
                f'CIFAR-10 is not in {self._root} (missing '
                f'{", ".join(names)}) and downloading it failed ({reason}). '
                f'Put {files[0]} ... {files[-2]} and {files[-1]}, or '
                f'{archive_name}, into that folder, or set MXNET_HOME to a '
                f'folder whose datasets/cifar10 holds them'
                f'{self._offline("; offline, {command} writes them")}.'
            ) from None
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def _neighbour_similarity(pixels):
    """How alike neighbouring pixels are in R, G, B planes of 32 x 32.

    1 - E[(a - b)^2] / (2 Var), the worse of rows and columns: near 1 for
    photographs, 0 for unrelated pixels (negative values, for pixels that
    alternate, and constant pixels count as 0: no images either).
    """
    planes = pixels.reshape(-1, 3, 32, 32).astype(np.float32)
    var = planes.var()
    if var == 0:
        return 0.0
    across = np.square(np.diff(planes, axis=3)).mean()
    down = np.square(np.diff(planes, axis=2)).mean()
    return max(0.0, float(1 - max(across, down) / (2 * var)))


def get_cifar10_labels(labels):
    """Return the class names of CIFAR-10 labels (ints, NumPy, NDArray)."""
    if hasattr(labels, 'asnumpy'):
        labels = labels.asnumpy()
    return [_TEXT_LABELS[int(i)] for i in np.asarray(labels).reshape(-1)]


def get_dataloader_workers():
    """Return how many worker processes a d2l.DataLoader should use.

    d2l.DataLoader forks its workers whatever Python's start method
    (forkserver from Python 3.14 on Linux), which is safe on Linux in
    MXNet 1.9.1: its fork handlers restart the engine and make OpenMP and
    OpenCV single-threaded in the workers. Elsewhere 0: Windows cannot
    fork, and macOS's system libraries are not safe to use after a fork.
    The "Worker timed out" hang with RandomColorJitter(hue=0.5) is a
    worker killed by a segfault in MXNet's hue op (an out-of-bounds table
    index), whose batch never arrives; with 0 workers that segfault kills
    the main process instead, so keep hue at 0. Workers pay off only with
    cores to spare beyond the two that training keeps busy: on 2 cores a
    CNN trained at 305 images/s with 0 workers and at 292 with 2.

    Workers hand batches over in /dev/shm, which containers keep small
    (Docker: 64 MB), where a full one makes workers time out: each worker
    gets `_SHM_PER_WORKER` of its free space, with a one-line note when
    that limits them.
    """
    if not sys.platform.startswith('linux'):
        return 0
    workers = max(0, min(4, usable_cores() - 2))
    try:
        stat = os.statvfs(_SHM)
        free = stat.f_bavail * stat.f_frsize
    except OSError:  # No /dev/shm: MXNet's shared memory cannot work.
        free = 0
    fit = free // _SHM_PER_WORKER
    if fit < workers:
        # Once per process and situation: a notebook asks often.
        if (fit, workers) not in _NOTED:
            _NOTED.add((fit, workers))
            say(f'{_SHM} has {free / 2**20:,.0f} MiB free, room for '
                f'{fit} DataLoader workers, not {workers}; give the '
                f'container more (docker run --shm-size=8g or --ipc=host).')
        workers = fit
    return workers
