"""The bundled examples, graded end to end on the smoke profile: each reference earns full marks and each example
loses exactly the points of the checks listed in solutions/<id>/examples/expected.yaml, with a message naming the
problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from grader.cli import main
from grader.isolation import Mode
from grader.results import Status, SubmissionStatus
from grader.runners.local import host_isolation

from .conftest import ROOT, Grade

SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = sorted(p.parent.parent.name for p in SOLUTIONS.glob("*/examples/expected.yaml"))
EXPECTED = {
    a: yaml.safe_load((SOLUTIONS / a / "examples" / "expected.yaml").read_text(encoding="utf-8")) for a in ASSIGNMENTS
}
CASES = [(assignment, name) for assignment in ASSIGNMENTS for name in sorted(EXPECTED[assignment])]
EXAMPLE_SUFFIXES = (".py", ".ipynb")


def example_path(assignment: str, name: str) -> Path:
    """An example's file: `<name>.py`, or the `file` its expectations name (a notebook)."""
    return SOLUTIONS / assignment / "examples" / EXPECTED[assignment][name].get("file", f"{name}.py")


def needs_isolation(expected: dict[str, object]) -> bool:
    """Attacks whose expectation holds only where student code is kept apart from the grader: where it runs as the
    grader's own user (`process` mode) they are skipped, that mode protects against accidents only."""
    return bool(expected.get("isolated")) and host_isolation().mode is Mode.PROCESS


def test_every_assignment_has_a_reference_and_examples() -> None:
    assert sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.yaml")) == ASSIGNMENTS
    for assignment in ASSIGNMENTS:
        assert (SOLUTIONS / assignment / "submission.py").is_file()
        files = sorted(p.stem for p in (SOLUTIONS / assignment / "examples").glob("*") if p.suffix in EXAMPLE_SUFFIXES)
        assert files == sorted(EXPECTED[assignment])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_earns_full_marks(grade_as: Callable[[str], Grade], assignment: str) -> None:
    result = grade_as(assignment)(SOLUTIONS / assignment / "submission.py", "reference")
    assert result.status is SubmissionStatus.GRADED
    failures = {t.check_id: t.output for t in result.tests if t.status is not Status.PASSED}
    assert failures == {}
    assert result.score == result.max_score == 10


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_twice_gives_the_same_scores_and_metrics(grade_as: Callable[[str], Grade], assignment: str) -> None:
    path = SOLUTIONS / assignment / "submission.py"
    first, second = grade_as(assignment)(path), grade_as(assignment)(path)
    assert [(t.check_id, t.score, dict(t.metrics), t.output) for t in first.tests] == [
        (t.check_id, t.score, dict(t.metrics), t.output) for t in second.tests
    ]
    accuracy = [t.metrics["accuracy"] for t in first.tests if t.check_id == "accuracy"]  # none when saving a model
    assert all(value > 0.5 for value in accuracy)


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "name"), CASES)
def test_example_loses_exactly_its_checks(grade_as: Callable[[str], Grade], assignment: str, name: str) -> None:
    assert_loses_exactly_its_checks(grade_as, assignment, name)


def assert_loses_exactly_its_checks(
    grade_as: Callable[[str], Grade], assignment: str, name: str, **options: object
) -> None:
    """Grade one example and hold it to expected.yaml: the listed checks fail with their phrase, the rest pass."""
    expected = EXPECTED[assignment][name]
    if needs_isolation(expected) and options.get("backend", "local") == "local":
        pytest.skip("student code runs as the grader's own user here (process mode): no isolation to hold")
    result = grade_as(assignment)(example_path(assignment, name), time_limit_s=expected.get("time_limit_s"), **options)
    assert result.status.value == expected.get("status", "graded"), result.output
    lost = sorted(t.check_id for t in result.tests if t.status is Status.FAILED)
    assert lost == sorted(expected["loses"]), {t.check_id: t.output for t in result.tests}
    for test in result.tests:
        assert test.score == (0 if test.check_id in expected["loses"] else test.max_score)
    outputs = {t.check_id: t.output for t in result.tests}
    for check_id, phrase in expected["says"].items():
        assert phrase in outputs[check_id], outputs[check_id]


@pytest.mark.pipeline
def test_a_submission_cannot_write_its_own_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    example = SOLUTIONS / "01_tf_quickstart" / "examples" / "writes_results.py"
    args = ["--dataset", "fashion-mnist", "--profile", "smoke", "--out", str(out)]
    assert main(["grade", "01_tf_quickstart", str(example), *args]) == 0
    written = json.loads((out / "01_tf_quickstart" / "writes_results" / "results.json").read_text(encoding="utf-8"))
    assert written["score"] == 10
    assert [t["tags"][0] for t in written["tests"]] == [
        "runs", "data_pipeline", "architecture", "compile", "softmax_sums", "accuracy"
    ]  # fmt: skip
    assert not (example.parent / "results.json").exists()
    grader_outputs = [".outputs.sha256", "01_tf_quickstart", "feedback.md", "results.json", "writes_results"]
    assert sorted(p.name for p in out.rglob("*")) == grader_outputs  # one submission: no class outputs to draw
