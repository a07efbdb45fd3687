"""`grader run`: the student's own flow (their `if __name__ == "__main__":` block, or a notebook top to bottom) with
the course data served offline exactly as grading serves it, so the note's `tf.keras.datasets.mnist.load_data()` and
`torchvision.datasets.MNIST(root='./data', download=True)` work unchanged.

The grader's side is a grading job folder in a temporary folder (`grader.job.prepare`: the seed's splits, the
profile's training subset), removed afterwards; `grader.sandbox.student_main` patches the Keras loaders as the sandbox
does and runs the file. The program's working folder is `grader-run/<assignment>/` beside the student's file, and it
is kept: what the program saves there (`model.pt`) is still there after the run, and its path is printed. Each run
starts in an empty folder, as grading does; an earlier run's folder is never deleted but renamed `<assignment>.1`,
`.2`, ... (the first free number), and `grader-run/.gitignore` keeps all of it out of git. torchvision's files are put
in `./data` for the run and taken away after it. A notebook runs with IPython magics and Colab-only statements skipped
(`grader.notebooks.convert.to_script`), and the console says which. Output streams to the console and the exit code is
passed on. Unlike grading, nothing is observed and nothing is scored: this is the student's program, run the way the
grader would feed it.
"""

from __future__ import annotations

import contextlib
import itertools
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

from grader.data.choice import DatasetChoice, choose_dataset
from grader.data.datasets import Dataset
from grader.frameworks import FRAMEWORKS
from grader.isolation.view import package_dir
from grader.job import Job, Submission, prepare
from grader.messages import Text, render, say
from grader.names import typed_path
from grader.notebooks.convert import NOTEBOOK_SUFFIX, ModuleSource, NotebookError, cells_text, read_notebook, to_script
from grader.runners.base import wait_for
from grader.runners.local import sandbox_environment
from grader.sandbox.layout import TORCHVISION
from grader.sandbox.student_main import RUN_FILE
from grader.spec import ENTRY_SUFFIXES, AssignmentSpec

RUN_BOOT = (
    "import sys; sys.path.insert(0, {parent!r}); from grader.sandbox.student_main import main; "
    "raise SystemExit(main(sys.argv[1:]))"
)
"""`-I` ignores PYTHONPATH: the program runs with the grader package this process runs (a checkout on PYTHONPATH
included), never another installed copy."""
TIMED_OUT = 124
"""The exit status when the time limit stopped the program (as `timeout` gives it)."""
RUN_FOLDER = "grader-run"
"""Beside the student's file, the folder holding each assignment's run folder."""
GITIGNORE = "# made by `grader run`: the programs' run folders, kept out of git\n*\n"


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


def run_dataset(spec: AssignmentSpec, requested: str | None, data_dir: Path | None) -> DatasetChoice:
    """The dataset `grader run` serves, chosen as grading chooses it; its note says it serves, not that it grades."""
    choice = choose_dataset(spec, requested, data_dir)
    if choice.note is None:
        return choice
    return DatasetChoice(choice.name, say("dataset.fallback_run", default=spec.default_dataset, chosen=choice.name))


def run_folder(file: Path, spec: AssignmentSpec) -> Path:
    """Where the program runs and what it saves stays: `grader-run/<assignment>/` beside the student's file."""
    return file.parent / RUN_FOLDER / spec.id


