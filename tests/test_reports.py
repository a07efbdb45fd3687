"""Tests for the class-level reports: gradebook CSV, JUnit XML, PrairieLearn JSON, Markdown feedback, HTML report."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from markdown_it import MarkdownIt
from matplotlib.image import imread

from grader.grading import missing_result, not_graded
from grader.messages import say
from grader.outputs import ClassSummary, gradescope, write_class_outputs
from grader.outputs._common import not_graded_reason
from grader.outputs.feedback import render_feedback, write_feedback
from grader.outputs.gradebook import write_gradebook
from grader.outputs.html_report import PASS_COLOUR, render_report, write_report
from grader.outputs.junit import write_junit
from grader.outputs.prairielearn import to_prairielearn
from grader.outputs.prairielearn import write as write_prairielearn
from grader.results import AssignmentResult, Status, SubmissionStatus

# Aliased: a module-level name starting with `Test` would be collected by pytest (and warn, which is an error here).
from grader.results import TestResult as CheckResult
from grader.spec import load_spec

A1 = "01_tf_quickstart"
CHECKS = [("runs", "Runs without errors", 1.0, "visible"), ("compile", "Optimizer and loss", 1.0, "visible")]
CHECKS += [("accuracy", "Accuracy", 3.0, "after_due_date")]
HOSTILE = "<script>alert(1)</script>``x"
HOSTILE_OUTPUT = "printed:\n```\n<script>evil()</script>\n`````\ndone"
REASON = "container exited with code 137 (out of memory)\nTraceback: ..."
PNG_DATA = "data:image/png;base64,"


def graded(
    name: str, runs: bool, compile_ok: bool, accuracy: float, loss: tuple[float, ...], runs_output: str = "ran"
) -> AssignmentResult:
    acc_ok = accuracy >= 0.9
    tests = (
        CheckResult("runs", "Runs without errors", float(runs), 1.0, _status(runs), "visible", runs_output),
        CheckResult(
            "compile",
            "Optimizer and loss",
            float(compile_ok),
            1.0,
            _status(compile_ok),
            "visible",
            "ok" if compile_ok else "loss: expected categorical_crossentropy\nfound: mse",
        ),
        CheckResult(
            "accuracy",
            "Accuracy",
            3.0 if acc_ok else 0.0,
            3.0,
            _status(acc_ok),
            "after_due_date",
            f"accuracy {accuracy:.4f} on held-out images" + ("" if acc_ok else " is below the threshold 0.90."),
            {"accuracy": accuracy, "threshold": 0.9, "heldout_images": 5000},
        ),
    )
    return AssignmentResult(A1, name, SubmissionStatus.GRADED, tests, 12.3456, "graded", {}, loss)


def _status(ok: bool) -> Status:
    return Status.PASSED if ok else Status.FAILED


@pytest.fixture
def alice() -> AssignmentResult:
    return graded("alice", True, True, 0.97, (0.61, 0.42, 0.35))


@pytest.fixture
def bob() -> AssignmentResult:
    return graded("bob", True, False, 0.40, (2.3, 2.2, 2.25))


@pytest.fixture
def carol() -> AssignmentResult:
    return not_graded(A1, "carol", REASON, CHECKS)


@pytest.fixture
def hostile() -> AssignmentResult:
    return graded(HOSTILE, False, True, 0.95, (), runs_output=HOSTILE_OUTPUT)


@pytest.fixture
def results(alice: AssignmentResult, bob: AssignmentResult, carol: AssignmentResult) -> list[AssignmentResult]:
    return [carol, bob, alice]  # not in name order: every output sorts by student


def test_not_graded_reason_drops_the_standard_preamble(carol: AssignmentResult) -> None:
    assert not_graded_reason(carol) == REASON
    other = AssignmentResult(A1, "x", SubmissionStatus.NOT_GRADED, (), 0.0, "spec failed to load")
    assert not_graded_reason(other) == "spec failed to load"


# --- gradebook.csv ---------------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_gradebook_rows(tmp_path: Path, results: list[AssignmentResult]) -> None:
    path = write_gradebook(results, tmp_path / "gradebook.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read Korean names as UTF-8
    assert read_csv(path) == [
        ["student", "folder", "assignment", "runs", "compile", "accuracy", "total", "max", "status", "time_s", "note"],
        ["alice", "alice", A1, "1", "1", "3", "5", "5", "graded", "12.346", ""],
        ["bob", "bob", A1, "1", "0", "0", "1", "5", "graded", "12.346", ""],
        ["carol", "carol", A1, "", "", "", "", "5", "not_graded", "0.000", REASON.splitlines()[0]],  # never 0 points
    ]


def test_gradebook_neutralises_formulas_and_keeps_odd_names(tmp_path: Path, alice: AssignmentResult) -> None:
    formula = AssignmentResult(**{**alice.__dict__, "submission": '=HYPERLINK("http://x","y")'})
    quoted = AssignmentResult(**{**alice.__dict__, "submission": 'o"neil, jr\nx'})
    rows = read_csv(write_gradebook([formula, quoted], tmp_path / "g.csv"))
    assert [row[0] for row in rows[1:]] == ['\'=HYPERLINK("http://x","y")', 'o"neil, jr\nx']


def test_gradebook_empty(tmp_path: Path) -> None:
    rows = read_csv(write_gradebook([], tmp_path / "g.csv"))
    assert rows == [["student", "folder", "assignment", "total", "max", "status", "time_s", "note"]]


# --- junit.xml -------------------------------------------------------------------------------------------------------


def test_junit_counts_failures_and_errors(tmp_path: Path, results: list[AssignmentResult]) -> None:
    other = AssignmentResult("02_torch_loop", "dave", SubmissionStatus.GRADED, (), 1.5, "graded")
    root = ET.parse(write_junit([*results, other], tmp_path / "junit.xml")).getroot()
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "9",
        "failures": "2",
        "errors": "3",
        "skipped": "0",
        "time": "26.191",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [A1, "02_torch_loop"]
    suite = suites[0]
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "9",
        "failures": "2",
        "errors": "3",
        "skipped": "0",
        "time": "24.691",
    }
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases[:3]] == [
        ("alice", "Runs without errors"),
        ("alice", "Optimizer and loss"),
        ("alice", "Accuracy"),
    ]
    assert all(len(c) == 0 for c in cases[:3])  # alice passed everything
    failures = [(c.get("classname"), c.get("name"), c.find("failure")) for c in cases if c.find("failure") is not None]
    assert [(student, name) for student, name, _ in failures] == [("bob", "Optimizer and loss"), ("bob", "Accuracy")]
    compile_failure = failures[0][2]
    assert compile_failure.get("message") == "loss: expected categorical_crossentropy"
    assert compile_failure.text == "loss: expected categorical_crossentropy\nfound: mse"
    errors = [c for c in cases if c.find("error") is not None]
    assert [c.get("classname") for c in errors] == ["carol"] * 3
    for case in errors:
        error = case.find("error")
        assert error is not None and case.find("failure") is None
        assert error.get("type") == "not_graded"
        assert error.get("message") == "container exited with code 137 (out of memory)"
        assert error.text == REASON


def test_junit_parses_whatever_the_student_printed(tmp_path: Path) -> None:
    wild = graded("eve", False, True, 0.95, (), runs_output="bad \x00 bytes \x1b[31m <&> ]]>")
    root = ET.parse(write_junit([wild], tmp_path / "junit.xml")).getroot()
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.text == "bad \ufffd bytes \ufffd[31m <&> ]]>"


def test_junit_not_graded_without_checks_still_appears(tmp_path: Path) -> None:
    broken = AssignmentResult(A1, "frank", SubmissionStatus.NOT_GRADED, (), 0.0, "spec failed to load")
    root = ET.parse(write_junit([broken], tmp_path / "junit.xml")).getroot()
    assert (root.get("tests"), root.get("errors")) == ("1", "1")


# --- PrairieLearn ----------------------------------------------------------------------------------------------------


def test_prairielearn_graded(alice: AssignmentResult, bob: AssignmentResult) -> None:
    assert to_prairielearn(alice)["score"] == 1.0
    out = to_prairielearn(bob)
    assert out["gradable"] is True
    assert out["score"] == pytest.approx(0.2)
    assert out["message"] == "1 / 5 points"
    assert [(t["name"], t.get("points"), t.get("max_points"), t["message"]) for t in out["tests"]] == [
        ("Runs without errors", 1.0, 1.0, "passed"),
        ("Optimizer and loss", 0.0, 1.0, "failed"),
        ("1 check(s) shown after the due date", None, None, ""),  # what it earned would tell the result early
    ]
    assert out["tests"][1]["output"] == "loss: expected categorical_crossentropy\nfound: mse"
    assert "0.4000" not in json.dumps(out) and "threshold" not in json.dumps(out)
    assert to_prairielearn(bob, "ko")["tests"][2]["name"] == "마감 후 공개되는 검사 1개"
    assert to_prairielearn(bob, "ko")["message"] == "5점 중 1점"
    revealed = to_prairielearn(bob, reveal=True)["tests"][2]
    assert (revealed["name"], revealed["output"]) == ("Accuracy", bob.tests[2].output)


def test_a_hidden_check_is_never_shown_to_students(bob: AssignmentResult) -> None:
    hidden = replace(bob, tests=(*bob.tests[:2], replace(bob.tests[2], visibility="hidden")))
    for reveal in (False, True):
        assert "0.4000" not in render_feedback(hidden, "en", reveal)
        assert "0.4000" not in json.dumps(to_prairielearn(hidden, reveal=reveal))


def test_prairielearn_not_graded_has_no_score(carol: AssignmentResult) -> None:
    out = to_prairielearn(carol)
    assert out["gradable"] is False
    assert "score" not in out
    assert out["tests"] == []  # no per-check 0 points either
    assert out["format_errors"] == ["container exited with code 137 (out of memory)"]
    assert "not your score" in out["message"]


def test_prairielearn_write_is_atomic_json(tmp_path: Path, bob: AssignmentResult) -> None:
    path = write_prairielearn(bob, tmp_path / "bob")
    assert path == tmp_path / "bob" / "results.json"
    assert json.loads(path.read_text(encoding="utf-8")) == to_prairielearn(bob)
    assert sorted(p.name for p in path.parent.iterdir()) == ["results.json"]  # no temporary file left behind


# --- feedback.md -----------------------------------------------------------------------------------------------------


def test_feedback_withholds_the_checks_shown_after_the_due_date(bob: AssignmentResult) -> None:
    for lang, total, withheld in (
        ("en", "**Shown so far: 1 / 2 points; 3 more points", "### Accuracy — shown after the due date (3 points)"),
        (
            "ko",
            "**지금까지 공개된 점수: 1 / 2점 (마감 후 공개되는 검사 3점은 별도)**",
            "### Accuracy — 마감 후 공개 (3점)",
        ),
    ):
        text = render_feedback(bob, lang)
        assert total in text and withheld in text
        assert "0.4000" not in text and "0.90" not in text and "held-out" not in text
        assert "### Optimizer and loss" in text


def test_feedback_english(bob: AssignmentResult) -> None:
    text = render_feedback(bob, "en", reveal=True)
    assert "**Total: 1 / 5 points**" in text
    assert "Accuracy on held-out images: 0.4000 (threshold 0.90)" in text
    assert "### Runs without errors — passed (1 / 1 points)" in text
    assert "### Optimizer and loss — failed (0 / 1 points)" in text
    assert "loss: expected categorical_crossentropy\nfound: mse" in text  # the check's message as it is
    assert not re.search(r"[가-힣]", text)


def test_feedback_korean(bob: AssignmentResult) -> None:
    text = render_feedback(bob, "ko", reveal=True)
    assert "**총점: 1 / 5점**" in text
    assert "비공개 평가 이미지에서의 정확도: 0.4000 (기준 0.90)" in text
    assert "### Runs without errors — 통과 (1 / 1점)" in text
    assert "### Optimizer and loss — 실패 (0 / 1점)" in text
    assert "loss: expected categorical_crossentropy\nfound: mse" in text
    assert "passed" not in text and "failed" not in text and "Total" not in text


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "this is a problem with the grading system"), ("ko", "채점되지 않음")]
)
def test_feedback_not_graded(carol: AssignmentResult, lang: str, words: str) -> None:
    text = render_feedback(carol, lang)
    assert words in text
    assert REASON in text
    assert not re.search(r"\b0 / |0점|[Tt]otal|총점", text)  # not a score: no points anywhere


def test_not_graded_in_korean_keeps_the_reason_apart() -> None:
    result = not_graded(A1, "carol", REASON, CHECKS, "ko")
    assert result.output.startswith("자동 채점기가 이 제출물을 채점하지 못했습니다.")
    assert not_graded_reason(result) == REASON  # the Korean notice is not taken for part of the reason
    assert result.tests[0].output == "채점되지 않음: container exited with code 137 (out of memory)"
    text = render_feedback(result, "ko")
    assert text.count("자동 채점기가") == 0 and REASON in text


def test_feedback_unknown_language(alice: AssignmentResult) -> None:
    with pytest.raises(ValueError, match=r"'fr'.*en, ko"):
        render_feedback(alice, "fr")


def test_feedback_hostile_strings_stay_literal(tmp_path: Path, hostile: AssignmentResult) -> None:
    path = write_feedback(hostile, tmp_path, "en", reveal=True)
    text = path.read_text(encoding="utf-8")
    assert "``````text\n" + HOSTILE_OUTPUT + "\n``````" in text  # fence longer than the 5-backtick run inside
    rendered = MarkdownIt("commonmark").render(text)  # raw HTML allowed: only escaping keeps <script> out
    assert "<script>" not in rendered
    assert "&lt;script&gt;evil()&lt;/script&gt;" in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;``x" in rendered  # the name, whole, inside a code span
    assert rendered.count("<pre>") == 3  # the fence closed where it should: one block per check output


# --- report.html -----------------------------------------------------------------------------------------------------


def test_report_has_plots_and_failures(tmp_path: Path, results: list[AssignmentResult]) -> None:
    text = write_report(results, tmp_path / "report.html", "Class <A>").read_text(encoding="utf-8")
    assert text.count(PNG_DATA) == 4  # scores, pass rates, accuracy, training loss
    assert "<title>Class &lt;A&gt;</title>" in text
    assert re.search(r"<b>3</b>submissions.*<b>2</b>graded.*<b>1</b>not graded", text)
    assert "<b>60.0% (3 / 5)</b>mean score" in text
    assert "<td>bob</td><td>01_tf_quickstart</td><td>Optimizer and loss</td>" in text
    assert '<td class="reason">loss: expected categorical_crossentropy\nfound: mse</td>' in text  # the whole reason
    assert '<td>carol</td><td>01_tf_quickstart</td><td><span class="not-graded">not graded</span></td>' in text
    assert '<td class="reason">container exited with code 137 (out of memory)</td>' in text
    assert "alice</td>" not in text  # alice failed nothing
    assert not re.search(r"(src|href)=\"(https?:)?//|<link|<script", text)  # self-contained, no scripts


def test_report_escapes_student_strings(hostile: AssignmentResult) -> None:
    hostile = AssignmentResult(**{**hostile.__dict__, "tests": hostile.tests})
    text = render_report([hostile], "t")
    assert "<script" not in text
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;``x</td>" in text
    assert '<td class="reason">printed:\n```\n&lt;script&gt;evil()&lt;/script&gt;' in text  # the reason, escaped
    assert text.count(PNG_DATA) == 3  # no training loss recorded: that plot is skipped


def test_report_without_submissions(tmp_path: Path) -> None:
    text = write_report([], tmp_path / "report.html", "empty").read_text(encoding="utf-8")
    assert "No submissions." in text
    assert PNG_DATA not in text


def test_report_only_not_graded(carol: AssignmentResult) -> None:
    text = render_report([carol], "t")
    assert PNG_DATA not in text
    assert "No graded submissions." in text
    assert "score</div>" not in text  # no mean or median of scores nobody earned


# --- write_class_outputs ---------------------------------------------------------------------------------------------


def test_write_class_outputs(tmp_path: Path, results: list[AssignmentResult]) -> None:
    written = write_class_outputs(
        results, tmp_path, lang="ko", formats=["gradescope", "prairielearn"], summary=ClassSummary("T")
    )
    expected = [
        f"{student}/{name}"
        for student in ("alice", "bob", "carol")
        for name in ("results.json", "prairielearn.json", "feedback.md")
    ]
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        *expected,
        "gradebook.csv",
        "junit.xml",
        "report.html",
        "canvas.csv",
        "lms.csv",
    ]
    assert all(p.is_file() for p in written)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.relative_to(tmp_path).as_posix() for p in written
    )
    assert gradescope.read(tmp_path / "bob" / "results.json").score == pytest.approx(1.0)
    assert json.loads((tmp_path / "carol" / "prairielearn.json").read_text(encoding="utf-8"))["gradable"] is False
    assert "지금까지 공개된 점수" in (tmp_path / "alice" / "feedback.md").read_text(encoding="utf-8")


def test_write_class_outputs_only_defaults(tmp_path: Path, alice: AssignmentResult) -> None:
    written = write_class_outputs([alice], tmp_path, lang="en", formats=[], summary=ClassSummary("T"))
    assert [p.name for p in written] == [
        "feedback.md",
        "gradebook.csv",
        "junit.xml",
        "report.html",
        "canvas.csv",
        "lms.csv",
    ]


@pytest.mark.parametrize("name", ["../evil", "a/b", ".hidden", "", "a\\b"])
def test_write_class_outputs_refuses_unsafe_names(tmp_path: Path, alice: AssignmentResult, name: str) -> None:
    bad = AssignmentResult(**{**alice.__dict__, "submission": name})
    with pytest.raises(ValueError, match="not usable as a folder name"):
        write_class_outputs(
            [alice, bad], tmp_path / "out", lang="en", formats=["gradescope"], summary=ClassSummary("T")
        )
    assert not (tmp_path / "out").exists()  # checked before anything is written


def test_write_class_outputs_refuses_bad_options(tmp_path: Path, alice: AssignmentResult) -> None:
    with pytest.raises(ValueError, match=r"canvas.*gradescope, prairielearn"):
        write_class_outputs([alice], tmp_path, lang="en", formats=["canvas"], summary=ClassSummary("T"))
    with pytest.raises(ValueError, match="choose one of: en, ko"):
        write_class_outputs([alice], tmp_path, lang="de", formats=[], summary=ClassSummary("T"))
    with pytest.raises(ValueError, match="share one folder"):
        write_class_outputs([alice, alice], tmp_path, lang="en", formats=[], summary=ClassSummary("T"))
    assert list(tmp_path.iterdir()) == []


# --- missing submissions, regrades, the session's own figures --------------------------------------------------------


@pytest.fixture
def frank() -> AssignmentResult:
    reason = say("submission.none", accepted="submission.py", folder="frank", found="only: homework2.pdf")
    return missing_result(load_spec(A1), "frank", reason)


def test_missing_is_neither_a_zero_nor_a_harness_failure_in_every_output(
    tmp_path: Path, alice: AssignmentResult, bob: AssignmentResult, frank: AssignmentResult
) -> None:
    assert frank.status is SubmissionStatus.MISSING
    rows = read_csv(write_gradebook([alice, bob, frank], tmp_path / "gradebook.csv"))
    frank_row = dict(zip(rows[0], rows[3], strict=True))
    assert [frank_row[k] for k in ("runs", "total", "status")] == ["", "", "missing"]
    assert "homework2.pdf" in frank_row["note"]
    suite = ET.parse(write_junit([alice, frank], tmp_path / "junit.xml", wall_s=3.25)).getroot()[0]
    cases = [(c.get("classname"), c.get("name")) for c in suite.iter("testcase") if c.get("classname") == "frank"]
    assert cases == [("frank", "submission")]
    assert suite.find("testcase[@classname='frank']/failure").get("type") == "missing"
    assert suite.get("time") == "3.250"  # the session's wall time, not the sum of overlapping submissions
    html_text = render_report([alice, bob, frank], "T")
    # Means are over the graded two only: (100% + 20%) / 2; frank is listed apart.
    assert "60.0%" in html_text and "Missing submissions" in html_text and "homework2.pdf" in html_text
    assert "frank" not in html_text.split("<h2>Failures</h2>")[1].split("<h2>Missing")[0]
    feedback = render_feedback(frank, "en")
    assert "missing — no submission was found" in feedback and "homework2.pdf" in feedback
    assert to_prairielearn(frank)["score"] == 0.0 and to_prairielearn(frank)["tests"] == []


def test_report_in_korean(results: list[AssignmentResult]) -> None:
    page = render_report(results, "T", "ko", unrecognised=["class/roster.csv"])
    assert '<html lang="ko">' in page
    for words in ("점수 분포", "검사 항목별 통과율", "실패한 검사", "채점되지 않음", "class/roster.csv", "학생"):
        assert words in page
    assert "Score distribution" not in page


def test_gradebook_shows_what_a_regrade_changed(tmp_path: Path, alice: AssignmentResult, bob: AssignmentResult) -> None:
    earlier = {"status": "graded", "score": 5.0, "max_score": 5.0, "graded_at": "2026-11-01T00:00:00Z"}
    regraded = replace(bob, provenance={"previous": earlier})
    was_missing = replace(alice, provenance={"previous": {"status": "missing", "score": 0.0}})
    rows = read_csv(write_gradebook([regraded, was_missing], tmp_path / "g.csv"))
    assert rows[0][-2:] == ["previous", "change"]
    assert [row[-2:] for row in rows[1:]] == [["missing", ""], ["5", "-4"]]
    assert "previous" not in read_csv(write_gradebook([alice], tmp_path / "h.csv"))[0]


def _needs_review(result: AssignmentResult, check_id: str) -> AssignmentResult:
    """The result with one check's observations contradicting each other, as `zero_grad` reports it."""
    tests = tuple(
        replace(test, metrics={**test.metrics, "manual_review": 1}) if test.check_id == check_id else test
        for test in result.tests
    )
    return replace(result, tests=tests)


