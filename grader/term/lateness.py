"""Due dates and the late policy: how many days late a submission came in, and what share of its points that costs.

A day late is any part of a day past the due date (after `grace_minutes`): 1 minute late is 1 day, 24 h 1 min is 2.
The penalty is `per_day` of the score for each late day, at most `cap`; `per_day: 0` shows lateness and costs nothing.
A student's extension moves their own due date. A submission whose time the layout does not tell (a loose file) is
never called late: there is nothing to count from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from grader.term.clock import MomentError, parse_moment
from grader.term.keys import key_of, read_table

DAY = timedelta(days=1)


class PolicyError(ValueError):
    """A late policy or an extensions file that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class LatePolicy:
    due: datetime
    per_day: float = 0.0
    cap: float = 1.0
    grace_minutes: int = 0
    extensions: Mapping[str, datetime] = field(default_factory=dict)
    """New due dates by student key (`grader.term.keys.key_of`)."""

    def __post_init__(self) -> None:
        if not 0 <= self.per_day <= 1 or not 0 <= self.cap <= 1:
            raise PolicyError(
                "the late penalty per day and its cap are shares of the score, between 0 and 1 (0.1 = 10%)"
            )
        if self.grace_minutes < 0:
            raise PolicyError("the grace period cannot be negative")

    def due_for(self, keys: set[str]) -> datetime:
        return next((self.extensions[key] for key in sorted(keys) if key in self.extensions), self.due)

    def late_days(self, submitted: datetime | None, due: datetime) -> int:
        if submitted is None:
            return 0
        late = submitted - due - timedelta(minutes=self.grace_minutes)
        return math.ceil(late / DAY) if late > timedelta(0) else 0

    def fraction(self, late_days: int) -> float:
        return round(min(self.cap, self.per_day * late_days), 6)


def read_extensions(path: Path, due: datetime) -> dict[str, datetime]:
    """`student,due` (a new due date) or `student,days` (extra days) per row; `student` is anything the roster or the
    submission knows them by (id, GitHub username, e-mail, name)."""
    rows = read_table(path, required=("student",), what="extensions")
    extended: dict[str, datetime] = {}
    for number, row in rows:
        where = f"{path.name}, line {number}"
        try:
            if row.get("due"):
                moment = parse_moment(row["due"])
            elif row.get("days"):
                moment = due + timedelta(days=float(row["days"]))
            else:
                raise PolicyError(f"{where}: give a new `due` date or a number of extra `days`")
        except (MomentError, ValueError) as exc:
            raise PolicyError(f"{where}: {exc}") from None
        extended[key_of(row["student"])] = moment
    return extended
