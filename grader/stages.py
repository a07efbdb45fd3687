"""The sandbox runs of one submission, in the spec's order: one for most assignments, several (`runs`) where a file
saved in one run must be checked in fresh ones (course note section 3: save, inspect, load).

Each run is a fresh process or container under the same limits, with an empty working folder and its own artifacts
folder, which the host moves out of reach before the next run starts: a later run cannot rewrite what an earlier one
observed. The saved file goes from one run to the next through the host, which copies its bytes under a size cap and
never opens it as a model (the host imports neither TensorFlow nor torch).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from grader.artifacts import ArtifactError, Observation, Step, sandbox_error
from grader.job import Job, module_name
from grader.messages import Text, say
from grader.runners import ProgressCallback, Runner, RunOutcome
from grader.sandbox.layout import HANDOFF_IN, HANDOFF_OUT
from grader.spec import RunSpec

OBSERVED = "observed"
"""Where, under the job root, the host keeps each finished run's artifacts (never mounted into a later run)."""
CHUNK = 1024 * 1024


def ending_text(outcome: RunOutcome, time_limit: float, memory_mb: int) -> Text | None:
    """How the student's process ended, for students; None when it ran to the end."""
    if not outcome.timed_out and outcome.exit_code == 0:
        return None
    if outcome.timed_out:
        return say("ending.time_limit", seconds=time_limit)
    if outcome.memory_exceeded:
        return say("ending.memory", memory_mb=memory_mb)
    if outcome.disk_exceeded:
        return say("ending.disk")
    if outcome.exit_code is None or outcome.exit_code < 0:
        return say("ending.signal", signal=-(outcome.exit_code or 0))
    return say("ending.exit", code=outcome.exit_code)


@dataclass(frozen=True)
class StageOutcome:
    """One run as the host saw it; `outcome` is None when the run was not started (`ending` says why)."""

    name: str
    outcome: RunOutcome | None
    ending: Text | None


@dataclass(frozen=True)
class HandoffRecord:
    """The saved file as the host took it: its size and hash, or why it was not handed over."""

    file: str
    size: int | None = None
    sha256: str | None = None
    problem: Text | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def facts(self) -> dict[str, Any]:
        return {"file": self.file, "bytes": self.size, "sha256": self.sha256, "handed_over": self.ok}


class StagedObservation:
    """The observations of several runs, each read from its own folder; names are `<run>/<name>` (`save/train`)."""

    def __init__(self, parts: Mapping[str, Observation], handoff: HandoffRecord | None) -> None:
        self.parts = dict(parts)
        self.handoff = handoff

    def _split(self, name: str) -> tuple[Observation | None, str]:
        run, _, rest = name.partition("/")
        return self.parts.get(run), rest

    def step(self, name: str) -> Step:
        part, rest = self._split(name)
        if part is None:
            return Step(name, "error", say("step.unknown_run", name=name, runs=", ".join(self.parts)))
        return part.step(rest)

    def array(self, name: str) -> np.ndarray:
        part, rest = self._split(name)
        if part is None:
            raise ArtifactError(f"{name}: no run of that name")
        return part.array(rest)

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        part, rest = self._split(name)
        if part is None:
            raise ArtifactError(f"{name}: no run of that name")
        return part.arrays(rest)

    def environment(self) -> dict[str, Any]:
        """The first run's environment (every run has the same image and versions)."""
        return next(iter(self.parts.values())).environment() if self.parts else {}


@dataclass(frozen=True)
class Staged:
    """Everything the runs left: the observations, each run's outcome, and the handed-over file."""

    observation: Observation | StagedObservation
    outcomes: tuple[StageOutcome, ...]
    handoff: HandoffRecord | None = None

    def not_started(self) -> Text | str | None:
        """Why the sandbox of some run never got as far as the student's code (a harness failure), else None. Read
        from the status line the sandbox prints before it imports the student's code (`RunOutcome.status`), never
        from the artifacts, which student code can rewrite."""
        for stage in self.outcomes:
            if stage.outcome is None:
                continue
            status = stage.outcome.status
            if status is None:
                return say("stage.sandbox_silent", run=stage.name, ending=stage.ending or say("ending.exit", code=0))
            if not status.get("prepared"):
                record = status.get("record")
                return sandbox_error(record if isinstance(record, dict) else {}) or say("stage.not_prepared")
        return None


