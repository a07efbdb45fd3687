"""The course's policy for one assignment in one session, and `apply`, which turns a class's results into the ones
every output shows, each carrying its `TermRecord`; the checks' points are never touched.

The late penalty is taken from the adjusted score: adjustments correct the grading, lateness then costs its share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from grader.results import AssignmentResult, SubmissionStatus
from grader.results.term import TermRecord
from grader.term.adjustments import Requested, applied, for_student
from grader.term.clock import parse_moment, shown
from grader.term.keys import key_of, keys_of
from grader.term.lateness import LatePolicy
from grader.term.roster import ClassRoster, Enrolled


@dataclass(frozen=True)
class TermPolicy:
    roster: ClassRoster | None = None
    late: LatePolicy | None = None
    adjustments: tuple[Requested, ...] | None = None
    """None: no adjustments file in this session; () an empty one (every earlier adjustment is then removed)."""

    @property
    def active(self) -> bool:
        return self.roster is not None or self.late is not None or self.adjustments is not None


def result_keys(result: AssignmentResult) -> set[str]:
    return keys_of((result.shown, result.submission))


def absent(policy: TermPolicy, results: Sequence[AssignmentResult]) -> list[Enrolled]:
    """Students on the roster with no result at all: each becomes a `missing` result."""
    if policy.roster is None:
        return []
    return policy.roster.unmatched([result_keys(result) for result in results])


def apply(
    policy: TermPolicy, results: Sequence[AssignmentResult], submitted: Mapping[str, datetime | None]
) -> list[AssignmentResult]:
    """Every result with its term record; `submitted` holds this session's submission times by results folder, and
    a result graded earlier keeps the time it was recorded with."""
    return [_applied(policy, result, submitted) for result in results]


def unclaimed(policy: TermPolicy, results: Sequence[AssignmentResult]) -> list[Requested]:
    """Adjustments that name no one in the class: said to the instructor, not silently dropped."""
    known = set().union(*(_keys(policy, result) for result in results)) if results else set()
    return [row for row in policy.adjustments or () if key_of(row.student) not in known]


def _keys(policy: TermPolicy, result: AssignmentResult) -> set[str]:
    keys = result_keys(result)
    enrolled = policy.roster.find(keys) if policy.roster is not None else None
    return keys | enrolled.keys if enrolled is not None else keys


def _applied(
    policy: TermPolicy, result: AssignmentResult, submitted: Mapping[str, datetime | None]
) -> AssignmentResult:
    keys = result_keys(result)
    enrolled = policy.roster.find(keys) if policy.roster is not None else None
    if enrolled is not None:
        keys |= enrolled.keys
    earlier = result.term
    adjustments = earlier.adjustments if earlier is not None and policy.adjustments is None else ()
    if policy.adjustments is not None and result.status is not SubmissionStatus.NOT_GRADED:
        adjustments = applied(result, for_student(policy.adjustments, keys))
    moment = submitted.get(result.submission) if result.submission in submitted else _earlier_time(earlier)
    record = TermRecord(
        on_roster=None if policy.roster is None else enrolled is not None,
        student_id=enrolled.student_id if enrolled else "",
        email=enrolled.email if enrolled else "",
        github=enrolled.github if enrolled else "",
        submitted_at=shown(moment) if moment is not None else "",
        adjustments=adjustments,
    )
    if policy.late is not None and result.status is SubmissionStatus.GRADED:
        due = policy.late.due_for(keys)
        days = policy.late.late_days(moment, due)
        fraction = policy.late.fraction(days)
        base = max(0.0, result.score + record.adjusted)
        record = replace(
            record, due_at=shown(due), late_days=days, penalty_fraction=fraction, penalty=round(fraction * base, 6)
        )
    named = enrolled.name if enrolled is not None and enrolled.name else result.student
    return replace(result, term=record, student=named)


def _earlier_time(earlier: TermRecord | None) -> datetime | None:
    if earlier is None or not earlier.submitted_at:
        return None
    try:
        return parse_moment(earlier.submitted_at)
    except ValueError:
        return None
