"""What every backend promises: run one prepared job folder under limits and say how the process ended."""

from __future__ import annotations

import contextlib
import json
import re
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from grader.artifacts import ArtifactError, read_json
from grader.isolation import Quota
from grader.job import Job
from grader.sandbox.layout import STATUS_MARKER

TAIL_BYTES = 16 * 1024
POLL_S = 0.25
_STEP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
STATUS_BYTES = 64 * 1024
MAX_COUNT = 10_000_000
"""More epochs or batches than any training here has: a larger count in progress.json is not shown."""
PROGRESS_BYTES = 64 * 1024


@dataclass(frozen=True)
class RunOutcome:
    """How the student process ended, as the host observed it (never as the process claims)."""

    exit_code: int | None
    timed_out: bool
    seconds: float
    output: str
    output_bytes: int
    memory_exceeded: bool = False
    disk_exceeded: bool = False
    backend_info: dict[str, str] = field(default_factory=dict)
    status: dict[str, Any] | None = None
    """What the sandbox said of itself before any student code ran (`sandbox_status`); None when it never got that
    far, which is the harness's failure, not the student's."""


def sandbox_status(output: str) -> tuple[dict[str, Any] | None, str]:
    """The sandbox's status line, and the output without it. Only the first marked line counts: the sandbox prints it
    before the student's code is imported, so a line the student's code prints later cannot take its place."""
    start = output.find(STATUS_MARKER)
    if start < 0:
        return None, output
    end = output.find("\n", start)
    end = len(output) if end < 0 else end
    line = output[start + len(STATUS_MARKER) : end]
    try:
        status = json.loads(line[:STATUS_BYTES])
    except ValueError:
        status = None
    rest = output[:start] + output[end + 1 :]
    return (status if isinstance(status, dict) else None), rest


def folder_bytes(folders: Iterable[Path]) -> int:
    """Bytes of the regular files under `folders`, links not followed: what a run has written there."""
    total = 0
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                info = path.lstat()
                total += info.st_size if stat.S_ISREG(info.st_mode) else 0
    return total


def thread_environment(threads: int) -> dict[str, str]:
    """Thread counts for numpy's BLAS, PyTorch (OpenMP) and TensorFlow: the job's fixed count, so results do not
    depend on the machine, and a container given one CPU of a shared machine does not start a thread per core."""
    names = (
        "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"
    )  # fmt: skip
    return dict.fromkeys(names, str(threads))


def wait_for(
    process: subprocess.Popen[bytes],
    limit_s: float,
    quotas: Iterable[Quota],
    progress: ProgressWatch | None,
    stop: Callable[[], None],
) -> tuple[bool, bool]:
    """Wait for the run up to `limit_s`, stopping it (`stop`) at the limit or when it writes past a quota, and report
    progress between polls when asked; returns (timed out, over the quota). Waiting on the process, not sleeping,
    returns the moment it exits."""
    deadline = time.monotonic() + limit_s
    quotas = tuple(quotas)
    while True:
        try:
            process.wait(timeout=max(0.0, min(POLL_S, deadline - time.monotonic())))
            return False, False
        except subprocess.TimeoutExpired:
            pass
        over_time = time.monotonic() >= deadline
        over_disk = any(folder_bytes(quota.folders) > quota.limit for quota in quotas)
        if over_time or over_disk:
            stop()
            process.wait()
            return over_time, over_disk
        if progress is not None:
            progress.tick()


class HarnessError(Exception):
    """The backend itself cannot run the job (no engine, no image, docker failed): never the student's fault."""


@dataclass(frozen=True)
class TrainingCount:
    """How far a training is, as the sandbox counted it (`grader.sandbox.progress`): the epoch (from 1) and the batches
    drawn in it, each with its total when known. Shown, never graded: student code can write the file it comes from."""

    epoch: int
    epochs: int | None = None
    batch: int | None = None
    batches: int | None = None


