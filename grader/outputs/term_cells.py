"""The course's term (`AssignmentResult.term`) as table cells: the gradebook's columns, and the LMS exports' source.

Roster values are quoted against spreadsheet formulas; the figures are the grader's own. Columns appear only
when some result carries what they hold: a class graded without a roster has no roster columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.outputs._common import points, spreadsheet_cell
from grader.results import AssignmentResult, SubmissionStatus

ROSTER = ("student_id", "email", "github", "on_roster")
LATENESS = ("submitted_at", "due_at", "late_days", "late_penalty")
SCORES = ("adjustments", "final")


def term_columns(results: Sequence[AssignmentResult]) -> list[str]:
    terms = [result.term for result in results if result.term is not None]
    if not terms:
        return []
    columns = list(ROSTER) if any(term.on_roster is not None for term in terms) else []
    columns += LATENESS if any(term.due_at or term.submitted_at for term in terms) else ()
    return columns + list(SCORES)


def term_cells(result: AssignmentResult, columns: Sequence[str]) -> list[str]:
    term = result.term
    if term is None:
        return ["" for _ in columns]
    graded = result.status is SubmissionStatus.GRADED
    missing = result.status is SubmissionStatus.MISSING
    counted = bool(term.due_at and term.submitted_at and graded)
    cells = {
        "student_id": spreadsheet_cell(term.student_id),
        "email": spreadsheet_cell(term.email),
        "github": spreadsheet_cell(term.github),
        "on_roster": "" if term.on_roster is None else ("yes" if term.on_roster else "no"),
        "submitted_at": term.submitted_at,
        "due_at": term.due_at,
        "late_days": str(term.late_days) if counted else "",
        "late_penalty": points(-term.penalty) if term.penalty else ("0" if counted else ""),
        "adjustments": points(term.adjusted) if term.adjustments else "",
        "final": points(result.final_score) if graded or (term.adjustments and missing) else "",
    }
    return [cells[column] for column in columns]
