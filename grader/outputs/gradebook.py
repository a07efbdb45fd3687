"""The class gradebook as CSV: one row per submission, one column per check, for a spreadsheet or an LMS import.

A not-graded submission has empty point cells (never 0) and `not_graded` in its status column, so nobody enters a
harness failure as a zero the student earned; a missing one has empty cells and `missing`. `note` says why in one
line, and for a graded one what kept its code from running (the first problem `runs` names) and which checks need a
manual review (in the session's language). `student` is the name as
people write it (김철수), `folder` the results folder it was graded into. When a result replaced an
earlier one (a regrade), `previous` and `change` show the earlier total and the difference (the earlier file is in
`<student>/history/`). With a roster, a due date or adjustments (`grader.term`), the course's columns follow: who
the student is on the roster, when they submitted, how late, the penalty, the adjustments and the final score.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from grader import atomic
from grader.messages import say
from grader.outputs._common import (
    first_line,
    manual_reviews,
    not_graded_reason,
    points,
    spreadsheet_cell,
)
from grader.outputs.term_cells import term_cells, term_columns
from grader.results import AssignmentResult, SubmissionStatus

FILENAME = "gradebook.csv"


def check_columns(results: Sequence[AssignmentResult]) -> list[str]:
    """Check ids in the order of the first result's tests; ids only later results have are appended."""
    seen: dict[str, None] = {}
    for result in results:
        seen.update((test.check_id, None) for test in result.tests if test.check_id not in seen)
    return list(seen)


def rows(results: Sequence[AssignmentResult], lang: str = "en") -> list[list[str]]:
    """Header then one row per submission, sorted by student (then assignment) so reruns diff cleanly."""
    checks = check_columns(results)
    regraded = any(result.provenance.get("previous") for result in results)
    table = [["student", "folder", "assignment", *checks, "total", "max", "status", "time_s", "note"]]
    table[0] += ["previous", "change"] if regraded else []
    columns = term_columns(results)
    table[0] += columns
    for result in sorted(results, key=lambda r: (r.shown, r.assignment)):
        graded = result.status is SubmissionStatus.GRADED
        earned = {test.check_id: points(test.score) for test in result.tests} if graded else {}
        row = [
            spreadsheet_cell(result.shown),
            spreadsheet_cell(result.submission),
            spreadsheet_cell(result.assignment),
            *(earned.get(check, "") for check in checks),
            points(result.score) if graded else "",
            points(result.max_score),
            result.status.value,
            f"{result.execution_time:.3f}",
            spreadsheet_cell(_note(result, lang)),
        ]
        table.append(row + (_change(result) if regraded else []) + term_cells(result, columns))
    return table


def _note(result: AssignmentResult, lang: str) -> str:
    if result.status is SubmissionStatus.NOT_GRADED:
        return first_line(not_graded_reason(result))
    if result.status is SubmissionStatus.MISSING:
        return first_line(result.output)
    review = manual_reviews(result)
    parts = [_runs_problem(result)]
    parts.append(say("term.not_on_roster").render(lang) if result.term and result.term.on_roster is False else "")
    parts.append(say("report.manual_review_note", checks=", ".join(review)).render(lang) if review else "")
    return "; ".join(part for part in parts if part)


def _runs_problem(result: AssignmentResult) -> str:
    """What kept the code from running, when it did not (a notebook that cannot be read, an import that failed):
    the first thing `runs` names, so a 0 that the student's file earned does not look like a 0 for bad code."""
    runs = next((t for t in result.tests if t.check_id == "runs" and t.score < t.max_score), None)
    if runs is None:
        return ""
    lines = [line.strip() for line in runs.output.splitlines() if line.strip()]
    return next((line[2:] for line in lines if line.startswith("- ")), lines[0] if lines else "")


def _change(result: AssignmentResult) -> list[str]:
    """The earlier total (or its status when it had none) and the difference when both were graded."""
    previous = result.provenance.get("previous") or {}
    if not previous:
        return ["", ""]
    earlier_graded = previous.get("status") == SubmissionStatus.GRADED.value and "score" in previous
    shown = points(float(previous["score"])) if earlier_graded else str(previous.get("status", "unreadable"))
    if not (earlier_graded and result.status is SubmissionStatus.GRADED):
        return [shown, ""]
    delta = round(result.score - float(previous["score"]), 6)
    return [shown, ("+" if delta > 0 else "") + points(delta)]


def write_gradebook(results: Sequence[AssignmentResult], path: Path, lang: str = "en") -> Path:
    """UTF-8 with a BOM so that spreadsheet programs read Korean names correctly; Python's csv reads it as well."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(results, lang))
    return atomic.write_text(path, buffer.getvalue(), encoding="utf-8-sig")