def training_count(raw: Mapping[str, Any]) -> TrainingCount | None:
    """The counts of a progress record, or None without a usable epoch. Each must be a whole number up to MAX_COUNT
    (a bool, a float, a string or a huge number is dropped), and a total below its count, or without one, is dropped."""

    def whole(key: str) -> int | None:
        value = raw.get(key)
        return value if type(value) is int and 0 <= value <= MAX_COUNT else None

    epoch, epochs, batch, batches = (whole(key) for key in ("epoch", "epochs", "batch", "batches"))
    if epoch is None or epoch < 1:
        return None
    if epochs is not None and epochs < epoch:
        epochs = None
    if batches is not None and (batch is None or batches < max(batch, 1)):
        batches = None
    return TrainingCount(epoch, epochs, batch, batches)


@dataclass(frozen=True)
class Progress:
    """Where a running job is: the step the sandbox last announced (None until it announces one) and the seconds
    since the runner started it; `run`: which of a staged job's runs it is (04/05's `save`, `inspect`, `load`);
    `framework`: the spec's (the host's own, so the console can name what the sandbox is loading); `count`: the
    training's epochs and batches while the sandbox counts them."""

    step: str | None
    elapsed_s: float
    run: str = ""
    framework: str = ""
    count: TrainingCount | None = None


ProgressCallback = Callable[[Progress], None]


class ProgressWatch:
    """Reads the sandbox's `progress.json` while a runner waits and hands it to a callback, once per poll.

    Runners build one only when a caller asked for progress, so grading without it costs nothing. The file is written
    next to student code, so it is read as an artifact (no links, bounded size), the step must look like a name and
    the counts must be plausible (`training_count`); anything else in it is ignored."""

    def __init__(self, artifacts: Path, callback: ProgressCallback, framework: str = "") -> None:
        self._file = artifacts / "progress.json"
        self._callback = callback
        self._framework = framework
        self._started = time.monotonic()

    def tick(self) -> None:
        raw = self._read()
        record = raw if isinstance(raw, dict) else {}
        step = record.get("step")
        named = step if isinstance(step, str) and _STEP_NAME.match(step) else None
        count = training_count(record) if named is not None else None
        self._callback(Progress(named, time.monotonic() - self._started, framework=self._framework, count=count))

    def _read(self) -> Any:
        """The file's JSON, or None; one over PROGRESS_BYTES is not read at all (it is polled four times a second)."""
        try:
            if self._file.lstat().st_size > PROGRESS_BYTES:
                return None
            return read_json(self._file)
        except (OSError, ArtifactError):
            return None


def progress_watch(job: Job, progress: ProgressCallback | None) -> ProgressWatch | None:
    """A watch on the job's artifacts when a caller asked for progress; None (nothing polled, nothing read) if not."""
    return None if progress is None else ProgressWatch(job.artifacts, progress, job.spec.framework)


class Runner(Protocol):
    name: str

    def run(self, job: Job, progress: ProgressCallback | None = None) -> RunOutcome:
        """Run the job; `progress`, when given, is called about every POLL_S seconds while it runs."""
        ...

    def environment_identity(self) -> str:
        """What student code runs in, as the cache key and a cluster's workers compare it: the same string on every
        machine that would grade alike."""
        ...


class OutputCap:
    """Drains a stream so the child never blocks, keeping the first `head` bytes and the last TAIL_BYTES."""

    def __init__(self, stream: IO[bytes], head: int) -> None:
        self._stream = stream
        self._head_limit = head
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        for chunk in iter(lambda: self._stream.read(65536), b""):
            self.total += len(chunk)
            room = self._head_limit - len(self._head)
            if room > 0:
                self._head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self._tail = (self._tail + chunk)[-TAIL_BYTES:]

    def text(self, timeout: float = 5.0) -> str:
        self._thread.join(timeout)
        head = self._head.decode("utf-8", "replace")
        if not self._tail:
            return head
        skipped = self.total - len(self._head) - len(self._tail)
        marker = f"\n[... {skipped} bytes of output not kept ...]\n" if skipped > 0 else ""
        return head + marker + self._tail.decode("utf-8", "replace")
