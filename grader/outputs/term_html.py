"""The course's term in the class report: late submissions with their penalties, the instructor's adjustments, and
the submissions by no one on the roster. Every cell is escaped: names come from the class folder, comments from
`adjustments.csv`."""

from __future__ import annotations

import html
from collections.abc import Sequence

from grader.messages import say
from grader.outputs._common import points
from grader.results import AssignmentResult


def term_sections(results: Sequence[AssignmentResult], lang: str) -> list[str]:
    def text(message_id: str) -> str:
        return html.escape(say(f"term.{message_id}").render(lang))

    student = html.escape(say("report.student").render(lang))
    ordered = sorted((r for r in results if r.term is not None), key=lambda r: r.shown)
    sections = []
    late = [r for r in ordered if r.term and r.term.late_days > 0]
    if late:
        head = [student, text("submitted"), text("due"), text("late_days"), text("penalty"), text("final_heading")]
        rows = [
            [r.shown, r.term.submitted_at, r.term.due_at, str(r.term.late_days),
             f"{points(100 * r.term.penalty_fraction)}% ({points(-r.term.penalty)})", points(r.final_score)]
            for r in late if r.term
        ]  # fmt: skip
        sections += [f"<h2>{text('late_heading')}</h2>", _table(head, rows)]
    adjusted = [(r, a) for r in ordered if r.term for a in r.term.adjustments]
    if adjusted:
        head = [student, html.escape(say("report.check").render(lang)), text("points"), text("comment"), text("by")]
        rows = [[r.shown, a.check, points(a.applied), a.comment, a.by] for r, a in adjusted]
        sections += [f"<h2>{text('adjustments_heading')}</h2>", _table(head, rows)]
    unlisted = [r for r in ordered if r.term and r.term.on_roster is False]
    if unlisted:
        items = "".join(f"<li>{html.escape(r.shown)}</li>" for r in unlisted)
        sections += [f"<h2>{text('unlisted_heading')}</h2>", f"<ul>{items}</ul>"]
    return sections


def _table(head: list[str], rows: list[list[str]]) -> str:
    """`head` is escaped already; the rows are escaped here."""
    header = "".join(f"<th>{cell}</th>" for cell in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"
