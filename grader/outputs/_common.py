"""Helpers every report shares, so that all outputs show a not-graded submission and a number the same way."""

from __future__ import annotations

import re

from grader.messages import LANGS, say
from grader.results import AssignmentResult

# The first paragraph `grading.not_graded()` puts before the reason, in each language; reports show the reason alone.
NOT_GRADED_PREAMBLES = tuple(say("grading.not_graded").render(lang) for lang in LANGS)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """A name like `=HYPERLINK(...)` would run as a formula when a CSV is opened in a spreadsheet: quoted instead."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def first_line(text: str) -> str:
    """The first non-blank line: enough to say why in a table cell or an XML attribute."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def excerpt(text: str, lines: int = 8, chars: int = 800) -> str:
    """The message's first non-blank lines, whole when short: a multi-line reason keeps its decisive line
    ("expected dim=1, found 0" under "The model does not match the course note's MLP:")."""
    kept = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    shown = "\n".join(kept[:lines])
    if len(kept) > lines or len(shown) > chars:
        shown = shown[:chars].rstrip() + " …"
    return shown


def not_graded_reason(result: AssignmentResult) -> str:
    """Why the harness could not grade, without the standard preamble (kept when the output has another shape)."""
    head, sep, rest = result.output.partition("\n\n")
    reason = rest if sep and head.startswith(NOT_GRADED_PREAMBLES) else result.output
    return reason.strip() or "no reason recorded"


def manual_reviews(result: AssignmentResult) -> list[str]:
    """The checks whose observations contradicted each other (`manual_review` in their metrics): the grader gave no
    reason of its own, so the instructor must look, whatever the score says."""
    return [test.check_id for test in result.tests if test.metrics.get("manual_review") == 1]


def points(value: float) -> str:
    """`1`, `2.5`, `0.333333`: points without float noise or a trailing `.0`."""
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 cannot hold (a student's output may print any byte), so the file always parses."""
    return _XML_ILLEGAL.sub("\ufffd", text)
