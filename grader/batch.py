"""`grader grade` over a whole class: collect the submissions from files, folders and class exports, grade them in a
session, and write every output (per-student results and feedback, gradebook, JUnit, report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from grader import reports
from grader.grading import GradeOptions
from grader.job import Submission
from grader.results import AssignmentResult, gradescope
from grader.session import Session, missing_result, outputs_digest, run_with_progress
from grader.spec import AssignmentSpec
from grader.submissions import Accepted, Missing, discover, entry_files, find_submission, unique_names

DIGEST_FILE = ".outputs.sha256"
CLASS_FILES = ("gradebook.csv", "junit.xml", "report.html")


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    jobs: int = 1
    force: bool = False
    formats: tuple[str, ...] = ("gradescope",)
    lang: str = "en"
    data_dir: Path | None = None
    reveal: bool = False
    """Show students every check but `hidden` ones in full (after the due date)."""


@dataclass(frozen=True)
class Collected:
    submissions: tuple[Submission, ...]
    missing: tuple[Missing, ...]
    layouts: tuple[str, ...]


def collect(paths: Sequence[Path], spec: AssignmentSpec) -> Collected:
    """A file, or a folder holding an entry file, is one submission; any other folder is a class (one student per
    sub-folder or file, or a GitHub Classroom or Gradescope export). SubmissionError says what was expected."""
    submissions: list[Submission] = []
    missing: list[Missing] = []
    layouts: list[str] = []
    accepted = Accepted.of(spec)
    for path in paths:
        if path.is_dir() and not entry_files(path, accepted):
            roster = discover(path, accepted)
            submissions += roster.submissions
            missing += roster.missing
            layouts.append(roster.layout)
        else:
            submissions.append(find_submission(path, accepted))
    # One naming pass over everyone, so a missing student never takes a graded student's results folder.
    named = unique_names([*submissions, *(Submission(m.name, Path(m.name)) for m in missing)])
    present, absent = named[: len(submissions)], named[len(submissions) :]
    renamed = tuple(Missing(n.name, m.reason) for n, m in zip(absent, missing, strict=True))
    return Collected(tuple(present), renamed, tuple(layouts))


def grade_class(
    spec: AssignmentSpec,
    collected: Collected,
    dataset_name: str,
    options: GradeOptions,
    batch: BatchOptions,
    console: Console,
) -> list[AssignmentResult]:
    """Grade, then write the class outputs; a rerun that changed nothing leaves them as they are."""
    session = Session(
        spec, dataset_name, options, batch.out, jobs=batch.jobs, force=batch.force, data_dir=batch.data_dir
    )
    results = [graded.result for graded in run_with_progress(session, collected.submissions, console)]
    for absent in collected.missing:
        result = missing_result(spec, absent.name, absent.reason, options.lang)
        gradescope.write(result, batch.out / absent.name)
        results.append(result)
    settings = [*batch.formats, batch.lang, spec.id, f"reveal={batch.reveal}"]
    digest = outputs_digest(results, settings)
    marker = batch.out / DIGEST_FILE
    current = marker.is_file() and marker.read_text(encoding="utf-8") == digest
    if not (current and all((batch.out / name).is_file() for name in CLASS_FILES)):
        title = f"{spec.id}: {spec.title}"
        formats = [f for f in batch.formats if f != "gradescope"]  # the session wrote each results.json already
        reports.write_class_outputs(
            results, batch.out, lang=batch.lang, formats=formats, title=title, reveal=batch.reveal
        )
        marker.write_text(digest, encoding="utf-8")
    return results
