"""The grading pipeline for one submission: job -> runner -> observation -> checks -> AssignmentResult.

Whatever goes wrong, a result comes back: student failures score 0 on the checks they affect, harness failures mark
the submission `not_graded` with the reason kept for the instructor.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from grader import __version__
from grader.artifacts import ArtifactError, Observation
from grader.checks import CHECKS, CheckContext, Outcome
from grader.data.datasets import Dataset
from grader.job import Job, Submission, prepare
from grader.messages import Text, render, say
from grader.results import AssignmentResult, Status, SubmissionStatus, TestResult
from grader.runners import RUNNERS, HarnessError, ProgressCallback, Runner
from grader.runners.base import RunOutcome
from grader.spec import SPEC_FILE, AssignmentSpec
from grader.stages import Staged, StagedObservation, run_stages
from grader.submissions import submission_notes

OUTPUT_TAIL_CHARS = 3000


@dataclass(frozen=True)
class GradeOptions:
    profile: str = "smoke"
    seed: int | None = None
    backend: str = "local"
    device: str = "cpu"
    time_limit_s: float | None = None
    cpus: float | None = None
    """A parallel session's CPU share per submission (None: the runner's default)."""
    gpu: str | None = None
    """The GPU this submission is placed on (`grader.session.gpus`); None: whatever the host shows."""
    lang: str = "en"
    """The language every message of the result is written in (`en` or `ko`)."""
    split_key: str | None = None
    """The key the held-out images are drawn with (`grader.course_key`); None: this host's own."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def not_graded(
    spec_id: str, submission: str, reason: str, checks: list[tuple[str, str, float, str]], lang: str = "en"
) -> AssignmentResult:
    """A harness failure: every check listed at 0 with the reason, flagged so nobody mistakes it for a real zero.
    The notice is in `lang`; the reason stays as the harness wrote it."""
    first = reason.splitlines()[0] if reason else ""
    output = say("grading.not_graded_check", reason=first).render(lang)
    tests = tuple(
        TestResult(check_id, name, 0.0, points, Status.FAILED, visibility, output)
        for check_id, name, points, visibility in checks
    )
    notice = say("grading.not_graded").render(lang)
    return AssignmentResult(spec_id, submission, SubmissionStatus.NOT_GRADED, tests, 0.0, f"{notice}\n\n{reason}")


def missing_result(
    spec: AssignmentSpec, name: str, reason: Text, lang: str = "en", label: str = ""
) -> AssignmentResult:
    """A student with nothing gradable: every check at 0 with the reason, status `missing`, neither an earned zero
    nor a harness failure."""
    output = say("submission.missing", reason=reason).render(lang)
    tests = tuple(replace(t, output=output) for t in not_graded(spec.id, name, output, spec_checks(spec, lang)).tests)
    return AssignmentResult(spec.id, name, SubmissionStatus.MISSING, tests, 0.0, output, student=label)


def spec_checks(spec: AssignmentSpec, lang: str = "en") -> list[tuple[str, str, float, str]]:
    """Each check's id, title in `lang`, points and visibility."""
    return [(c.id, c.title(lang), c.points, c.visibility) for c in spec.checks]


