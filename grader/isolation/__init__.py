"""How the local backend keeps student code apart from the grader, on every host that grades with it (an
instructor's machine, a CI container, Gradescope's and PrairieLearn's containers, Dask workers). The strongest mode
the host allows is chosen once per process:

- `namespaces` (bubblewrap): the run sees only the system's files, the interpreter, the grader package and its own
  job folders; it has its own process, network, IPC and host-name namespaces, so it reaches no network, signals no
  process of the host, and all its processes die with it. As root, it also runs as a user of its own.
- `user` (root where namespaces cannot be made, as in a platform's container): a user of its own, the job folder's
  permissions (`grants`), the datasets made unreadable to that user (else the run is refused), every process and
  stray file of that user ended after the run, and a seccomp filter that refuses network sockets.
- `process` (neither root nor namespaces): the seccomp network filter and the limits only. Student code runs as the
  grader's own user, so this protects against accidents, not against a student who attacks the grader.

`GRADER_ISOLATION` forces a mode (`namespaces`, `user`, `process`); one the host cannot provide is an error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from grader.isolation.grants import grant, readable_by, revoke
from grader.isolation.identity import Identity, IsolationError, UidPool
from grader.isolation.view import JOB, Mount, View, bwrap_command, package_dir
from grader.job import Job
from grader.sandbox.confine import ENV as CONFINE_ENV
from grader.sandbox.layout import HANDOFF_IN, HANDOFF_OUT, SCRATCH, TORCHVISION, artifacts_dir, work_dir

__all__ = [
    "ARTIFACT_QUOTA",
    "FILE_SIZE_LIMIT",
    "Identity",
    "Isolation",
    "IsolationError",
    "Launch",
    "Mode",
    "Quota",
    "output_quota",
]

MODE_ENV = "GRADER_ISOLATION"
PROCESS_LIMIT = 512
FILE_SIZE_LIMIT = 512 * 1024 * 1024
PROBE_TIMEOUT_S = 30
ARTIFACT_QUOTA = 256 * 1024 * 1024
SCRATCH_QUOTA = 768 * 1024 * 1024
READABLE = ("job.json", "data", TORCHVISION, HANDOFF_IN, "submission")
WRITABLE = ("work", "artifacts", HANDOFF_OUT, SCRATCH)
BOOT = "import sys; sys.path.insert(0, {parent!r}); from grader.sandbox.__main__ import entry; entry()"
"""The interpreter imports the grader package the host runs (never another installed copy) and confines itself
before anything else (`grader.sandbox.confine`)."""


class Mode(StrEnum):
    NAMESPACES = "namespaces"
    USER = "user"
    PROCESS = "process"


NETWORK = {
    Mode.NAMESPACES: "cut: a network namespace of its own, and a seccomp filter",
    Mode.USER: "cut: a seccomp filter refuses network sockets",
    Mode.PROCESS: "cut: a seccomp filter refuses network sockets",
}


@dataclass(frozen=True)
class Quota:
    """Bytes a run may leave in these host folders before it is stopped: a full disk is nobody's grade."""

    folders: tuple[Path, ...]
    limit: int


def output_quota(job: Job) -> Quota:
    """What every run may write into the folders the host reads back: its artifacts and, when it saves, its outbox."""
    return Quota((job.artifacts, job.root / HANDOFF_OUT), ARTIFACT_QUOTA)


@dataclass(frozen=True)
class Launch:
    """How to start one run: the command, its environment and working folder, the user to start it as (USER
    mode), and what to watch while it runs."""

    command: list[str]
    env: dict[str, str]
    cwd: Path
    user: Identity | None
    quotas: tuple[Quota, ...]
    facts: dict[str, str] = field(default_factory=dict)


def _is_root() -> bool:
    return os.geteuid() == 0


@functools.lru_cache(maxsize=4)
def _namespaces_work(bwrap: str, as_user: bool) -> str | None:
    """None when bubblewrap starts this interpreter in the namespaces a run gets, else why not."""
    command = bwrap_command(bwrap, View(mounts=(), as_user=as_user), [sys.executable, "-I", "-c", "pass"])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]


def available() -> tuple[Mode, str | None]:
    """The strongest mode this host allows, and why namespaces are out when they are."""
    bwrap = shutil.which("bwrap")
    problem = _namespaces_work(bwrap, not _is_root()) if bwrap else "bubblewrap (bwrap) is not installed"
    if problem is None:
        return Mode.NAMESPACES, None
    return (Mode.USER if _is_root() else Mode.PROCESS), problem


