"""Per-student feedback in Markdown, in Korean or English: what each check expected and found, and the total.

The fixed wording is in the message catalogue (`feedback.*`, grader/messages/feedback.py); the checks' own messages
were rendered in the grading language and are quoted as they are. Outputs go in fenced blocks whose fence is longer
than any backtick run inside, so nothing a student's code printed can close the block and turn into Markdown (or
HTML) of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader import atomic
from grader.messages import check_lang, say
from grader.outputs._common import not_graded_reason, points
from grader.outputs.term_text import term_lines
from grader.outputs.visibility import shown, split
from grader.results import AssignmentResult, Status, SubmissionStatus, TestResult

FILENAME = "feedback.md"


def render_feedback(result: AssignmentResult, lang: str, reveal: bool = False) -> str:
    """The student's feedback; checks whose visibility withholds them show their title and points only (`reveal`:
    after the due date, every check but `hidden` ones in full)."""
    check_lang(lang)

    def text(message_id: str, **params: object) -> str:
        return say(f"feedback.{message_id}", **params).render(lang)

    lines = [
        f"# {text('title')}: {inline_code(result.assignment)}",
        "",
        f"- {text('assignment')}: {inline_code(result.assignment)}",
        f"- {text('submission')}: {inline_code(result.shown)}",
    ]
    if result.status is SubmissionStatus.NOT_GRADED:
        lines += [f"- **{text('not_graded')}**", "", f"## {text('reason')}", "", fenced(not_graded_reason(result))]
        lines += ["", f"## {text('checks')}", ""]
        lines += [f"- {test.name}: {text('not_graded_short')}" for test in result.tests]
        return "\n".join(lines) + "\n"
    if result.status is SubmissionStatus.MISSING:
        lines += [f"- **{text('missing')}**", "", f"## {text('missing_reason')}", "", fenced(result.output)]
        lines += ["", f"## {text('checks')}", ""]
        lines += [f"- {test.name}: {text('missing_short')}" for test in result.tests]
        course = term_lines(result, lang)
        lines += ["", f"## {say('term.heading').render(lang)}", "", fenced("\n".join(course))] if course else []
        return "\n".join(lines) + "\n"
    visible, withheld = split(result.tests, reveal)
    if withheld:
        score, top = sum(t.score for t in visible), sum(t.max_score for t in visible)
        later = points(sum(t.max_score for t in withheld))
        lines.append(f"- **{text('total_shown', score=points(score), max=points(top), later=later)}**")
    else:
        lines.append(f"- **{text('total', score=points(result.score), max=points(result.max_score))}**")
    lines += [f"- {text('accuracy', **figures)}" for figures in _accuracy(tuple(visible))]
    course = term_lines(result, lang, frozenset(test.check_id for test in withheld))
    if course:  # the due date, the penalty and the instructor's adjustments (their reasons: fenced)
        lines += ["", f"## {say('term.heading').render(lang)}", "", fenced("\n".join(course))]
    notes = [note for note in result.provenance.get("notes", []) if isinstance(note, str) and note.strip()]
    if notes:  # which file was graded; a notebook's cells that were not run, and why (a cell's code: fenced)
        lines += ["", f"## {text('how_graded')}", "", fenced("\n".join(notes))]
    lines += ["", f"## {text('checks')}"]
    for test in result.tests:
        if not shown(test, reveal):
            lines += [
                "",
                f"### {test.name} — {text('withheld')} ({text('withheld_points', max=points(test.max_score))})",
            ]
            continue
        verdict = text("passed") if test.status is Status.PASSED else text("failed")
        earned = text("points", score=points(test.score), max=points(test.max_score))
        lines += ["", f"### {test.name} — {verdict} ({earned})", ""]
        if test.output.strip():
            lines.append(fenced(test.output))
    return "\n".join(lines) + "\n"


def write_feedback(result: AssignmentResult, folder: Path, lang: str, reveal: bool = False) -> Path:
    return atomic.write_text(folder / FILENAME, render_feedback(result, lang, reveal))


def fenced(text: str) -> str:
    """A fenced code block no backtick run inside `text` can close."""
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}text\n{text.rstrip(chr(10))}\n{fence}"


def inline_code(text: str) -> str:
    """A code span for one line of untrusted text (a submission name): literal, whatever characters it holds."""
    text = " ".join(text.splitlines()) or " "
    ticks = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _accuracy(tests: tuple[TestResult, ...]) -> list[dict[str, float]]:
    """The measured accuracy and its threshold, from the `accuracy` check's metrics."""
    found = []
    for test in tests:
        accuracy, threshold = test.metrics.get("accuracy"), test.metrics.get("threshold")
        if test.check_id == "accuracy" and isinstance(accuracy, int | float) and isinstance(threshold, int | float):
            found.append({"accuracy": float(accuracy), "threshold": float(threshold)})
    return found
