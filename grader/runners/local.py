"""Local backend: the sandbox in a separate process, kept apart from the grader as strongly as this host allows
(`grader.isolation`: namespaces, a user of its own, or the grader's own user), with a wall-clock timeout, limits, an
output cap and a disk quota.

Only with namespaces or a user of its own is it a boundary against a student who attacks the grader; as the grader's
own user it protects the grader from accidents (crashes, endless loops, memory bombs, floods of output).
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import subprocess
import sys
import time

from grader.data import datasets
from grader.frameworks import installed_versions
from grader.isolation import Isolation, IsolationError
from grader.job import Job
from grader.runners.base import (
    HarnessError,
    OutputCap,
    ProgressCallback,
    RunOutcome,
    progress_watch,
    sandbox_status,
    thread_environment,
    wait_for,
)

MEMORY_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "ResourceExhaustedError", "OOM")
_HOST: dict[str | None, Isolation] = {}


def host_isolation(run_as: str | None = None) -> Isolation:
    """This host's isolation, worked out once per process (and per platform account)."""
    if run_as not in _HOST:
        _HOST[run_as] = Isolation.for_host(run_as)
    return _HOST[run_as]


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


class LocalRunner:
    name = "local"

    def __init__(self, isolation: Isolation | None = None) -> None:
        """`isolation`: how to keep the run apart (a platform passes its account's); default: this host's best."""
        self._isolation = isolation

    def environment_identity(self) -> str:
        """The Python and framework versions: the interpreter's path differs from host to host without changing a
        grade."""
        return " ".join([f"python=={platform.python_version()}", *installed_versions()])

    def run(self, job: Job, progress: ProgressCallback | None = None) -> RunOutcome:
        try:
            isolation = self._isolation or host_isolation()
            with isolation.launch(job, sandbox_environment(job), datasets.storage_dirs(job.dataset)) as launch:
                started = time.perf_counter()
                user = launch.user
                process = subprocess.Popen(
                    launch.command,
                    cwd=launch.cwd,
                    env=launch.env,
                    user=user.uid if user else None,
                    group=user.gid if user else None,
                    extra_groups=[] if user else None,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                assert process.stdout is not None
                output = OutputCap(process.stdout, job.spec.limits.output_kb * 1024)

                def stop() -> None:
                    with contextlib.suppress(ProcessLookupError):  # the whole group; the isolation ends the rest
                        os.killpg(process.pid, signal.SIGKILL)

                try:
                    timed_out, disk_exceeded = wait_for(
                        process, job.time_limit_s, launch.quotas, progress_watch(job, progress), stop
                    )
                finally:
                    stop()
                    process.wait()
                text = output.text()
                process.stdout.close()
        except IsolationError as exc:
            raise HarnessError(f"student code cannot be isolated on this host: {exc}") from None
        status, text = sandbox_status(text)
        return RunOutcome(
            exit_code=process.returncode if not timed_out else None,
            timed_out=timed_out,
            seconds=time.perf_counter() - started,
            output=text,
            output_bytes=output.total,
            memory_exceeded=not timed_out
            and process.returncode != 0
            and any(marker in text[-4000:] for marker in MEMORY_MARKERS),
            disk_exceeded=disk_exceeded,
            backend_info={"backend": self.name, "python": sys.executable, **launch.facts},
            status=status,
        )
