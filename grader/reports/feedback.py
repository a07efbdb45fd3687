"""Per-student feedback in Markdown, in Korean or English: what each check expected and found, and the total.

All fixed wording lives in one table keyed by language, so the two versions cannot drift apart. The checks' own
messages are quoted as they are. Outputs go in fenced blocks whose fence is longer than any backtick run inside, so
nothing a student's code printed can close the block and turn into Markdown (or HTML) of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.reports._common import atomic_write_text, not_graded_reason, points
from grader.results import AssignmentResult, Status, SubmissionStatus, TestResult

FILENAME = "feedback.md"

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Feedback",
        "assignment": "Assignment",
        "submission": "Submission",
        "total": "Total: {score} / {max} points",
        "points": "{score} / {max} points",
        "passed": "passed",
        "failed": "failed",
        "not_graded": (
            "not graded — this is a problem with the grading system, not your score; your instructor will re-run it"
        ),
        "not_graded_short": "not graded",
        "reason": "Why it could not be graded",
        "accuracy": "Accuracy on held-out images: {accuracy:.4f} (threshold {threshold:.2f})",
        "checks": "Checks",
    },
    "ko": {
        "title": "피드백",
        "assignment": "과제",
        "submission": "제출물",
        "total": "총점: {score} / {max}점",
        "points": "{score} / {max}점",
        "passed": "통과",
        "failed": "실패",
        "not_graded": (
            "채점되지 않음 — 채점 시스템의 문제이며 여러분의 점수가 아닙니다. 담당 교수자가 다시 채점할 것입니다"
        ),
        "not_graded_short": "채점되지 않음",
        "reason": "채점하지 못한 이유",
        "accuracy": "비공개 평가 이미지에서의 정확도: {accuracy:.4f} (기준 {threshold:.2f})",
        "checks": "검사 항목",
    },
}
LANGS = tuple(TEXT)


def check_lang(lang: str) -> dict[str, str]:
    """The wording for `lang`; ValueError naming the choices for anything else."""
    if lang not in TEXT:
        raise ValueError(f"unknown feedback language {lang!r}; choose one of: {', '.join(LANGS)}")
    return TEXT[lang]


def render_feedback(result: AssignmentResult, lang: str) -> str:
    text = check_lang(lang)
    lines = [
        f"# {text['title']}: {inline_code(result.assignment)}",
        "",
        f"- {text['assignment']}: {inline_code(result.assignment)}",
        f"- {text['submission']}: {inline_code(result.submission)}",
    ]
    if result.status is SubmissionStatus.NOT_GRADED:
        lines += [f"- **{text['not_graded']}**", "", f"## {text['reason']}", "", fenced(not_graded_reason(result))]
        lines += ["", f"## {text['checks']}", ""]
        lines += [f"- {test.name}: {text['not_graded_short']}" for test in result.tests]
        return "\n".join(lines) + "\n"
    lines.append(f"- **{text['total'].format(score=points(result.score), max=points(result.max_score))}**")
    lines += [f"- {line}" for line in _accuracy_lines(result.tests, text)]
    lines += ["", f"## {text['checks']}"]
    for test in result.tests:
        verdict = text["passed"] if test.status is Status.PASSED else text["failed"]
        earned = text["points"].format(score=points(test.score), max=points(test.max_score))
        lines += ["", f"### {test.name} — {verdict} ({earned})", ""]
        if test.output.strip():
            lines.append(fenced(test.output))
    return "\n".join(lines) + "\n"


def write_feedback(result: AssignmentResult, folder: Path, lang: str) -> Path:
    return atomic_write_text(folder / FILENAME, render_feedback(result, lang))


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


def _accuracy_lines(tests: tuple[TestResult, ...], text: dict[str, str]) -> list[str]:
    lines = []
    for test in tests:
        accuracy, threshold = test.metrics.get("accuracy"), test.metrics.get("threshold")
        if test.check_id == "accuracy" and isinstance(accuracy, int | float) and isinstance(threshold, int | float):
            lines.append(text["accuracy"].format(accuracy=accuracy, threshold=threshold))
    return lines