def fresh_folder(folder: Path) -> Path | None:
    """Make `folder` an empty folder for this run. An earlier run's folder there is kept, renamed with the first free
    number (`02_torch_loop.1`), and that path returned; an empty one is simply reused (None)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if not os.path.lexists(ignore):
        ignore.write_text(GITIGNORE, encoding="utf-8")
    if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        return None
    kept = None
    if os.path.lexists(folder):
        numbered = (folder.with_name(f"{folder.name}.{number}") for number in itertools.count(1))
        kept = next(path for path in numbered if not os.path.lexists(path))
        folder.rename(kept)
    folder.mkdir()
    return kept


def _write_plan(job: Job, file: Path, lang: str) -> ModuleSource | None:
    """`run.json` for the sandbox side: what to run and how; a notebook becomes the script of all its code cells,
    which is returned (None for a .py)."""
    keras = FRAMEWORKS[job.spec.framework].keras_loaders
    plan: dict[str, object] = {"keras_loaders": keras, "folder": str(file.parent)}
    script, module = file, None
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
    return module


def _serve_torchvision(job: Job, folder: Path) -> list[tuple[Path, int]]:
    """torchvision's files in the run folder's `data/`, where the course note's `root='./data'` finds them (a hard
    link where the file system allows one, else a copy); returns each file with its inode, to take it away after."""
    source = job.root / TORCHVISION
    if not source.is_dir():
        return []
    served = []
    for path in sorted(source.rglob("*")):
        target = folder / "data" / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
        served.append((target, target.stat().st_ino))
    return served


def _take_back(served: list[tuple[Path, int]], folder: Path) -> None:
    """Remove the dataset files the grader served, those the program left as they were, and the folders that held
    nothing else: the run folder keeps only what the program wrote."""
    for path, inode in served:
        with contextlib.suppress(OSError):
            if path.lstat().st_ino == inode:
                path.unlink()
    folders = {parent for path, _ in served for parent in path.parents if folder in parent.parents}
    for emptied in sorted(folders, key=lambda path: len(path.parts), reverse=True):  # the deepest first
        with contextlib.suppress(OSError):
            emptied.rmdir()


def _notebook_lines(module: ModuleSource, lang: str) -> list[str]:
    """What the run of a notebook skips: the cells whose magics were made inert, each Colab-only statement."""
    lines = [render(say("cli.run.notebook"), lang)]
    if module.magic_cells:
        lines.append(render(say("cli.run.magics_skipped", where=cells_text(module.magic_cells)), lang))
    if module.colab_lines:
        skipped = "\n".join(f"  {render(line, lang)}" for line in module.colab_lines)
        lines.append(render(say("cli.run.colab_skipped", lines=skipped), lang))
    return lines


def _execute(job: Job, folder: Path) -> RunEnd:
    """The sandbox entry in its own process group, working in `folder`, output inherited (it streams), killed with
    its children at the time limit or when `grader run` itself is interrupted."""
    started = time.perf_counter()
    command = [sys.executable, "-I", "-u", "-c", RUN_BOOT.format(parent=str(package_dir().parent)), str(job.root)]
    sys.stdout.flush()
    sys.stderr.flush()
    process = subprocess.Popen(
        command, cwd=folder, env=sandbox_environment(job), stdin=subprocess.DEVNULL, start_new_session=True
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
    """Run the student's file as `__main__` in its run folder (`run_folder`), which is kept; `echo` shows the grader's
    own lines (rendered)."""
    spec, lang = request.spec, request.lang
    folder = run_folder(request.file, spec)
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
            lang=lang,
        )
        module = _write_plan(job, request.file, lang)
        try:
            previous = fresh_folder(folder)
        except OSError as exc:
            raise RunError(f"{folder}: cannot make the run folder there ({exc.strerror or exc})") from None
        served = _serve_torchvision(job, folder)
        start = say(
            "cli.run.start",
            file=request.file.name,
            dataset=request.dataset.name,
            profile=request.profile,
            train=f"{len(job.truth.train_raw[0]):,}",
            test=f"{len(job.truth.test_raw[0]):,}",
            folder=typed_path(folder),
        )
        echo(render(start, lang))
        if previous is not None:
            echo(render(say("cli.run.previous", folder=typed_path(previous)), lang))
        for line in _notebook_lines(module, lang) if module is not None else ():
            echo(line)
        try:
            end = _execute(job, folder)
        finally:
            _take_back(served, folder)
    echo(render(end.describe(), lang))
    echo(render(say("cli.run.kept", folder=typed_path(folder)), lang))
    return end
