"""Tests for the result model and its Gradescope results.json form."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from grader.grading import not_graded
from grader.outputs import gradescope
from grader.results import AssignmentResult, Status, SubmissionStatus

# Aliased: a module-level name starting with `Test` would be collected by pytest (and warn, which is an error here).
from grader.results import TestResult as CheckResult

TEST_KEYS = {"name", "score", "max_score", "status", "visibility", "output", "tags"}


@pytest.fixture
def result() -> AssignmentResult:
    tests = (
        CheckResult("runs", "Runs without errors", 1.0, 1.0, Status.PASSED, "visible", "all ran", {"steps": 6}),
        CheckResult("compile", "Optimizer", 0.0, 1.0, Status.FAILED, "visible", "loss: expected x", {}),
        CheckResult("accuracy", "Accuracy", 2.5, 3.0, Status.PASSED, "after_due_date", "ok", {"accuracy": 0.97}),
    )
    return AssignmentResult(
        assignment="01_tf_quickstart",
        submission="alice",
        status=SubmissionStatus.GRADED,
        tests=tests,
        execution_time=12.34567,
        output="graded",
        provenance={"seed": 7, "profile": "smoke", "dataset": {"name": "mnist"}},
        training_loss=(0.61, 0.42, 0.35),
    )


def test_test_result_round_trip(result: AssignmentResult) -> None:
    for test in result.tests:
        data = test.to_dict()
        assert data["status"] == test.status.value
        assert CheckResult.from_dict(data) == test


def test_assignment_result_round_trip(result: AssignmentResult) -> None:
    data = result.to_dict()
    assert data["status"] == "graded"
    assert len(data["tests"]) == 3
    again = AssignmentResult.from_dict(data)
    assert again == result
    assert again.status is SubmissionStatus.GRADED
    assert again.tests[0].status is Status.PASSED


def test_round_trip_through_json(result: AssignmentResult) -> None:
    assert AssignmentResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_score_is_sum_of_tests(result: AssignmentResult) -> None:
    assert result.score == pytest.approx(3.5)
    assert result.max_score == pytest.approx(5.0)


def test_gradescope_shape(result: AssignmentResult) -> None:
    out = gradescope.to_gradescope(result)
    assert out["score"] == pytest.approx(sum(t["score"] for t in out["tests"]))
    assert out["score"] == pytest.approx(3.5)
    assert out["execution_time"] == pytest.approx(12.346)
    assert out["output"] == "graded"
    assert len(out["tests"]) == len(result.tests)
    for entry, test in zip(out["tests"], result.tests, strict=True):
        assert set(entry) == TEST_KEYS
        assert entry["tags"][0] == test.check_id
        assert entry["name"] == test.name
        assert entry["score"] == test.score
        assert entry["max_score"] == test.max_score
        assert entry["status"] == test.status.value
        assert entry["visibility"] == test.visibility
        assert entry["output"] == test.output
    extra = out["extra_data"]
    assert extra["provenance"] == {"seed": 7, "profile": "smoke", "dataset": {"name": "mnist"}}
    assert extra["assignment"] == "01_tf_quickstart"
    assert extra["submission"] == "alice"
    assert extra["status"] == "graded"
    assert extra["max_score"] == pytest.approx(5.0)
    assert extra["metrics"]["accuracy"] == {"accuracy": 0.97}
    json.dumps(out)  # must be JSON-serialisable as is


def test_write_is_atomic_and_loads_back(tmp_path: Path, result: AssignmentResult) -> None:
    folder = tmp_path / "out" / "alice"
    path = gradescope.write(result, folder)
    assert path == folder / "results.json"
    assert not (folder / ".results.json.tmp").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["results.json"]
    assert json.loads(path.read_text(encoding="utf-8")) == gradescope.sign(gradescope.to_gradescope(result))


def test_only_a_result_this_grader_signed_is_trusted(tmp_path: Path, result: AssignmentResult) -> None:
    """A cached result counts only with this host's signature: one written by anything else (student code that
    forged it, a copy edited by hand) is graded again."""
    path = gradescope.write(result, tmp_path)
    assert gradescope.read_trusted(path) == gradescope.read(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tests"][0]["score"] = data["tests"][0]["max_score"] = 99
    path.write_text(json.dumps(data), encoding="utf-8")
    assert gradescope.read_trusted(path) is None
    unsigned = gradescope.to_gradescope(result)
    path.write_text(json.dumps(unsigned), encoding="utf-8")
    assert gradescope.read_trusted(path) is None and gradescope.read(path).tests == result.tests


def test_write_replaces_previous_results(tmp_path: Path, result: AssignmentResult) -> None:
    (tmp_path / "results.json").write_text("stale", encoding="utf-8")
    gradescope.write(result, tmp_path)
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["score"] == pytest.approx(3.5)
    assert not (tmp_path / ".results.json.tmp").exists()


def test_not_graded_is_never_an_earned_zero(tmp_path: Path) -> None:
    checks = [("runs", "Runs", 1.0, "visible"), ("accuracy", "Accuracy", 3.0, "after_due_date")]
    result = not_graded("01_tf_quickstart", "bob", "dataset missing\nmore detail", checks)
    assert result.status is SubmissionStatus.NOT_GRADED
    assert result.score == 0
    assert result.max_score == pytest.approx(4.0)
    assert "This is not a score you earned" in result.output
    assert "more detail" in result.output
    assert [t.check_id for t in result.tests] == ["runs", "accuracy"]
    for test in result.tests:
        assert test.score == 0
        assert test.output == "Not graded: dataset missing"
    out = json.loads(gradescope.write(result, tmp_path).read_text(encoding="utf-8"))
    assert out["score"] == 0
    assert out["extra_data"]["status"] == "not_graded"
    assert "not a score you earned" in out["output"]
    assert [t["max_score"] for t in out["tests"]] == [1.0, 3.0]
    assert [t["visibility"] for t in out["tests"]] == ["visible", "after_due_date"]
    assert AssignmentResult.from_dict(result.to_dict()) == result


def test_results_json_reads_back_as_the_same_result(tmp_path: Path, result: AssignmentResult) -> None:
    expected = dataclasses.replace(result, execution_time=round(result.execution_time, 3))  # Gradescope's precision
    assert gradescope.read(gradescope.write(result, tmp_path)) == expected


@pytest.mark.parametrize("content", ["", "{}", '{"tests": [], "extra_data": {}}', "[1, 2]"])
def test_a_file_this_grader_did_not_write_is_refused_with_its_path(tmp_path: Path, content: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=r"not a results\.json written by this grader"):
        gradescope.read(path)
