"""The `grader` command: exit codes, files written, and what students and instructors see."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from grader.cli import CHECKS_FAILED, main
from grader.data import datasets
from grader.data.choice import DatasetChoiceError, choose_dataset
from grader.spec import load_spec

from .conftest import ROOT

SKELETON = ROOT / "assignments" / "01_tf_quickstart" / "submission.py"


@pytest.mark.pipeline
def test_grading_a_skeleton_works_even_though_the_student_scores_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = ["--dataset", "fashion-mnist", "--profile", "smoke", "--out", str(out)]
    code = main(["grade", "01_tf_quickstart", str(SKELETON), *options])
    assert code == 0
    result = json.loads((out / "01_tf_quickstart" / "01_tf_quickstart" / "results.json").read_text(encoding="utf-8"))
    assert result["score"] == 0
    assert "NotImplementedError: TODO: load_data" in result["tests"][0]["output"]
    assert result["extra_data"]["status"] == "graded"
    assert result["extra_data"]["provenance"]["dataset"]["name"] == "fashion-mnist"


def test_missing_dataset_still_writes_a_result_per_submission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    without_system_copies = {name: replace(info, system_dirs=()) for name, info in datasets.DATASETS.items()}
    monkeypatch.setattr(datasets, "DATASETS", without_system_copies)
    out = tmp_path / "out"
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "submission.py").write_text(SKELETON.read_text(encoding="utf-8"), encoding="utf-8")
    code = main(
        [
            "grade",
            "01_tf_quickstart",
            str(folder),
            str(SKELETON),
            "--dataset",
            "fashion-mnist",
            "--data-dir",
            str(tmp_path / "empty-cache"),
            "--out",
            str(out),
        ]
    )
    assert code == 1
    for name in ("alice", "01_tf_quickstart"):
        result = json.loads((out / "01_tf_quickstart" / name / "results.json").read_text(encoding="utf-8"))
        assert result["extra_data"]["status"] == "not_graded"
        assert "not a score you earned" in result["output"]
    assert "grader data fetch fashion-mnist" in capsys.readouterr().err


@pytest.mark.pipeline
def test_check_shows_visible_checks_only(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "01_tf_quickstart", str(SKELETON), "--dataset", "fashion-mnist"])  # named: checked as is
    assert code == CHECKS_FAILED
    shown = capsys.readouterr().out
    assert "FAIL runs · Runs without errors" in shown
    assert "Accuracy on held-out images" not in shown
    assert "1 more check(s) are graded after the due date" in shown


def test_unknown_submission_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["grade", "01_tf_quickstart", str(tmp_path / "nope.py"), "--out", str(tmp_path)])
    assert code == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_an_empty_folder_is_a_usage_error_naming_the_accepted_layouts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grade", "01_tf_quickstart", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "no submissions found" in error
    assert "Gradescope export" in error and "GitHub Classroom" in error and "one folder per student" in error


def test_unknown_assignment_lists_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "99_nope", str(SKELETON)]) == 2
    assert "01_tf_quickstart" in capsys.readouterr().err


def test_data_list_reports_each_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "list"]) == 0
    shown = capsys.readouterr().out
    assert "mnist" in shown and "fashion-mnist" in shown


def test_without_dataset_the_installed_one_is_used_and_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fashion: object
) -> None:
    """MNIST (the spec's default) is not installed here and Fashion-MNIST is: a pasted command grades on it."""
    reference = ROOT / "solutions" / "02_torch_loop" / "submission.py"
    assert main(["check", "02_torch_loop", str(reference), "--data-dir", str(tmp_path / "empty-cache")]) == 0
    shown = capsys.readouterr().out
    assert shown.count("grading on fashion-mnist") == 1
    assert "grader data fetch mnist" in shown
    with pytest.raises(DatasetChoiceError, match="not cifar"):
        choose_dataset(load_spec("02_torch_loop"), "cifar", tmp_path)


@pytest.mark.parametrize("assignment", ["04_keras_save_load", "05_torch_save_load"])
def test_calibrating_an_assignment_without_a_threshold_says_where_its_tolerances_are(
    assignment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibrate", assignment]) == 2
    assert "no accuracy threshold to calibrate; its tolerances and what the reference measured are in " in (
        capsys.readouterr().err.replace("\n", " ")
    )
