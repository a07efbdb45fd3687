"""What every backend promises: run one prepared job folder under limits and say how the process ended."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import IO, Protocol

from grader.job import Job

TAIL_BYTES = 16 * 1024


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

    def ending(self, time_limit: float, memory_mb: int) -> str:
        """One sentence for students about how the run ended."""
        if self.timed_out:
            return f"the grader stopped your code after {time_limit:g} s (the time limit): look for an endless loop"
        if self.memory_exceeded:
            return f"your code ran out of memory (limit {memory_mb} MB)"
        if self.disk_exceeded:
            return "your code wrote too much data into the grader's folders, so the grader stopped it"
        if self.exit_code is None or self.exit_code < 0:
            return f"your code was killed by signal {-(self.exit_code or 0)}"
        return f"your code ended the process early (exit code {self.exit_code})"


def thread_environment(threads: int | None) -> dict[str, str]:
    """Thread counts for numpy's BLAS, PyTorch (OpenMP) and TensorFlow, so a container given one CPU of a shared
    machine does not start a thread per core and fight its neighbours for them."""
    if threads is None:
        return {}
    names = (
        "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"
    )  # fmt: skip
    return dict.fromkeys(names, str(threads))


class HarnessError(Exception):
    """The backend itself cannot run the job (no engine, no image, docker failed): never the student's fault."""


class Runner(Protocol):
    name: str

    def run(self, job: Job) -> RunOutcome: ...


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
