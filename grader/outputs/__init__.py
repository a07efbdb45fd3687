"""Every output of a grading session, per student and per class, written into one assignment's folder:

    OUT/<student>/results.json        Gradescope (when "gradescope" is in formats)
    OUT/<student>/prairielearn.json   PrairieLearn's results.json format (when "prairielearn" is in formats; an
                                      earlier one is removed when it is not, so nothing stale sits beside the rest)
    OUT/<student>/feedback.md         always, in the chosen language
    OUT/gradebook.csv, OUT/junit.xml, OUT/report.html   for a class (`ClassSummary.is_class`)
    OUT/canvas.csv, OUT/lms.csv       the final scores for Canvas's gradebook import and for other LMSs (`lms`)

A not-graded submission is shown as "not graded" in every one of them, never as 0 points; a missing one as "missing",
apart from the graded ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.outputs import feedback, gradebook, gradescope, html_report, junit, prairielearn
from grader.outputs.feedback import render_feedback, write_feedback
from grader.outputs.gradebook import write_gradebook
from grader.outputs.html_report import ExtraSection, write_report
from grader.outputs.junit import write_junit
from grader.outputs.lms import write_lms
from grader.outputs.prairielearn import to_prairielearn
from grader.results import AssignmentResult

FORMATS = ("gradescope", "prairielearn")
PRAIRIELEARN_FILENAME = "prairielearn.json"

__all__ = [
    "FORMATS",
    "ClassSummary",
    "render_feedback",
    "to_prairielearn",
    "write_class_outputs",
    "write_feedback",
    "write_gradebook",
    "write_junit",
    "write_report",
]


@dataclass(frozen=True)
class ClassSummary:
    """What the class outputs say besides the results: the title, the session's wall time (JUnit's suite time), the
    class folders' entries that were nobody's submission, and whether there is a class at all (one submission gets
    its own files only)."""

    title: str
    wall_s: float | None = None
    unrecognised: tuple[str, ...] = ()
    is_class: bool = True
    sections: tuple[ExtraSection, ...] = ()
    """Sections other rooms add to report.html (the similarity report)."""


def write_class_outputs(
    results: Sequence[AssignmentResult],
    out: Path,
    *,
    lang: str,
    formats: Sequence[str],
    summary: ClassSummary,
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
        else:
            (folder / PRAIRIELEARN_FILENAME).unlink(missing_ok=True)
        written.append(write_feedback(result, folder, lang, reveal))
    if summary.is_class:
        written.append(write_gradebook(results, out / gradebook.FILENAME, lang))
        written.append(write_junit(results, out / junit.FILENAME, summary.wall_s))
        report = out / html_report.FILENAME
        written.append(write_report(results, report, summary.title, lang, summary.unrecognised, summary.sections))
        written += write_lms(results, out)
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