class Isolation:
    def __init__(self, mode: Mode, pool: UidPool | None = None) -> None:
        self.mode = mode
        self.pool = pool if _is_root() and mode is not Mode.PROCESS else None
        if self.pool is None and mode is Mode.USER:
            raise IsolationError("GRADER_ISOLATION=user needs the grader to run as root")

    @classmethod
    def for_host(cls, run_as: str | None = None) -> Isolation:
        """The mode `GRADER_ISOLATION` asks for, else the strongest available; `run_as` names the account student
        code runs as (a platform's), else a pool of uids is used."""
        best, problem = available()
        wanted = os.environ.get(MODE_ENV, "").strip() or None
        try:
            mode = Mode(wanted) if wanted else best
        except ValueError:
            raise IsolationError(f"{MODE_ENV}={wanted!r}: choose one of {', '.join(Mode)}") from None
        if mode is Mode.NAMESPACES and problem is not None:
            raise IsolationError(f"{MODE_ENV}=namespaces, but bubblewrap cannot run here: {problem}")
        pool = UidPool.of_account(run_as) if run_as else UidPool.from_environment()
        return cls(mode, pool if _is_root() else None)

    @contextlib.contextmanager
    def launch(self, job: Job, env: Mapping[str, str], hidden: tuple[Path, ...] = ()) -> Iterator[Launch]:
        """Lay the job folder out for the run and say how to start it; on leaving, every process and stray file of
        the run's user is gone. `hidden`: where datasets live on this host."""
        taken = self.pool.take() if self.pool is not None else contextlib.nullcontext(None)
        with taken as identity:
            scratch = job.root / SCRATCH
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            if self.mode is not Mode.NAMESPACES:
                _link_torchvision(job)
            if identity is not None:
                grant(job.root, identity, _readable(job), WRITABLE)
            try:
                if self.mode is Mode.USER and identity is not None:
                    _require_runnable(identity)
                    refuse_readable_data(hidden, identity)
                yield self._launch(job, dict(env), hidden, identity)
            finally:
                if identity is not None:
                    revoke(job.root)

    def _launch(self, job: Job, env: dict[str, str], hidden: tuple[Path, ...], identity: Identity | None) -> Launch:
        settings: dict[str, object] = {
            "memory_bytes": job.spec.limits.memory_mb * 1024 * 1024,
            "file_bytes": FILE_SIZE_LIMIT,
            "processes": PROCESS_LIMIT,
            "seccomp": True,
            "identity": [identity.uid, identity.gid] if identity is not None else None,
        }
        inside = self.mode is Mode.NAMESPACES
        root = JOB if inside else job.root
        env.update(
            HOME=str(work_dir(root)),
            TMPDIR="/tmp" if inside else str(job.root / SCRATCH),
            USER="grader-sandbox",
            LOGNAME="grader-sandbox",
        )
        env[CONFINE_ENV] = json.dumps(settings)
        command = [sys.executable, "-I", "-c", BOOT.format(parent=str(package_dir().parent)), str(root)]
        quotas = [output_quota(job)]
        if inside:
            view = View(_mounts(job), hidden, _devices(job), as_user=not _is_root(), inner=_inner(job))
            command = bwrap_command(str(shutil.which("bwrap")), view, command)
            if _is_root():
                command[1:1] = ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            quotas.append(Quota((job.workdir, job.root / SCRATCH), SCRATCH_QUOTA))
        facts = {
            "isolation": self.mode.value,
            "user": str(identity.uid) if identity is not None else "the grader's own",
            "network": NETWORK[self.mode],
        }
        user = identity if self.mode is Mode.USER else None
        return Launch(command, env, job.workdir, user, tuple(quotas), facts)


def _readable(job: Job) -> tuple[str, ...]:
    return READABLE if job.student_code else tuple(name for name in READABLE if name != "submission")


def _mounts(job: Job) -> tuple[Mount, ...]:
    """The job's folders inside: what the run reads, read-only; what it writes, its own."""
    mounts = [Mount(job.root / "job.json", JOB / "job.json"), Mount(job.root / "data", JOB / "data")]
    if job.student_code:
        mounts.append(Mount(job.root / "submission", JOB / "submission"))
    if (job.root / HANDOFF_IN).is_dir():
        mounts.append(Mount(job.root / HANDOFF_IN, JOB / HANDOFF_IN))
    mounts.append(Mount(job.artifacts, artifacts_dir(JOB), writable=True))
    if (job.root / HANDOFF_OUT).is_dir():
        mounts.append(Mount(job.root / HANDOFF_OUT, JOB / HANDOFF_OUT, writable=True))
    return tuple(mounts)


def _inner(job: Job) -> tuple[Mount, ...]:
    served = job.root / TORCHVISION
    return (Mount(served, work_dir(JOB) / "data"),) if served.is_dir() else ()


def _devices(job: Job) -> tuple[Path, ...]:
    return tuple(sorted(Path("/dev").glob("nvidia*"))) if job.device == "cuda" else ()


def _link_torchvision(job: Job) -> None:
    """torchvision's files as `./data` of the run's working folder, hard links to the host's read-only copy."""
    served = job.root / TORCHVISION
    if served.is_dir():
        shutil.copytree(served, job.workdir / "data", copy_function=os.link, dirs_exist_ok=True)


def _require_runnable(identity: Identity) -> None:
    """Without namespaces, the run's user must be able to read the interpreter and the grader package themselves."""
    for needed in (Path(sys.executable).resolve(), package_dir() / "sandbox" / "__main__.py"):
        if not readable_by(needed, identity):
            raise IsolationError(
                f"student code would run as uid {identity.uid}, which cannot read {needed}: install Python and the "
                "grader where every user may read them (a virtual environment under /opt, as the grading images do)"
            )


def refuse_readable_data(hidden: tuple[Path, ...], identity: Identity) -> None:
    """Without namespaces, a dataset the run's user can read would hand it the held-out images: refuse to run."""
    for folder in hidden:
        files = [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []
        exposed = next((path for path in files if readable_by(path, identity)), None)
        if exposed is not None:
            raise IsolationError(
                f"student code would run as uid {identity.uid}, which can read {exposed}: the held-out images must be "
                f"out of its reach. Make the dataset readable by root alone (chmod -R go-rwx {folder}), or install "
                "bubblewrap where namespaces are allowed"
            )