def take_file(source: Path, target: Path, max_bytes: int) -> HandoffRecord:
    """Copy the saved file's bytes out of the run's folder: a regular file, not a link, at most `max_bytes`. The bytes
    are hashed and copied, never parsed."""
    name = source.name
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return HandoffRecord(name, problem=say("handoff.missing", file=name))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return HandoffRecord(name, problem=say("handoff.link", file=name))
        return HandoffRecord(name, problem=say("handoff.unreadable", file=name, problem=exc.strerror or str(exc)))
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = say("handoff.folder", file=name)
    elif not stat.S_ISREG(info.st_mode):
        problem = say("handoff.not_file", file=name)
    elif info.st_size > max_bytes:
        problem = say("handoff.too_big", file=name, size=info.st_size, limit=max_bytes)
    if problem is not None:
        os.close(fd)
        return HandoffRecord(name, info.st_size if stat.S_ISREG(info.st_mode) else None, problem=problem)
    with os.fdopen(fd, "rb") as handle:
        digest, size = hashlib.sha256(), 0
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                size += len(chunk)
                if size > max_bytes:  # it grew after fstat
                    out.close()
                    target.unlink()
                    return HandoffRecord(name, size, problem=say("handoff.too_big", file=name, size=size,
                                                                 limit=max_bytes))  # fmt: skip
                digest.update(chunk)
                out.write(chunk)
    target.chmod(0o444)
    target.parent.chmod(0o755)
    return HandoffRecord(name, size, digest.hexdigest())


def _fresh(folder: Path) -> None:
    """An empty folder, whatever a run left there, so nothing one run wrote is seen by the next."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def stage_job(job: Job, stage: RunSpec, receives: bool) -> Job:
    """Lay the job folder out for one run: job.json (written from the host's own copy) names its probe and its files,
    the work and artifacts folders are empty, the outbox exists only for the run that saves."""
    spec = job.spec
    handoff = spec.handoff
    saves = handoff is not None and stage.name == handoff.source
    settings = {
        **job.settings,
        "probe": stage.probe,
        "stage": stage.name,
        "submission": f"submission/{module_name(spec)}" if stage.student_code else None,
        "handoff_in": f"{HANDOFF_IN}/{handoff.file}" if handoff is not None and receives else None,
        "handoff_out": f"{HANDOFF_OUT}/{handoff.file}" if saves and handoff is not None else None,
    }
    (job.root / "job.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
    _fresh(job.workdir)
    _fresh(job.artifacts)
    outbox = job.root / HANDOFF_OUT
    shutil.rmtree(outbox, ignore_errors=True)
    if saves:
        outbox.mkdir()
        outbox.chmod(0o777)  # the container's user is not the host's
    return replace(job, student_code=stage.student_code)


def _named(progress: ProgressCallback | None, run: str) -> ProgressCallback | None:
    """Progress that says which run it comes from: each run's clock starts again at 0:00."""
    if progress is None:
        return None
    return lambda seen: progress(replace(seen, run=run))


def run_stages(job: Job, runner: Runner, progress: ProgressCallback | None = None) -> Staged:
    """Run every stage of the job in order and gather what each observed."""
    spec = job.spec
    memory_mb = spec.limits.memory_mb
    if not spec.staged:
        outcome = runner.run(stage_job(job, spec.stages[0], receives=False), progress)
        ending = ending_text(outcome, job.time_limit_s, memory_mb)
        observation = Observation(job.artifacts, ending or say("ending.exit", code=0))
        return Staged(observation, (StageOutcome(spec.stages[0].name, outcome, ending),))
    handoff = spec.handoff
    parts: dict[str, Observation] = {}
    outcomes: list[StageOutcome] = []
    record: HandoffRecord | None = None
    for stage in spec.stages:
        folder = job.root / OBSERVED / stage.name
        receives = record is not None
        if receives and record is not None and not record.ok:
            blocked = say("ending.no_handoff", problem=record.problem)
            parts[stage.name] = Observation(folder, blocked)
            outcomes.append(StageOutcome(stage.name, None, blocked))
            continue
        outcome = runner.run(stage_job(job, stage, receives), _named(progress, stage.name))
        ending = ending_text(outcome, job.time_limit_s, memory_mb)
        folder.parent.mkdir(exist_ok=True)
        shutil.move(job.artifacts, folder)
        parts[stage.name] = Observation(folder, ending or say("ending.exit", code=0))
        outcomes.append(StageOutcome(stage.name, outcome, ending))
        if handoff is not None and stage.name == handoff.source:
            cap = int(handoff.max_mb * 1024 * 1024)
            record = take_file(job.root / HANDOFF_OUT / handoff.file, job.root / HANDOFF_IN / handoff.file, cap)
    shutil.rmtree(job.root / HANDOFF_OUT, ignore_errors=True)
    job.artifacts.mkdir(exist_ok=True)
    return Staged(StagedObservation(parts, record), tuple(outcomes), record)
