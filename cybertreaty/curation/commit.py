"""Replacing data/ all at once, so that an import killed at any moment leaves it as it was.

The import writes a complete copy of data/ with its rows added into a sibling folder
(``.data.import-XXXX``, same filesystem), flushes every file and folder to disk, validates that
copy, and then swaps the two folders in one ``renameat2(RENAME_EXCHANGE)`` system call. At every
instant data/ is therefore either entirely the old version or entirely the new one: a kill -9
before the swap leaves data/ untouched (the sibling is removed by the next import), a kill after
it leaves the finished import (the old copy, now in the sibling, is removed likewise). No journal
has to be replayed for data/ to be right.

Where the exchange is not available (not Linux, or a filesystem without it) the swap is two
renames, data/ -> ``.data.import-XXXX.old`` then the copy -> data/. A kill between them leaves no
data/ at all, so the next import first puts the ``.old`` folder back (a roll-back).

Only one import runs at a time: an exclusive ``flock`` on the parent folder, released by the kernel
when the process dies, so a killed import never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from cybertreaty.curation.errors import CurationError

PAUSE_ENV = "CYBERTREATY_IMPORT_PAUSE"
"""Test hook: the name of a step (``staging``, ``staged``, ``swapped``) at which the import stops
and waits, so a test can kill it there. Unset in normal use."""

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_prefix(data_dir: Path) -> str:
    return f".{data_dir.name}.import-"


@contextlib.contextmanager
def import_lock(data_dir: Path) -> Iterator[None]:
    """Hold the import lock of data_dir, then tidy what a killed import left."""
    try:
        fd = os.open(data_dir.parent, os.O_RDONLY)
    except OSError as exc:
        raise CurationError(f"cannot open {data_dir.parent}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CurationError(
                f"another import into {data_dir} is running; try again when it has finished"
            ) from None
        recover(data_dir)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(data_dir: Path) -> None:
    """Undo a swap cut between its two renames, and remove the leftovers of killed imports."""
    leftovers = sorted(data_dir.parent.glob(staging_prefix(data_dir) + "*"))
    if not data_dir.exists():
        old = [p for p in leftovers if p.name.endswith(".old")]
        if not old:
            raise CurationError(f"there is no data folder at {data_dir}")
        if len(old) > 1:
            raise CurationError(
                f"{data_dir} is missing and {len(old)} saved copies could replace it: restore one"
            )
        old[0].rename(data_dir)
        fsync_dir(data_dir.parent)
        leftovers.remove(old[0])
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def new_staging(data_dir: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=staging_prefix(data_dir), dir=data_dir.parent))
    except OSError as exc:
        raise CurationError(
            f"cannot write beside {data_dir}: {exc.strerror or exc}; data/ is unchanged"
        ) from None


def swap(staged: Path, data_dir: Path) -> None:
    """Make ``staged`` the new data_dir; afterwards ``staged`` holds the old data (to be removed)."""
    try:
        if not _exchange(staged, data_dir):
            _rename_twice(staged, data_dir)
    except OSError as exc:
        raise CurationError(f"cannot replace {data_dir}: {exc.strerror or exc}; data/ is unchanged") from None
    try:
        fsync_dir(data_dir.parent)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CurationError(
            f"{data_dir} holds the import, but flushing it to disk failed: {reason}"
        ) from None


def _rename_twice(staged: Path, data_dir: Path) -> None:
    """The fallback swap: data/ is briefly absent, and recover() puts the old one back if cut there."""
    old = staged.with_name(staged.name + ".old")
    data_dir.rename(old)
    pause("half-swapped")
    try:
        staged.rename(data_dir)
    except OSError:
        old.rename(data_dir)
        raise
    old.rename(staged)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    renameat2 = getattr(_libc(), "renameat2", None) if sys.platform.startswith("linux") else None
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (new names, renames) durable, not only the files' contents."""
    fsync_file(path)


def fsync_tree(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in files:
            fsync_file(Path(folder) / name)
        fsync_dir(Path(folder))


def pause(step: str) -> None:
    """Stop here for good if the test hook names this step (see PAUSE_ENV)."""
    if os.environ.get(PAUSE_ENV) == step:
        print(f"paused at {step}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)
