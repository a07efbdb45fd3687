"""Class-level outputs of a grading session, written into one folder:

    OUT/<student>/results.json        Gradescope (when "gradescope" is in formats)
    OUT/<student>/prairielearn.json   PrairieLearn's results.json format (when "prairielearn" is in formats)
    OUT/<student>/feedback.md         always, in the chosen language
    OUT/gradebook.csv, OUT/junit.xml, OUT/report.html   always

A not-graded submission is shown as "not graded" in every one of them, never as 0 points.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.reports import feedback, gradebook, html_report, junit, prairielearn
from grader.reports.feedback import render_feedback, write_feedback
from grader.reports.gradebook import write_gradebook
from grader.reports.html_report import write_report
from grader.reports.junit import write_junit
from grader.reports.prairielearn import to_prairielearn
from grader.results import AssignmentResult, gradescope

FORMATS = ("gradescope", "prairielearn")
PRAIRIELEARN_FILENAME = "prairielearn.json"

__all__ = [
    "FORMATS",
    "render_feedback",
    "to_prairielearn",
    "write_class_outputs",
    "write_feedback",
    "write_gradebook",
    "write_junit",
    "write_report",
]


def write_class_outputs(
    results: Sequence[AssignmentResult],
    out: Path,
    *,
    lang: str,
    formats: Sequence[str],
    title: str,
    reveal: bool = False,
) -> list[Path]:
    """Write every output for `results` into `out`; returns the paths written, students first (sorted). What students
    read (feedback, PrairieLearn) withholds the checks their visibility withholds, unless `reveal`.

    Everything is checked before anything is written, so a bad name or option leaves `out` untouched.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown output format(s) {', '.join(unknown)}; choose from: {', '.join(FORMATS)}")
    feedback.check_lang(lang)
    _check_folder_names(results)
    written: list[Path] = []
    for result in sorted(results, key=lambda r: r.submission):
        folder = out / result.submission
        if "gradescope" in formats:
            written.append(gradescope.write(result, folder))
        if "prairielearn" in formats:
            written.append(prairielearn.write(result, folder, PRAIRIELEARN_FILENAME, lang, reveal))
        written.append(write_feedback(result, folder, lang, reveal))
    written.append(write_gradebook(results, out / gradebook.FILENAME))
    written.append(write_junit(results, out / junit.FILENAME))
    written.append(write_report(results, out / html_report.FILENAME, title))
    return written


def _check_folder_names(results: Sequence[AssignmentResult]) -> None:
    """The caller makes names unique and path-safe; refusing here keeps a slip from writing outside `out`."""
    problems = []
    seen: set[str] = set()
    for result in results:
        name = result.submission
        if not name or "/" in name or "\\" in name or "\0" in name or name.startswith("."):
            problems.append(f"{name!r}: not usable as a folder name (empty, '/', '\\', NUL or a leading '.')")
        elif name in seen:
            problems.append(f"{name!r}: two results would share one folder")
        seen.add(name)
    if problems:
        raise ValueError("cannot write class outputs: " + "; ".join(problems))
