"""Manual adjustments (`--adjustments adjustments.csv`): the instructor's corrections, kept apart from what the grader
verified, merged into every output, and applied again after every regrade because they live in the file.

Columns: `student` (anything the student is known by), `check` (a check id, or `total`), `points` (added; negative
to remove), `comment` (why: shown to the student in feedback.md), and optionally `by` (who; default: the user running
the session). A check's points stay between 0 and its maximum; `total` moves the whole score.

Each student's `history/adjustments.jsonl` records every change to their adjustments: when, who, what, and why.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader import atomic
from grader.results import AssignmentResult
from grader.results.term import TOTAL, Adjustment
from grader.session.history import FOLDER, now
from grader.term.keys import TableError, key_of, read_table

HISTORY = "adjustments.jsonl"
CURRENT = "adjustments.json"


@dataclass(frozen=True)
class Requested:
    """One row of the file, before it meets a result."""

    student: str
    check: str
    points: float
    comment: str
    by: str


def read_adjustments(path: Path, checks: Sequence[str]) -> tuple[Requested, ...]:
    rows = read_table(path, required=("student", "check", "points"), what="adjustments")
    user = _user()
    found, problems = [], []
    for number, row in rows:
        check = row["check"]
        if check != TOTAL and check not in checks:
            problems.append(
                f"line {number}: {check!r} is no check of this assignment (use {TOTAL} or one of: {', '.join(checks)})"
            )
            continue
        try:
            points = float(row["points"])
        except ValueError:
            problems.append(f"line {number}: points {row['points']!r} is not a number")
            continue
        if not row["student"]:
            problems.append(f"line {number}: no student")
            continue
        found.append(Requested(row["student"], check, points, row.get("comment", ""), row.get("by") or user))
    if problems:
        raise TableError(f"{path}: " + "; ".join(problems))
    return tuple(found)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def for_student(requested: Sequence[Requested], keys: set[str]) -> list[Requested]:
    return [row for row in requested if key_of(row.student) in keys]


def applied(result: AssignmentResult, rows: Sequence[Requested]) -> tuple[Adjustment, ...]:
    """Each row as it changes `result`: a check's points are held within 0 and its maximum, in the file's order."""
    earned = {test.check_id: test.score for test in result.tests}
    maxima = {test.check_id: test.max_score for test in result.tests}
    done = []
    for row in rows:
        change = row.points
        if row.check != TOTAL and row.check in earned:
            after = min(maxima[row.check], max(0.0, earned[row.check] + row.points))
            change = round(after - earned[row.check], 6)
            earned[row.check] = after
        done.append(Adjustment(row.check, row.points, row.comment, row.by, change))
    return tuple(done)


def record_history(folder: Path, adjustments: Sequence[Adjustment]) -> None:
    """Append what changed since the adjustments last written for this student (none: nothing is written)."""
    state = folder / FOLDER / CURRENT
    now_rows = [_row(a) for a in adjustments]
    try:
        before = json.loads(state.read_text(encoding="utf-8")) if state.is_file() else []
    except (OSError, ValueError):
        before = []
    if before == now_rows:
        return
    at = now()
    events = [{"at": at, "change": "removed", **row} for row in before if row not in now_rows]
    events += [{"at": at, "change": "added", **row} for row in now_rows if row not in before]
    state.parent.mkdir(parents=True, exist_ok=True)
    with (folder / FOLDER / HISTORY).open("a", encoding="utf-8") as log:
        log.writelines(json.dumps(event, ensure_ascii=False) + "\n" for event in events)
    atomic.write_text(state, json.dumps(now_rows, ensure_ascii=False, indent=1))


def _row(adjustment: Adjustment) -> dict[str, object]:
    return {"check": adjustment.check, "points": adjustment.points, "comment": adjustment.comment, "by": adjustment.by}
