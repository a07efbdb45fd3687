"""`grader grade` over a whole class: collect the submissions from files, folders and class exports, grade them in a
session, and write every output (per-student results and feedback, gradebook, JUnit, report).

Each assignment has its own folder under `--out`, so grading a second assignment into the same place keeps the first:

    OUT/<assignment>/<student>/results.json, feedback.md, prairielearn.json, history/
    OUT/<assignment>/gradebook.csv, junit.xml, report.html, canvas.csv, lms.csv
                                           (for a class: more than one submission, or a class folder)
    OUT/<assignment>/term.json             the roster, due date and adjustments this assignment uses (`grader.term`)
    OUT/<assignment>/similarity.csv        for a class: pairs whose code is alike (`grader.similarity`)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from rich.console import Console

from grader import outputs as reports
from grader.cluster import coordinator as cluster
from grader.grading import GradeOptions, missing_result
from grader.job import Submission
from grader.messages import say
from grader.names import safe_name
from grader.outputs import gradescope
from grader.results import AssignmentResult
from grader.session.class_session import Session, missing_key, outputs_digest, record, run_with_progress
from grader.similarity import SimilarityOptions, run_step
from grader.spec import AssignmentSpec
from grader.submissions import Accepted, Missing, discover, entry_files, find_submission, unique_names
from grader.term import policy as term_policy
from grader.term.adjustments import record_history
from grader.term.policy import TermPolicy

DIGEST_FILE = ".outputs.sha256"
CLASS_FILES = ("gradebook.csv", "junit.xml", "report.html", "canvas.csv", "lms.csv")


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    jobs: int | None = 1
    """Submissions graded at once; None: 1, or every worker thread of the cluster with `scheduler`."""
    force: bool = False
    formats: tuple[str, ...] = ("gradescope",)
    lang: str = "en"
    data_dir: Path | None = None
    reveal: bool = False
    """Show students every check but `hidden` ones in full (after the due date)."""
    stall_timeout_s: float | None = None
    """Write every thread's stack when no submission finishes for this long (default: twice the time limit + 60 s)."""
    scheduler: str | None = None
    """A Dask scheduler's address: each submission is graded as a task on its cluster (`grader.cluster.coordinator`)."""
    per_gpu: int | None = None
    """With `--device cuda`: at most this many submissions at once on each GPU (default: the jobs spread evenly)."""
    term: TermPolicy = field(default_factory=TermPolicy)
    """The roster, the late policy and the adjustments (`grader.term`), applied to every output."""
    similarity: SimilarityOptions = field(default_factory=SimilarityOptions)
    """The instructor's report of code alike across the class (`grader.similarity`); it never changes a score."""


@dataclass(frozen=True)
class Collected:
    submissions: tuple[Submission, ...]
    missing: tuple[Missing, ...]
    layouts: tuple[str, ...]
    unrecognised: tuple[str, ...] = ()
    """Entries of the class folders that are nobody's submission, as `folder/name`."""

    @property
    def is_class(self) -> bool:
        """Class outputs (gradebook, JUnit, report) are written for a class folder or several submissions only."""
        return bool(self.layouts) or len(self.submissions) + len(self.missing) > 1


def assignment_folder(out: Path, spec: AssignmentSpec) -> Path:
    return out / spec.id


def collect(paths: Sequence[Path], spec: AssignmentSpec) -> Collected:
    """A file, or a folder holding an entry file, is one submission; any other folder is a class (one student per
    sub-folder or file, or a GitHub Classroom or Gradescope export). SubmissionError says what was expected."""
    submissions: list[Submission] = []
    missing: list[Missing] = []
    layouts: list[str] = []
    unrecognised: list[str] = []
    accepted = Accepted.of(spec)
    for path in paths:
        if path.is_dir() and not entry_files(path, accepted):
            roster = discover(path, accepted)
            submissions += roster.submissions
            missing += roster.missing
            layouts.append(roster.layout)
            unrecognised += [f"{path.name}/{name}" for name in roster.unrecognised]
        else:
            found = find_submission(path, accepted)
            (submissions if isinstance(found, Submission) else missing).append(found)  # type: ignore[arg-type]
    # One naming pass over everyone, so a missing student never takes a graded student's results folder.
    named = unique_names([*submissions, *(Submission(m.name, Path(m.name), label=m.label) for m in missing)])
    present, absent = named[: len(submissions)], named[len(submissions) :]
    renamed = tuple(Missing(n.name, m.reason, m.label) for n, m in zip(absent, missing, strict=True))
    return Collected(tuple(present), renamed, tuple(layouts), tuple(unrecognised))


