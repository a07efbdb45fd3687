"""PrairieLearn's external-grader results.json (docs.prairielearn.com, "External Grading" -> "Grading results").

`score` is a fraction in [0, 1]; `tests[]` carry points and max_points. A not-graded submission is `"gradable": false`
with no score at all: PrairieLearn then awards and deducts nothing and does not spend the student's attempt, which is
the nearest it has to "the harness failed, this is not your score". The reason goes in `message` and `format_errors`.
A missing submission scores 0 with the reason as its message and no tests: nothing ran.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader import atomic
from grader.messages import say
from grader.outputs._common import first_line, not_graded_reason, points
from grader.outputs.term_text import term_lines
from grader.outputs.visibility import split
from grader.results import AssignmentResult, SubmissionStatus, TestResult

FILENAME = "results.json"


def to_prairielearn(result: AssignmentResult, lang: str = "en", reveal: bool = False) -> dict[str, Any]:
    """PrairieLearn shows every test to the student, so the checks their visibility withholds are folded into one line
    with their points and no details (`reveal`: after the due date, in full)."""
    if result.status is SubmissionStatus.NOT_GRADED:
        reason = not_graded_reason(result)
        return {
            "gradable": False,
            "message": say("prairielearn.not_graded").render(lang),
            "format_errors": [first_line(reason)],
            "output": result.output,
            "tests": [],
        }
    if result.status is SubmissionStatus.MISSING:
        return {
            "gradable": True,
            "score": 0.0,
            "message": first_line(result.output),
            "output": result.output,
            "tests": [],
        }
    fraction = result.final_score / result.max_score if result.max_score > 0 else 0.0
    visible, withheld = split(result.tests, reveal)
    message = say("prairielearn.points", score=points(result.score), total=points(result.max_score)).render(lang)
    course = term_lines(result, lang, frozenset(test.check_id for test in withheld))
    return {
        "gradable": True,
        "score": round(min(max(fraction, 0.0), 1.0), 6),
        "message": "\n".join([message, *course]),
        "output": result.output,
        "tests": [*(_test(test) for test in visible), *_folded(withheld, lang)],
    }


def _test(test: TestResult) -> dict[str, Any]:
    return {
        "name": test.name,
        "description": f"check id: {test.check_id}",
        "points": test.score,
        "max_points": test.max_score,
        "message": test.status.value,
        "output": test.output,
    }


def _folded(withheld: list[TestResult], lang: str) -> list[dict[str, Any]]:
    if not withheld:
        return []
    name = say("prairielearn.withheld", count=len(withheld)).render(lang)
    # No points: what they earned would tell the result before the due date (the total score is PrairieLearn's).
    return [{"name": name, "message": "", "output": ""}]


def write(
    result: AssignmentResult, folder: Path, filename: str = FILENAME, lang: str = "en", reveal: bool = False
) -> Path:
    """Atomic (temporary name, then rename) like `gradescope.write`; `filename` lets it sit beside Gradescope's."""
    payload = to_prairielearn(result, lang, reveal)
    return atomic.write_text(folder / filename, json.dumps(payload, indent=2, ensure_ascii=False))
