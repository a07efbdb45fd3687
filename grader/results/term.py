"""What the course decided about a result beyond what the grader verified: who the student is on the roster, when
the work came in against its due date, the late penalty, and the instructor's manual adjustments.

It travels with the result (`AssignmentResult.term`) into every output, yet never into the tests: each check's points
stay what the grader verified, and `final_score` is what the course records. It is recomputed from the roster, the
policy and `adjustments.csv` every time the outputs are written (`grader.term`), so a regrade keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TOTAL = "total"
"""An adjustment to the whole score rather than to one check."""


@dataclass(frozen=True)
class Adjustment:
    """One row of `adjustments.csv` as applied: `applied` is what it changed (a check's points stay within 0 and the
    check's maximum)."""

    check: str
    points: float
    comment: str
    by: str
    applied: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "points": self.points,
            "comment": self.comment,
            "by": self.by,
            "applied": self.applied,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjustment:
        return cls(
            str(data["check"]), float(data["points"]), str(data["comment"]), str(data["by"]), float(data["applied"])
        )


@dataclass(frozen=True)
class TermRecord:
    """`on_roster` is None when no roster was given. Times are ISO 8601 with their UTC offset; empty when unknown."""

    on_roster: bool | None = None
    student_id: str = ""
    email: str = ""
    github: str = ""
    submitted_at: str = ""
    due_at: str = ""
    late_days: int = 0
    penalty_fraction: float = 0.0
    """The share of the (adjusted) score the late policy removed."""
    penalty: float = 0.0
    """The points removed for lateness."""
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def adjusted(self) -> float:
        return round(sum(adjustment.applied for adjustment in self.adjustments), 6)

    def final(self, verified: float) -> float:
        """The score the course records: the verified points, the adjustments, less the late penalty, never below 0."""
        return max(0.0, round(verified + self.adjusted - self.penalty, 6))

    def to_dict(self) -> dict[str, Any]:
        return {
            "on_roster": self.on_roster,
            "student_id": self.student_id,
            "email": self.email,
            "github": self.github,
            "submitted_at": self.submitted_at,
            "due_at": self.due_at,
            "late_days": self.late_days,
            "penalty_fraction": self.penalty_fraction,
            "penalty": self.penalty,
            "adjustments": [adjustment.to_dict() for adjustment in self.adjustments],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TermRecord:
        on_roster = data.get("on_roster")
        return cls(
            on_roster=None if on_roster is None else bool(on_roster),
            student_id=str(data.get("student_id", "")),
            email=str(data.get("email", "")),
            github=str(data.get("github", "")),
            submitted_at=str(data.get("submitted_at", "")),
            due_at=str(data.get("due_at", "")),
            late_days=int(data.get("late_days", 0)),
            penalty_fraction=float(data.get("penalty_fraction", 0.0)),
            penalty=float(data.get("penalty", 0.0)),
            adjustments=tuple(Adjustment.from_dict(a) for a in data.get("adjustments", ())),
        )