@pytest.mark.parametrize(
    ("lang", "note", "marker"),
    [
        ("en", "manual review: runs, compile (the grader's observations contradict each other)", "needs manual review"),
        ("ko", "수동 검토 필요: runs, compile (채점기의 관찰 결과가 서로 맞지 않음)", "수동 검토 필요"),
    ],
)
def test_a_check_that_needs_a_manual_review_is_shown_to_the_instructor(
    tmp_path: Path, alice: AssignmentResult, bob: AssignmentResult, lang: str, note: str, marker: str
) -> None:
    """bob's failed `compile` and alice's passed `runs` both hold manual_review=1: the gradebook's note names them, and
    report.html counts them, lists them in a table of their own, and flags bob's row among the failures."""
    flagged = [_needs_review(alice, "runs"), _needs_review(_needs_review(bob, "compile"), "runs")]
    write_class_outputs(flagged, tmp_path, lang=lang, formats=[], summary=ClassSummary("T"))
    rows = read_csv(tmp_path / "gradebook.csv")
    notes = {row[0]: row[rows[0].index("note")] for row in rows[1:]}
    assert notes == {"alice": note.replace(", compile", ""), "bob": note}
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"<b>3</b>{marker}" in page
    heading, failures = page.split('<div class="summary">')[1].split("<h2>")[1:3]
    assert heading.startswith(html.escape(say("report.manual_review_heading").render(lang)))
    assert heading.count("<tr><td>") == 3  # alice's runs (passed), bob's compile and runs
    assert "<td>alice</td><td>01_tf_quickstart</td><td>Runs without errors" in heading
    assert (
        f'<td>bob</td><td>01_tf_quickstart</td><td>Optimizer and loss <span class="manual-review">{marker}</span>'
        in page
    )
    assert "manual-review" not in failures.split("Accuracy")[-1]  # bob's accuracy failure is not flagged


