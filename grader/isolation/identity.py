"""The unprivileged user a run's student code runs as, when the grader is root: one uid per run at a time, taken
from a pool with a lock file each, so that two runs (of one session, or of two graders on one machine) never share a
user, and every process and stray file of that user can be ended when its run ends.

No account is needed for a pool uid: the kernel takes any number. A platform names its own account instead
(`--run-as grader`), whose uid and group are then the only ones used.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

UIDS_ENV = "GRADER_SANDBOX_UIDS"
DEFAULT_UIDS = range(61000, 61064)
LOCK_DIRS = (Path("/run/grader-sandbox"), Path(tempfile.gettempdir()) / "grader-sandbox-uids")
SHARED_WRITABLE = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"))
"""Where any user may leave files: swept for the run's user after each run, so nothing passes to the next."""
SWEEP_DEPTH = 3
KILL_PASSES = 50
WAIT_FREE_S = 0.05


class IsolationError(Exception):
    """The host cannot isolate student code as it must (no free uid, processes that survive): never the student's
    fault; the message says what to do."""


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int

    def __str__(self) -> str:
        return f"{self.uid}:{self.gid}"


def parse_uids(text: str) -> range:
    """`61000-61063` (inclusive) or one uid."""
    first, _, last = text.partition("-")
    try:
        low, high = int(first), int(last or first)
    except ValueError:
        raise IsolationError(f"{UIDS_ENV}={text!r}: expected a uid or a range such as 61000-61063") from None
    if not 0 < low <= high:
        raise IsolationError(f"{UIDS_ENV}={text!r}: expected uids above 0, the lower first")
    return range(low, high + 1)


def account(name: str) -> Identity:
    """A named account's uid and primary group."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise IsolationError(f"no user {name!r} to run student code as: create it (useradd --system {name})") from None
    if entry.pw_uid == 0:
        raise IsolationError(f"{name!r} is root: student code must run as an unprivileged user")
    return Identity(entry.pw_uid, entry.pw_gid)


def _lock_dir() -> Path:
    """A folder only root may write in, for the pool's lock files."""
    for folder in LOCK_DIRS:
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, exist_ok=True)
            info = folder.lstat()
            if stat.S_ISDIR(info.st_mode) and info.st_uid == 0 and not info.st_mode & 0o077:
                return folder
    raise IsolationError(f"no private folder for the sandbox's uid locks among {', '.join(map(str, LOCK_DIRS))}")


def running(uid: int) -> list[int]:
    """Live processes (zombies are dead already) whose real uid is `uid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            lines = (entry / "status").read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        if fields.get("Uid", "").split()[:1] == [str(uid)] and not fields.get("State", "").strip().startswith("Z"):
            found.append(int(entry.name))
    return found


def end_processes(identity: Identity) -> None:
    """SIGKILL every process of the user, daemons and their children included: a child that takes the user's
    identity sends `kill(-1)`, which reaches every process that user owns and nothing else."""
    for attempt in range(KILL_PASSES):
        if not running(identity.uid):
            return
        child = os.fork()
        if child == 0:  # the child only drops its identity and signals
            try:
                os.setgroups([])
                os.setresgid(identity.gid, identity.gid, identity.gid)
                os.setresuid(identity.uid, identity.uid, identity.uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        time.sleep(0.002 * attempt)
    raise IsolationError(f"processes of uid {identity.uid} survive SIGKILL: {running(identity.uid)[:10]}")


def _owned(path: Path, uid: int) -> bool:
    with contextlib.suppress(OSError):
        return path.lstat().st_uid == uid
    return False


def _shared(folder: Path) -> bool:
    """Anyone may write in it."""
    with contextlib.suppress(OSError):
        return bool(folder.lstat().st_mode & 0o002)
    return False


def remove_files(identity: Identity, folders: Sequence[Path] = SHARED_WRITABLE, depth: int = SWEEP_DEPTH) -> None:
    """Remove what the user left in folders anyone may write in (their world-writable sub-folders too)."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            folder_entry = entry.is_dir(follow_symlinks=False)
            if _owned(path, identity.uid):
                if folder_entry:
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            elif depth > 1 and folder_entry and _shared(path):
                remove_files(identity, [path], depth - 1)


class UidPool:
    """Hands out one uid at a time per lock; a uid found with processes left from a grader that died is cleaned
    before it is used."""

    def __init__(self, uids: Sequence[int], gid: int | None = None) -> None:
        self.uids = tuple(uids)
        self.gid = gid

    @classmethod
    def from_environment(cls) -> UidPool:
        text = os.environ.get(UIDS_ENV)
        return cls(parse_uids(text) if text else DEFAULT_UIDS)

    @classmethod
    def of_account(cls, name: str) -> UidPool:
        identity = account(name)
        return cls((identity.uid,), identity.gid)

    @contextlib.contextmanager
    def take(self) -> Iterator[Identity]:
        folder = _lock_dir()
        while True:
            for uid in self.uids:
                handle = (folder / f"{uid}.lock").open("a")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                identity = Identity(uid, self.gid if self.gid is not None else uid)
                try:
                    end_processes(identity)
                    remove_files(identity)
                    yield identity
                finally:
                    try:
                        end_processes(identity)
                        remove_files(identity)
                    finally:
                        handle.close()
                return
            time.sleep(WAIT_FREE_S)
