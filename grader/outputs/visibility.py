"""What a student may read now: Gradescope's four visibility levels, applied by the outputs students are handed
(feedback.md, PrairieLearn's results). Gradescope's own results.json keeps every level, and Gradescope applies them.

`after_due_date` and `after_published` checks are withheld until the instructor regrades with `--reveal`; `hidden`
checks are never shown to students.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.results import TestResult

RELEASED_LATER = frozenset({"after_due_date", "after_published"})


def shown(test: TestResult, reveal: bool = False) -> bool:
    return test.visibility == "visible" or (reveal and test.visibility in RELEASED_LATER)


def split(tests: Sequence[TestResult], reveal: bool = False) -> tuple[list[TestResult], list[TestResult]]:
    """(the checks shown with their details, the checks withheld)."""
    return [t for t in tests if shown(t, reveal)], [t for t in tests if not shown(t, reveal)]
