"""The bundled examples, graded end to end on the smoke profile: the reference earns full marks and each flawed
example loses exactly the points of the checks listed in solutions/<id>/flawed/expected.yaml, with a message
naming the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from grader.cli import main
from grader.results import Status, SubmissionStatus

from .conftest import ROOT, Grade

FLAWED = ROOT / "solutions" / "01_tf_quickstart" / "flawed"
EXPECTED = yaml.safe_load((FLAWED / "expected.yaml").read_text(encoding="utf-8"))


def test_every_flawed_example_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(p.stem for p in FLAWED.glob("*.py"))


def test_reference_earns_full_marks(grade: Grade) -> None:
    result = grade(ROOT / "solutions" / "01_tf_quickstart" / "submission.py", "reference")
    assert result.status is SubmissionStatus.GRADED
    failures = {t.check_id: t.output for t in result.tests if t.status is not Status.PASSED}
    assert failures == {}
    assert result.score == result.max_score == 10


def test_grading_twice_gives_the_same_scores_and_metrics(grade: Grade) -> None:
    path = ROOT / "solutions" / "01_tf_quickstart" / "submission.py"
    first, second = grade(path), grade(path)
    assert [(t.check_id, t.score, dict(t.metrics), t.output) for t in first.tests] == [
        (t.check_id, t.score, dict(t.metrics), t.output) for t in second.tests
    ]
    assert first.tests[-1].metrics["accuracy"] > 0.5


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_flawed_example_loses_exactly_its_checks(grade: Grade, name: str) -> None:
    expected = EXPECTED[name]
    result = grade(FLAWED / f"{name}.py", time_limit_s=expected.get("time_limit_s"))
    assert result.status is SubmissionStatus.GRADED
    lost = sorted(t.check_id for t in result.tests if t.status is Status.FAILED)
    assert lost == sorted(expected["loses"]), {t.check_id: t.output for t in result.tests}
    for test in result.tests:
        assert test.score == (0 if test.check_id in expected["loses"] else test.max_score)
    outputs = {t.check_id: t.output for t in result.tests}
    for check_id, phrase in expected["says"].items():
        assert phrase in outputs[check_id], outputs[check_id]


def test_a_submission_cannot_write_its_own_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["--dataset", "fashion-mnist", "--profile", "smoke", "--out", str(out)]
    code = main(["grade", "01_tf_quickstart", str(FLAWED / "writes_results.py"), *args])
    assert code == 0
    written = json.loads((out / "writes_results" / "results.json").read_text(encoding="utf-8"))
    assert written["score"] == 10
    assert [t["tags"][0] for t in written["tests"]] == [
        "runs",
        "data_pipeline",
        "architecture",
        "compile",
        "softmax_sums",
        "accuracy",
    ]
    assert not (FLAWED / "results.json").exists()
    assert sorted(p.name for p in out.rglob("*")) == ["results.json", "writes_results"]
