"""`grader run`: the student's own flow (their `if __name__ == "__main__":` block, or a notebook top to bottom) with
the course data served offline exactly as grading serves it, so the note's `tf.keras.datasets.mnist.load_data()` and
`torchvision.datasets.MNIST(root='./data', download=True)` work unchanged.

The scratch folder is a grading job folder (`grader.job.prepare`: the seed's splits, the profile's training subset,
torchvision's files in ./data); `grader.sandbox.student_main` patches the Keras loaders as the sandbox does and runs
the file there. Its output streams to the console and its exit code is passed on. Unlike grading, nothing is
observed and nothing is scored: this is the student's program, run the way the grader would feed it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.datasets import Dataset
from grader.job import Job, Submission, prepare
from grader.messages import Text, render, say
from grader.notebooks import NOTEBOOK_SUFFIX, NotebookError, read_notebook, to_script
from grader.runners.base import wait_for
from grader.runners.local import sandbox_environment
from grader.sandbox.layout import TORCHVISION
from grader.sandbox.student_main import RUN_FILE
from grader.spec import ENTRY_SUFFIXES, AssignmentSpec

TIMED_OUT = 124
"""The exit status when the time limit stopped the program (as `timeout` gives it)."""


class RunError(Exception):
    """The file cannot be run as given (no such file, not a .py or .ipynb, a notebook that cannot be read)."""


@dataclass(frozen=True)
class RunRequest:
    spec: AssignmentSpec
    file: Path
    dataset: Dataset
    profile: str = "smoke"
    time_limit_s: float | None = None
    device: str = "cpu"
    lang: str = "en"


@dataclass(frozen=True)
class RunEnd:
    """How the student's program ended: `exit_code` as the OS reports it (negative: a signal; None: timed out)."""

    exit_code: int | None
    seconds: float
    time_limit_s: float

    @property
    def status(self) -> int:
        """The exit status `grader run` passes on: the program's own, 128 + N for signal N, 124 for the time limit."""
        if self.exit_code is None:
            return TIMED_OUT
        return 128 - self.exit_code if self.exit_code < 0 else self.exit_code

    def describe(self) -> Text:
        if self.exit_code is None:
            return say("cli.run.timeout", limit=self.time_limit_s)
        if self.exit_code < 0:
            return say("cli.run.signal", signal=-self.exit_code, seconds=self.seconds)
        return say("cli.run.exit", code=self.exit_code, seconds=self.seconds)


def entry_file(path: Path, spec: AssignmentSpec) -> Path:
    """A .py or .ipynb file, or a folder holding one of the assignment's entry files (the first found, in the spec's
    order)."""
    if path.is_dir():
        found = next((path / name for name in spec.entries if (path / name).is_file()), None)
        if found is None:
            raise RunError(f"{path}: the folder holds none of {', '.join(spec.entries)}")
        return found.resolve()
    if not path.is_file():
        raise RunError(f"{path}: no such file or folder")
    if path.suffix not in ENTRY_SUFFIXES:
        raise RunError(f"{path}: `grader run` runs a {' or '.join(ENTRY_SUFFIXES)} file")
    return path.resolve()


def _write_plan(job: Job, file: Path, lang: str) -> None:
    """`run.json` for the sandbox side: what to run and how; a notebook becomes the script of all its code cells."""
    plan: dict[str, object] = {"framework": job.spec.framework, "folder": str(file.parent)}
    script = file
    if file.suffix == NOTEBOOK_SUFFIX:
        try:
            module = to_script(read_notebook(file))
        except NotebookError as exc:
            raise RunError(exc.text.render(lang)) from None
        script = job.root / "notebook" / f"{file.stem}.py"
        script.parent.mkdir()
        script.write_text(module.source, encoding="utf-8")
        plan["notebook"] = {"file": module.file, "lines": module.lines}
    plan["script"] = str(script)
    (job.root / RUN_FILE).write_text(json.dumps(plan), encoding="utf-8")


def _execute(job: Job) -> RunEnd:
    """The sandbox entry in its own process group, output inherited (it streams), killed with its children at the time
    limit or when `grader run` itself is interrupted."""
    started = time.perf_counter()
    command = [sys.executable, "-I", "-u", "-m", "grader.sandbox.student_main", str(job.root)]
    sys.stdout.flush()
    sys.stderr.flush()
    process = subprocess.Popen(
        command, cwd=job.workdir, env=sandbox_environment(job), stdin=subprocess.DEVNULL, start_new_session=True
    )

    def stop() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    try:
        timed_out, _ = wait_for(process, job.time_limit_s, (), None, stop)
    finally:
        stop()
        process.wait()
    seconds = time.perf_counter() - started
    return RunEnd(None if timed_out else process.returncode, seconds, job.time_limit_s)


def run_student(request: RunRequest, echo: Callable[[str], None]) -> RunEnd:
    """Run the student's file as `__main__` in a scratch folder; `echo` shows the grader's own lines (rendered)."""
    spec = request.spec
    with tempfile.TemporaryDirectory(prefix="grader-run-", ignore_cleanup_errors=True) as tmp:
        submission = Submission(request.file.stem, request.file)
        job = prepare(
            spec,
            submission,
            request.dataset,
            request.profile,
            spec.seed,
            Path(tmp),
            device=request.device,
            time_limit_s=request.time_limit_s,
            lang=request.lang,
        )
        _write_plan(job, request.file, request.lang)
        if (job.root / TORCHVISION).is_dir():  # where the course note's `root='./data'` finds them
            shutil.copytree(job.root / TORCHVISION, job.workdir / "data", copy_function=os.link)
        start = say(
            "cli.run.start",
            file=request.file.name,
            dataset=request.dataset.name,
            profile=request.profile,
            train=f"{len(job.truth.train_raw[0]):,}",
            test=f"{len(job.truth.test_raw[0]):,}",
            folder=str(job.workdir),
        )
        echo(render(start, request.lang))
        if request.file.suffix == NOTEBOOK_SUFFIX:
            echo(render(say("cli.run.notebook"), request.lang))
        end = _execute(job)
    echo(render(end.describe(), request.lang))
    return end