def grade_class(
    spec: AssignmentSpec,
    collected: Collected,
    dataset_name: str,
    options: GradeOptions,
    batch: BatchOptions,
    console: Console,
) -> list[AssignmentResult]:
    """Grade into `OUT/<assignment>/`, then write the outputs; a rerun that changed nothing leaves them as they are."""
    out = assignment_folder(batch.out, spec)
    started = perf_counter()
    with cluster.remote_grading(batch.scheduler, spec, dataset_name, options, batch.data_dir) as remote:
        session = Session(
            spec,
            dataset_name,
            options,
            out,
            jobs=batch.jobs or (remote.jobs if remote else 1),
            force=batch.force,
            data_dir=batch.data_dir,
            stall_timeout_s=batch.stall_timeout_s,
            notify=lambda text: console.print(text, markup=False, style="yellow"),
            remote=remote,
            per_gpu=batch.per_gpu,
        )
        results = [graded.result for graded in run_with_progress(session, collected.submissions, console)]
    for absent in collected.missing:
        result = missing_result(spec, absent.name, absent.reason, options.lang, absent.label)
        results.append(record(result, out / absent.name, missing_key(spec, absent.reason), batch.force))
    is_class = collected.is_class or (out / CLASS_FILES[0]).is_file()
    # One student regraded into a class's folder: the class outputs keep the whole class, with the new result.
    shown = classmates(out, results) + results if is_class and not collected.is_class else results
    if batch.term.active:
        shown, results = _with_term(batch.term, spec, out, collected, shown, results, batch, console)
    similar = run_step(
        spec,
        collected.submissions,
        batch.similarity,
        class_outputs=is_class,
        whole_class=collected.is_class,
        lang=batch.lang,
        notify=lambda text: console.print(text, markup=False),
        out=out,
    )
    settings = [*batch.formats, batch.lang, spec.id, f"reveal={batch.reveal}", f"class={is_class}", similar.digest]
    digest = outputs_digest(shown, [*settings, *collected.unrecognised])
    marker = out / DIGEST_FILE
    expected = (*CLASS_FILES, *similar.files) if is_class else ()
    if marker.is_file() and marker.read_text(encoding="utf-8") == digest and all((out / f).is_file() for f in expected):
        return results
    title = f"{spec.id}: {spec.title_in(batch.lang)}"
    summary = reports.ClassSummary(title, perf_counter() - started, collected.unrecognised, is_class, similar.sections)
    reports.write_class_outputs(
        shown, out, lang=batch.lang, formats=batch.formats, summary=summary, reveal=batch.reveal
    )
    similar.write(out)
    marker.write_text(digest, encoding="utf-8")
    return results


def _with_term(
    policy: TermPolicy,
    spec: AssignmentSpec,
    out: Path,
    collected: Collected,
    shown: list[AssignmentResult],
    fresh: list[AssignmentResult],
    batch: BatchOptions,
    console: Console,
) -> tuple[list[AssignmentResult], list[AssignmentResult]]:
    """Everyone on the roster without a result becomes `missing`; then every result gets its term record, and each
    student's adjustments history is brought up to date. Returns (all the class, this session's own)."""
    taken = {result.submission for result in shown}
    reason = say("term.not_submitted")
    absent = []
    for enrolled in term_policy.absent(policy, shown):
        name = unique_names([Submission(n, Path()) for n in (*taken, safe_name(enrolled.folder_name))])[-1].name
        taken.add(name)
        result = missing_result(spec, name, reason, batch.lang, enrolled.shown)
        absent.append(record(result, out / name, missing_key(spec, reason), batch.force))
    times = {submission.name: submission.submitted_at for submission in collected.submissions}
    everyone = term_policy.apply(policy, [*shown, *absent], times)
    if policy.adjustments is not None:
        for result in everyone:
            record_history(out / result.submission, result.term.adjustments if result.term else ())
    for row in term_policy.unclaimed(policy, everyone):
        text = say("term.unclaimed_adjustment", student=row.student, check=row.check).render(batch.lang)
        console.print(text, markup=False, style="yellow")
    own = {result.submission for result in [*fresh, *absent]}
    return everyone, [result for result in everyone if result.submission in own]


def classmates(out: Path, regraded: Sequence[AssignmentResult]) -> list[AssignmentResult]:
    """The class's other results in `out`, as the grader wrote them (signed), for class outputs that stay in step
    when only some students are regraded; a result the grader did not write is left out."""
    fresh = {result.submission for result in regraded}
    found = []
    for path in sorted(out.glob(f"*/{gradescope.FILENAME}")):
        if path.parent.name in fresh:
            continue
        result = gradescope.read_trusted(path)
        if result is not None:
            found.append(result)
    return found
