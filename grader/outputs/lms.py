"""The final scores for a learning management system: a Canvas gradebook import (`canvas.csv`) and a generic CSV
that Moodle's and Blackboard's grade imports map by column (`lms.csv`).

Canvas matches each row by `SIS User ID` (the roster's student id, else the results folder's name) or `SIS Login ID`
(the roster's e-mail); its second row gives the points possible. The score is the final one (adjustments and late
penalty included). A missing or not-graded submission leaves its cell empty, so the LMS keeps it ungraded and the
instructor decides: the grader never enters a zero nobody earned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from grader import atomic
from grader.outputs._common import points, spreadsheet_cell
from grader.results import AssignmentResult, SubmissionStatus

CANVAS_FILENAME = "canvas.csv"
GENERIC_FILENAME = "lms.csv"
GENERIC_COLUMNS = (
    "student_id", "username", "email", "name", "assignment", "score", "max_score", "percent", "status", "late_days",
    "late_penalty", "adjustments",
)  # fmt: skip


def _final(result: AssignmentResult) -> str:
    adjusted_absence = result.status is SubmissionStatus.MISSING and result.term and result.term.adjustments
    return points(result.final_score) if result.status is SubmissionStatus.GRADED or adjusted_absence else ""


def canvas_rows(results: Sequence[AssignmentResult]) -> list[list[str]]:
    ordered = sorted(results, key=lambda r: r.shown)
    column = ordered[0].assignment if ordered else "assignment"
    maximum = points(max((r.max_score for r in ordered), default=0.0))
    table = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column]]
    table.append(["Points Possible", "", "", "", "", maximum])
    for result in ordered:
        term = result.term
        sis_id = (term.student_id if term else "") or result.submission
        login = term.email if term else ""
        table.append([spreadsheet_cell(result.shown), "", spreadsheet_cell(sis_id), spreadsheet_cell(login), "",
                      _final(result)])  # fmt: skip
    return table


def generic_rows(results: Sequence[AssignmentResult]) -> list[list[str]]:
    table = [list(GENERIC_COLUMNS)]
    for result in sorted(results, key=lambda r: r.shown):
        term = result.term
        final = _final(result)
        percent = f"{100 * result.final_score / result.max_score:.1f}" if final and result.max_score > 0 else ""
        counted = bool(term and term.due_at and term.submitted_at and result.status is SubmissionStatus.GRADED)
        row = [
            (term.student_id if term else "") or result.submission,
            (term.github if term else "") or result.submission,
            term.email if term else "",
            result.shown,
            result.assignment,
            final,
            points(result.max_score),
            percent,
            result.status.value,
            str(term.late_days) if counted and term else "",
            points(term.penalty) if counted and term else "",
            points(term.adjusted) if term and term.adjustments else "",
        ]
        table.append([spreadsheet_cell(cell) for cell in row[:5]] + row[5:])
    return table


def write_lms(results: Sequence[AssignmentResult], folder: Path) -> list[Path]:
    """Both files, UTF-8 with a BOM (Canvas and spreadsheets then read Korean names correctly)."""
    written = []
    for name, table in ((CANVAS_FILENAME, canvas_rows(results)), (GENERIC_FILENAME, generic_rows(results))):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(table)
        written.append(atomic.write_text(folder / name, buffer.getvalue(), encoding="utf-8-sig"))
    return written
