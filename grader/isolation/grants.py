"""Who may touch what in a job folder during one run, when the run has a user of its own (the grader is root).

The job folder is root's; the run's group may enter it and read what the run is given (its settings, its data, the
submission, the file an earlier run saved); the run's user owns the folders it writes (work, artifacts, scratch, the
outbox). Everything else there (earlier runs' records, what a run must not see) stays root's alone. Another run's
user is in neither the group nor the owner, so a classmate's job folder is closed to it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from grader.isolation.identity import Identity

PRIVATE, SHARED_DIR, SHARED_FILE, OWNED = 0o700, 0o750, 0o640, 0o700


def _share(path: Path, gid: int) -> None:
    """Readable by the run's group, writable by nobody but root; links are left as they are (never followed)."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return
    os.chown(path, 0, gid, follow_symlinks=False)
    path.chmod(SHARED_DIR if stat.S_ISDIR(info.st_mode) else SHARED_FILE)
    if stat.S_ISDIR(info.st_mode):
        for child in path.iterdir():
            _share(child, gid)


def grant(root: Path, identity: Identity, readable: Iterable[str], writable: Iterable[str]) -> None:
    """Set the job folder's owners and modes for one run: `readable` and `writable` name entries of `root`."""
    readable, writable = set(readable), set(writable)
    os.chown(root, 0, identity.gid)
    root.chmod(SHARED_DIR)
    for entry in root.iterdir():
        if entry.name in writable:
            os.chown(entry, identity.uid, identity.gid, follow_symlinks=False)
            entry.chmod(OWNED)
        elif entry.name in readable:
            _share(entry, identity.gid)
        elif not entry.is_symlink():
            os.chown(entry, 0, 0, follow_symlinks=False)
            entry.chmod(PRIVATE)


def revoke(root: Path) -> None:
    """Take the job folder back from the run's user once the run is over: the uid serves the next run, which must
    not reach this one's files (a classmate's code, another split's images)."""
    with contextlib.suppress(FileNotFoundError):
        os.chown(root, 0, 0)
        root.chmod(PRIVATE)


def readable_by(path: Path, identity: Identity) -> bool:
    """Whether the user could read `path` by its permission bits (every folder above it searchable, the file itself
    readable), as the kernel would decide for a process with no supplementary groups."""

    def allows(info: os.stat_result, bit: int) -> bool:
        if info.st_uid == identity.uid:
            return bool(info.st_mode & (bit << 6))
        if info.st_gid == identity.gid:
            return bool(info.st_mode & (bit << 3))
        return bool(info.st_mode & bit)

    try:
        resolved = path.resolve(strict=True)
        for folder in reversed(resolved.parents):
            if not allows(folder.stat(), 0o1):
                return False
        return allows(resolved.stat(), 0o4)
    except OSError:
        return False
