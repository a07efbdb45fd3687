"""The course's term for one student, in words (feedback.md, prairielearn.json, JUnit): submitted when, against
which due date, the penalty, each adjustment with its reason, and the final score.

While some checks are withheld from the student (before the due date), the points of the penalty and the final
score would give the withheld points away: only the share and the adjustments to shown checks are said then.
"""

from __future__ import annotations

from grader.messages import say
from grader.outputs._common import points
from grader.results import AssignmentResult, SubmissionStatus
from grader.results.term import TOTAL


def term_lines(result: AssignmentResult, lang: str, withheld: frozenset[str] = frozenset()) -> list[str]:
    """One line per fact; empty when the result carries no term worth saying."""
    term = result.term
    if term is None:
        return []

    def text(message_id: str, **params: object) -> str:
        return say(f"term.{message_id}", **params).render(lang)

    lines = []
    if term.on_roster is False:
        lines.append(text("not_on_roster"))
    if term.due_at and result.status is SubmissionStatus.GRADED:
        if not term.submitted_at:
            lines.append(text("time_unknown", due=term.due_at))
        elif term.late_days == 0:
            lines.append(text("on_time", submitted=term.submitted_at, due=term.due_at))
        else:
            percent = points(100 * term.penalty_fraction)
            shown = "…" if withheld else points(-term.penalty)
            lines.append(
                text("late", submitted=term.submitted_at, due=term.due_at, days=term.late_days, percent=percent,
                     points=shown)
            )  # fmt: skip
    for adjustment in term.adjustments:
        if adjustment.check in withheld or (withheld and adjustment.check == TOTAL):
            continue
        signed = ("+" if adjustment.applied > 0 else "") + points(adjustment.applied)
        lines.append(text("adjustment", check=adjustment.check, points=signed, comment=adjustment.comment,
                          by=adjustment.by))  # fmt: skip
    if (term.adjustments or term.penalty) and not withheld:
        lines.append(text("final", final=points(result.final_score), max=points(result.max_score)))
    return lines