def test_without_a_manual_review_nothing_is_flagged(tmp_path: Path, results: list[AssignmentResult]) -> None:
    page = render_report(results, "T")
    assert "manual review" not in page and 'class="manual-review"' not in page
    assert all(
        row[-1] in ("", REASON.splitlines()[0]) for row in read_csv(write_gradebook(results, tmp_path / "g.csv"))[1:]
    )


def test_a_format_not_asked_again_is_removed_and_one_submission_gets_no_class_outputs(
    tmp_path: Path, alice: AssignmentResult
) -> None:
    write_class_outputs([alice], tmp_path, lang="en", formats=["prairielearn"], summary=ClassSummary("T"))
    assert (tmp_path / "alice" / "prairielearn.json").is_file()
    single = ClassSummary("T", is_class=False)
    written = write_class_outputs([alice], tmp_path / "one", lang="en", formats=["gradescope"], summary=single)
    assert [p.relative_to(tmp_path / "one").as_posix() for p in written] == ["alice/results.json", "alice/feedback.md"]
    write_class_outputs([alice], tmp_path, lang="en", formats=["gradescope"], summary=ClassSummary("T"))
    assert not (tmp_path / "alice" / "prairielearn.json").exists()


# --- in a real browser -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Debian's chromium (apt-get install chromium) for the browser tests")
        pytest.skip("Debian's chromium is not installed here (apt-get install chromium)")
    return found


@pytest.mark.browser
def test_report_renders_in_chromium(tmp_path: Path, chromium: str, results: list[AssignmentResult]) -> None:
    report = write_report(results, tmp_path / "report.html", "Class report")
    shot = tmp_path / "shot.png"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        report.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert shot.is_file(), f"chromium wrote no screenshot (exit {done.returncode}):\n{done.stderr[-3000:]}"
    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels.std() > 0.05  # not a blank page
    colours = np.unique((pixels * 255).round().astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # plots and text, not a flat fill
    green = np.array([int(PASS_COLOUR[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    assert (np.abs(pixels - green).max(axis=-1) < 0.05).sum() > 5000  # the pass-rate bars: the PNGs were drawn


def test_prairielearn_says_not_graded_in_the_students_language(carol: AssignmentResult) -> None:
    korean = to_prairielearn(carol, "ko")
    assert korean["gradable"] is False and korean["message"].startswith("채점되지 않음")
    assert to_prairielearn(carol, "en")["message"].startswith("Not graded")