def cpu_model() -> str:
    """The processor's name, as /proc/cpuinfo gives it (platform.processor() is empty on most Linux systems)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def _run_facts(outcome: RunOutcome) -> dict[str, Any]:
    return {
        "exit_code": outcome.exit_code,
        "timed_out": outcome.timed_out,
        "seconds": round(outcome.seconds, 3),
        "output_bytes": outcome.output_bytes,
    }


def _provenance(job: Job, staged: Staged, backend: str) -> dict[str, Any]:
    """Where, how and on what the submission was graded; several runs are each listed, with the handed-over file."""
    started = [stage for stage in staged.outcomes if stage.outcome is not None]
    outcome = started[0].outcome
    assert outcome is not None
    several: dict[str, Any] = {}
    if job.spec.staged:
        several["runs"] = {
            stage.name: _run_facts(stage.outcome) if stage.outcome else {"started": False} for stage in staged.outcomes
        }
        several["handoff"] = staged.handoff.facts() if staged.handoff else None
    spec_file = job.spec.folder / SPEC_FILE if job.spec.folder else None
    return {
        "grader_version": __version__,
        "backend": backend,
        "device": job.device,
        "threads": job.threads,
        "cpus": job.cpus or os.cpu_count(),
        **({"gpu": job.gpu} if job.gpu is not None else {}),
        "profile": job.profile_name,
        "epochs": job.profile.epochs,
        "seed": job.seed,
        "dataset": {
            "name": job.dataset.name,
            "checksum_sha256": job.dataset.checksum,
            "train_images": len(job.truth.train_raw[0]),
            "visible_test_images": len(job.truth.test_raw[0]),
            "heldout_images": len(job.truth.heldout[0]),
            "split_key": job.split_id,
        },
        "spec_sha256": _sha256(spec_file) if spec_file and spec_file.exists() else None,
        "submission_sha256": _sha256(job.submission.entry),
        "limits": {"time_s": job.time_limit_s, "memory_mb": job.spec.limits.memory_mb},
        "host": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
            "cpu": cpu_model(),
            "cpus": os.cpu_count(),
        },
        "sandbox": staged.observation.environment(),
        "run": {**_run_facts(outcome), **outcome.backend_info},
        **several,
    }


def _notes(job: Job, lang: str) -> list[str]:
    """How the file was graded: which file, and for a notebook which cells were not run and why."""
    return [render(note, lang) for note in (*submission_notes(job.spec, job.submission), *job.notes)]


def _summary(job: Job, tests: tuple[TestResult, ...], staged: Staged, lang: str = "en") -> str:
    score = sum(t.score for t in tests)
    total = sum(t.max_score for t in tests)
    figures = {"dataset": job.dataset.name, "profile": job.profile_name, "seed": job.seed}
    lines = [
        say("grading.summary", assignment=job.spec.id, score=score, total=total, **figures).render(lang),
        *_notes(job, lang),
    ]
    several = job.spec.staged
    for stage in staged.outcomes:
        if stage.ending and stage.outcome is not None:
            ended = say("grading.run_ended", run=stage.name, ending=stage.ending) if several else None
            lines.append((ended or say("grading.ended_early", ending=stage.ending)).render(lang))
    printed = [(stage.name, stage.outcome.output) for stage in staged.outcomes if stage.outcome is not None]
    output = "".join(f"[{name}]\n{text}\n" if several else text for name, text in printed if text.strip())
    if any(t.status is Status.FAILED for t in tests) and output.strip():
        lines += ["", say("grading.output_tail").render(lang), output[-OUTPUT_TAIL_CHARS:]]
    return "\n".join(lines)


def _run_checks(job: Job, obs: Observation | StagedObservation, lang: str) -> tuple[TestResult, ...]:
    """Every check of the spec, its title and message rendered in `lang`."""
    results = []
    for check_spec in job.spec.checks:
        definition = CHECKS[check_spec.id]
        params = definition.parse(check_spec.params)
        try:
            outcome = definition.run(CheckContext(job, check_spec, obs), params)
        except Exception as exc:  # what a check reads came from the student's process: malformed, not our failure
            problem = f"{type(exc).__name__}: {str(exc)[:300]}"
            outcome = Outcome(False, [say("check.records_malformed", problem=problem), say("manual_review")],
                              {"manual_review": 1})  # fmt: skip
        results.append(
            TestResult(
                check_id=check_spec.id,
                name=check_spec.title(lang),
                score=check_spec.points if outcome.passed else 0.0,
                max_score=check_spec.points,
                status=Status.PASSED if outcome.passed else Status.FAILED,
                visibility=check_spec.visibility,
                output=render(outcome.message, lang),
                metrics=dict(outcome.metrics),
            )
        )
    return tuple(results)


def _training_loss(obs: Observation | StagedObservation, epochs: int) -> tuple[float, ...]:
    """The per-epoch loss curve the sandbox saved, for reports; anything malformed is dropped, not trusted."""
    try:
        curve = obs.array("training_loss")
    except ArtifactError:
        return ()
    if curve.ndim != 1 or curve.size > epochs or not np.issubdtype(curve.dtype, np.number):
        return ()
    return tuple(round(float(x), 6) for x in curve if np.isfinite(x))


def grade_submission(
    spec: AssignmentSpec,
    submission: Submission,
    dataset: Dataset,
    options: GradeOptions,
    runner: Runner | None = None,
    progress: ProgressCallback | None = None,
) -> AssignmentResult:
    """Grade one submission; never raises for anything the submission or the harness does.

    `runner` replaces the backend's default runner (the benchmark passes one that accounts CPU time); `progress` is
    called while the student's code runs (the step it is in, the time so far), for a console that shows it."""
    result = _grade(spec, submission, dataset, options, runner, progress)
    return replace(result, student=submission.label)


def _grade(
    spec: AssignmentSpec,
    submission: Submission,
    dataset: Dataset,
    options: GradeOptions,
    runner: Runner | None,
    progress: ProgressCallback | None,
) -> AssignmentResult:
    started = time.perf_counter()
    seed = spec.seed if options.seed is None else options.seed
    try:
        with tempfile.TemporaryDirectory(prefix="grader-job-", ignore_cleanup_errors=True) as tmp:
            job = prepare(
                spec,
                submission,
                dataset,
                options.profile,
                seed,
                Path(tmp),
                device=options.device,
                time_limit_s=options.time_limit_s,
                cpus=options.cpus,
                gpu=options.gpu,
                lang=options.lang,
                split_key=options.split_key,
            )
            staged = run_stages(job, runner or RUNNERS[options.backend](), progress)
            obs = staged.observation
            failed = staged.not_started()
            if failed is not None:
                printed = "".join(stage.outcome.output for stage in staged.outcomes if stage.outcome is not None)
                reason = f"the grading environment could not start: {render(failed)}\n\n{printed[-2000:]}"
                return not_graded(spec.id, submission.name, reason, spec_checks(spec, options.lang), options.lang)
            tests = _run_checks(job, obs, options.lang)
            return AssignmentResult(
                assignment=spec.id,
                submission=submission.name,
                status=SubmissionStatus.GRADED,
                tests=tests,
                execution_time=time.perf_counter() - started,
                output=_summary(job, tests, staged, options.lang),
                provenance={**_provenance(job, staged, options.backend), "notes": _notes(job, options.lang)},
                training_loss=_training_loss(obs, job.profile.epochs),
            )
    except HarnessError as exc:
        return not_graded(spec.id, submission.name, str(exc), spec_checks(spec, options.lang), options.lang)
    except Exception:
        reason = "the autograder failed while grading:\n" + traceback.format_exc(limit=8)
        return not_graded(spec.id, submission.name, reason, spec_checks(spec, options.lang), options.lang)
