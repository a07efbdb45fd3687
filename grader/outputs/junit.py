"""JUnit XML, the format CI dashboards and most LMS plugins read: a suite per assignment, a case per check.

A failed check is a <failure> (the student's code did not meet it); every check of a not-graded submission is an
<error> (the harness broke), which is how JUnit tells "the test failed" from "the test could not run". A missing
submission is one case, `submission`, failed with type "missing": one line for the absence, not one per check.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from grader import atomic
from grader.outputs._common import first_line, not_graded_reason, points, xml_safe
from grader.outputs.term_text import term_lines
from grader.results import AssignmentResult, Status, SubmissionStatus

FILENAME = "junit.xml"
_COUNTS = ("tests", "failures", "errors", "skipped")
TERM_CASE = "course: due date and adjustments"


def to_junit(results: Sequence[AssignmentResult], wall_s: float | None = None) -> ET.Element:
    """`wall_s`: how long the session took, the suite's time (per-submission times overlap when graded in parallel);
    without it, the sum of the submissions' own times."""
    root = ET.Element("testsuites", name="grader")
    ordered = sorted(results, key=lambda r: (r.assignment, r.shown))
    groups = [(assignment, list(group)) for assignment, group in groupby(ordered, key=lambda r: r.assignment)]
    suites = [_suite(a, group, wall_s if len(groups) == 1 else None) for a, group in groups]
    root.extend(suites)
    for key in _COUNTS:
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in suites)))
    root.set("time", f"{sum(float(suite.get('time', '0')) for suite in suites):.3f}")
    return root


def write_junit(results: Sequence[AssignmentResult], path: Path, wall_s: float | None = None) -> Path:
    root = to_junit(results, wall_s)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return atomic.write_text(path, text + "\n")


def _term_case(suite: ET.Element, student: str, result: AssignmentResult) -> None:
    """The course's lateness and adjustments, as a passing case whose output says them and whose properties hold
    the figures, so a dashboard shows them beside the checks without counting them as failures."""
    lines = term_lines(result, "en")
    if not lines or result.term is None:
        return
    case = ET.SubElement(suite, "testcase", classname=student, name=TERM_CASE)
    properties = ET.SubElement(case, "properties")
    figures = {
        "late_days": str(result.term.late_days),
        "late_penalty": points(result.term.penalty),
        "adjustments": points(result.term.adjusted),
        "final": points(result.final_score),
    }
    for name, value in figures.items():
        ET.SubElement(properties, "property", name=name, value=value)
    ET.SubElement(case, "system-out").text = xml_safe("\n".join(lines))


def _suite(assignment: str, results: list[AssignmentResult], wall_s: float | None) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_safe(assignment))
    for result in results:
        student = xml_safe(result.shown)
        if result.status is SubmissionStatus.MISSING:
            case = ET.SubElement(suite, "testcase", classname=student, name="submission")
            failure = ET.SubElement(case, "failure", message=xml_safe(first_line(result.output)), type="missing")
            failure.text = xml_safe(result.output)
            continue
        if result.status is SubmissionStatus.NOT_GRADED:
            reason = not_graded_reason(result)
            # A not-graded submission with no checks listed still shows up, as one errored case.
            for name in [test.name for test in result.tests] or ["grading"]:
                case = ET.SubElement(suite, "testcase", classname=student, name=xml_safe(name))
                error = ET.SubElement(case, "error", message=xml_safe(first_line(reason)), type="not_graded")
                error.text = xml_safe(reason)
            continue
        for test in result.tests:
            case = ET.SubElement(suite, "testcase", classname=student, name=xml_safe(test.name))
            if test.status is Status.FAILED:
                failure = ET.SubElement(case, "failure", message=xml_safe(first_line(test.output)), type=test.check_id)
                failure.text = xml_safe(test.output)
        _term_case(suite, student, result)
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(case.find("failure") is not None for case in cases),
        "errors": sum(case.find("error") is not None for case in cases),
        "skipped": 0,
    }
    for key in _COUNTS:
        suite.set(key, str(counts[key]))
    suite.set("time", f"{sum(r.execution_time for r in results) if wall_s is None else wall_s:.3f}")
    return suite
