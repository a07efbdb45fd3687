"""The class gradebook as CSV: one row per submission, one column per check, for a spreadsheet or an LMS import.

A not-graded submission has empty point cells (never 0) and `not_graded` in its status column, so nobody enters a
harness failure as a zero the student earned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from grader.reports._common import atomic_write_text, points
from grader.results import AssignmentResult, SubmissionStatus

FILENAME = "gradebook.csv"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_columns(results: Sequence[AssignmentResult]) -> list[str]:
    """Check ids in the order of the first result's tests; ids only later results have are appended."""
    seen: dict[str, None] = {}
    for result in results:
        seen.update((test.check_id, None) for test in result.tests if test.check_id not in seen)
    return list(seen)


def rows(results: Sequence[AssignmentResult]) -> list[list[str]]:
    """Header then one row per submission, sorted by student (then assignment) so reruns diff cleanly."""
    checks = check_columns(results)
    table = [["student", "assignment", *checks, "total", "max", "status", "time_s"]]
    for result in sorted(results, key=lambda r: (r.submission, r.assignment)):
        graded = result.status is SubmissionStatus.GRADED
        earned = {test.check_id: points(test.score) for test in result.tests} if graded else {}
        table.append(
            [
                _text_cell(result.submission),
                _text_cell(result.assignment),
                *(earned.get(check, "") for check in checks),
                points(result.score) if graded else "",
                points(result.max_score),
                result.status.value,
                f"{result.execution_time:.3f}",
            ]
        )
    return table


def write_gradebook(results: Sequence[AssignmentResult], path: Path) -> Path:
    """UTF-8 with a BOM so that spreadsheet programs read Korean names correctly; Python's csv reads it as well."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(results))
    return atomic_write_text(path, buffer.getvalue(), encoding="utf-8-sig")


def _text_cell(text: str) -> str:
    # A name like `=HYPERLINK(...)` would run as a formula when the gradebook is opened in a spreadsheet.
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
