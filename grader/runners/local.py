"""Local backend: the sandbox in a separate Python process with a wall-clock timeout, a memory limit and an output cap.

It is not a security boundary (the Docker backends are); it keeps the grader's own process safe from crashes,
endless loops, memory bombs and floods of output.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time

from grader.job import Job
from grader.runners.base import (
    POLL_S,
    OutputCap,
    ProgressCallback,
    ProgressWatch,
    RunOutcome,
    progress_watch,
    thread_environment,
)

FILE_SIZE_LIMIT = 512 * 1024 * 1024
PR_SET_PDEATHSIG = 1
MEMORY_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "ResourceExhaustedError", "OOM")


def _limits(memory_mb: int) -> None:
    """Runs in the child before exec: cap data memory, file size and core dumps, and die with the grader. The time
    limit is kept by the grading process; were it killed (a cluster worker under `kill -9`), an endless loop would
    otherwise run on forever."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def sandbox_environment(job: Job) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        PYTHONHASHSEED=str(job.seed),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        HOME=str(job.workdir),
        MPLBACKEND="Agg",
    )
    env.update(thread_environment(job.threads))
    if job.device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    elif job.gpu is not None:
        env["CUDA_VISIBLE_DEVICES"] = job.gpu
    elif "CUDA_VISIBLE_DEVICES" in os.environ:
        env["CUDA_VISIBLE_DEVICES"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return env


def wait(process: subprocess.Popen[bytes], limit: float, progress: ProgressWatch | None) -> bool:
    """Wait for the process up to `limit` seconds, reporting progress between polls when asked; True if it ran out."""
    deadline = time.monotonic() + limit
    while True:
        remaining = deadline - time.monotonic()
        try:
            process.wait(timeout=max(0.0, remaining if progress is None else min(POLL_S, remaining)))
            return False
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                return True
        if progress is not None:
            progress.tick()


class LocalRunner:
    name = "local"

    def run(self, job: Job, progress: ProgressCallback | None = None) -> RunOutcome:
        limit = job.time_limit_s
        memory_mb = job.spec.limits.memory_mb
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.sandbox", str(job.root)],
            cwd=job.workdir,
            env=sandbox_environment(job),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: _limits(memory_mb),
        )
        assert process.stdout is not None
        output = OutputCap(process.stdout, job.spec.limits.output_kb * 1024)
        try:
            timed_out = wait(process, limit, progress_watch(job, progress))
        finally:
            with contextlib.suppress(ProcessLookupError):  # the whole group: children the student forked die too
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        text = output.text()
        process.stdout.close()
        return RunOutcome(
            exit_code=process.returncode if not timed_out else None,
            timed_out=timed_out,
            seconds=time.perf_counter() - started,
            output=text,
            output_bytes=output.total,
            memory_exceeded=not timed_out
            and process.returncode != 0
            and any(marker in text[-4000:] for marker in MEMORY_MARKERS),
            backend_info={"backend": self.name, "python": sys.executable},
        )
