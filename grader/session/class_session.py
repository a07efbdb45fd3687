"""Class-scale grading: many submissions in parallel, each result written the moment it is known, nothing graded twice.

Resume and cache are one mechanism. Every results.json carries the key of what produced it (submission files, spec,
dataset, profile, seed, device, the image or local environment, the grader's source); a submission whose results.json
holds the current key and a real grade is not graded again. Results are renamed into place, so a session killed
midway leaves complete files or none. A harness failure (`not_graded`) is retried once, and is never cached.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from grader import course_key
from grader.data import datasets
from grader.grading import GradeOptions, grade_submission, not_graded, spec_checks
from grader.job import Submission
from grader.messages import Text
from grader.outputs import gradescope
from grader.results import AssignmentResult, SubmissionStatus
from grader.session import history, host_threads
from grader.session.cache_key import SessionKey, digest, spec_digest
from grader.session.gpus import GpuPool, visible_gpus
from grader.session.watchdog import Watchdog
from grader.spec import AssignmentSpec

STALL_MARGIN_S = 60.0


@dataclass(frozen=True)
class Graded:
    """One submission's outcome in this session: `cached` when an earlier result was reused, `attempts` runs made."""

    result: AssignmentResult
    cached: bool
    attempts: int


def split_cpus(jobs: int, cpus: int | None = None) -> int:
    """Each of `jobs` parallel containers gets an equal whole share of the machine's CPUs (at least one)."""
    return max(1, (cpus or os.cpu_count() or 1) // max(1, jobs))


def cached_result(folder: Path, key: str) -> AssignmentResult | None:
    """The result already in `folder`, if this grader wrote it (its signature holds), it was graded (not a harness
    failure) and under exactly this key."""
    result = gradescope.read_trusted(folder / gradescope.FILENAME)
    if result is None:
        return None
    if result.status is not SubmissionStatus.GRADED or result.provenance.get("cache_key") != key:
        return None
    return result


class Session:
    """Grades one assignment's submissions into `out/<submission>/results.json`."""

    def __init__(
        self,
        spec: AssignmentSpec,
        dataset_name: str,
        options: GradeOptions,
        out: Path,
        *,
        jobs: int = 1,
        force: bool = False,
        data_dir: Path | None = None,
        retries: int = 1,
        stall_timeout_s: float | None = None,
        notify: Callable[[str], None] = print,
        remote: Callable[[Submission], AssignmentResult] | None = None,
        per_gpu: int | None = None,
    ) -> None:
        """`remote` grades one attempt elsewhere (a Dask cluster, `grader.cluster.coordinator`); by default attempts run
        here. Either way the cache, resume, retries and outputs stay with this session. With `--device cuda` here, each
        attempt is placed on one of the host's GPUs, at most `per_gpu` per GPU (default: the jobs spread evenly)."""
        self.spec, self.dataset_name, self.out = spec, dataset_name, out
        self.jobs, self.force, self.data_dir, self.retries = max(1, jobs), force, data_dir, retries
        limit = options.time_limit_s or spec.profiles[options.profile].time_limit_s
        self.stall_timeout_s = stall_timeout_s or 2 * spec.wall_time_s(limit) + STALL_MARGIN_S
        self.notify, self.remote = notify, remote
        self.options = replace(
            options,
            cpus=options.cpus or (split_cpus(jobs) if jobs > 1 else None),
            split_key=options.split_key or course_key.split_key(),  # one key for the whole class, workers included
        )
        devices = visible_gpus() if options.device == "cuda" and remote is None else []
        self.gpus = GpuPool.for_jobs(devices, self.jobs, per_gpu) if devices else None
        self.key = SessionKey.build(spec, dataset_name, self.options, data_dir)
        self._dataset: datasets.Dataset | None = None

    def dataset(self) -> datasets.Dataset:
        """Loaded once, and only when something needs grading: a rerun with nothing changed never reads it."""
        if self._dataset is None:
            self._dataset = datasets.load(self.dataset_name, self.data_dir)
        return self._dataset

    def grade_one(self, submission: Submission) -> Graded:
        key = self.key.for_submission(self.spec, submission)
        folder = self.out / submission.name
        if not self.force and (earlier := cached_result(folder, key)) is not None:
            return Graded(earlier, cached=True, attempts=0)
        attempts = 0
        while True:
            attempts += 1
            result = self._attempt(submission)
            if result.status is SubmissionStatus.GRADED or attempts > self.retries:
                break
        result = record(
            replace(result, provenance={**result.provenance, "attempts": attempts}), folder, key, self.force
        )
        return Graded(result, cached=False, attempts=attempts)

    def _attempt(self, submission: Submission) -> AssignmentResult:
        if self.remote is not None:
            return replace(self.remote(submission), student=submission.label)
        try:
            dataset = self.dataset()
        except datasets.DatasetError as exc:
            return not_graded(
                self.spec.id, submission.name, str(exc), spec_checks(self.spec, self.options.lang), self.options.lang
            )
        if self.gpus is None:
            return grade_submission(self.spec, submission, dataset, self.options)
        with self.gpus.take() as gpu:
            return grade_submission(self.spec, submission, dataset, replace(self.options, gpu=gpu))

    def run(self, submissions: Sequence[Submission], on_done: Callable[[Graded], None] | None = None) -> list[Graded]:
        """Grade everything, `jobs` at a time; the returned list is in the order of `submissions`. The host's BLAS and
        OpenMP pools are held at one thread meanwhile (`host_threads`), and a watchdog writes every thread's stack when
        nothing finishes for `stall_timeout_s`."""
        outcomes: dict[str, Graded] = {}
        watchdog = Watchdog(self.stall_timeout_s, self.out, self.notify)
        with host_threads.capped(), watchdog, ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = {pool.submit(self._safe_grade_one, s): s for s in submissions}
            for future in as_completed(futures):
                graded = future.result()
                watchdog.progress()
                outcomes[futures[future].name] = graded
                if on_done is not None:
                    on_done(graded)
        return [outcomes[s.name] for s in submissions]

    def _safe_grade_one(self, submission: Submission) -> Graded:
        """One bad submission, or one broken container, never stops the batch: everything ends with a result."""
        try:
            return self.grade_one(submission)
        except Exception as exc:  # the batch goes on; the reason is kept in the result
            reason = f"the session could not grade this: {type(exc).__name__}: {exc}"
            lang = self.options.lang
            result = not_graded(self.spec.id, submission.name, reason, spec_checks(self.spec, lang), lang)
            result = replace(result, student=submission.label)
            return Graded(record(result, self.out / submission.name, "", self.force), cached=False, attempts=1)


def run_with_progress(session: Session, submissions: Sequence[Submission], console: Console) -> list[Graded]:
    """A progress bar with an ETA, and one line per finished submission."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(f"{session.spec.id} ({session.jobs} at a time)", total=len(submissions))

        def done(graded: Graded) -> None:
            result = graded.result
            status = "cached" if graded.cached else f"{result.execution_time:.0f}s"  # this submission's own time
            if result.status is SubmissionStatus.NOT_GRADED:
                line = f"[yellow]{escape(result.shown)}: not graded[/yellow] ({status})"
            else:
                line = f"{escape(result.shown)}: {result.score:g}/{result.max_score:g} ({status})"
            progress.console.print(line)
            progress.advance(task)

        return session.run(submissions, done)


def record(result: AssignmentResult, folder: Path, key: str, force: bool) -> AssignmentResult:
    """Write `folder/results.json` stamped with its key and time; the result it replaces goes to `history/` first."""
    previous = history.archive_previous(folder, key, force)
    stamp = {"cache_key": key, "graded_at": history.now(), **({"previous": previous} if previous else {})}
    result = replace(result, provenance={**result.provenance, **stamp})
    gradescope.write(result, folder)
    return result


def missing_key(spec: AssignmentSpec, reason: Text) -> str:
    """The key of an absence is its reason, so the same absence is not archived again on every rerun."""
    return "missing:" + digest([spec_digest(spec), reason.render("en")])


def outputs_digest(results: Sequence[AssignmentResult], settings: Sequence[str]) -> str:
    """Identifies the class outputs (gradebook, report, ...) a set of results produces, so a rerun that changed
    nothing can leave them as they are instead of redrawing every plot."""
    parts = [
        f"{r.submission}:{r.status.value}:{r.provenance.get('cache_key', '')}:{r.score}:"
        + (json.dumps(r.term.to_dict(), sort_keys=True) if r.term is not None else "")
        for r in results
    ]
    return digest([*settings, *parts])
