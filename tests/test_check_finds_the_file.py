"""`grader check <id>` with no file checks the student's own file, found from the folder they run it in, and always
says which file it checked; the repository's unchanged skeleton is never graded in its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.cli import OK, USAGE, main

from .conftest import ROOT

SMOKE = ["--dataset", "fashion-mnist"]


@pytest.mark.slow
def test_a_folder_holding_only_the_students_notebook_is_checked_on_that_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(ROOT / "solutions" / "02_torch_loop" / "submission.ipynb", tmp_path / "submission.ipynb")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "02_torch_loop", *SMOKE]) == OK
    shown = capsys.readouterr().out
    assert "Checking submission.ipynb" in shown
    assert "PASS zero_grad" in shown


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_only_the_unchanged_skeleton_is_said_and_not_graded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    shutil.copyfile(ROOT / "assignments" / "05_torch_save_load" / "submission.py", tmp_path / "submission.py")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "05_torch_save_load", "--lang", lang, *SMOKE]) == USAGE
    shown = capsys.readouterr()
    words = {"en": "is the assignment's skeleton, unchanged", "ko": "아직 고치지 않은 과제 뼈대 파일"}[lang]
    assert words in shown.err and "submission.py" in shown.err
    assert "PASS" not in shown.out and "FAIL" not in shown.out


def test_a_folder_without_a_submission_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "02_torch_loop", *SMOKE]) == USAGE
    shown = capsys.readouterr().err
    assert "None of submission.py, submission.ipynb is in" in shown and str(tmp_path) in shown
    assert "grader check 02_torch_loop path/to/submission.ipynb" in shown


@pytest.mark.slow
def test_a_file_given_from_another_folder_is_shown_with_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "hw" / "02"
    work.mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / "02_torch_loop" / "submission.py", work / "mine.py")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "02_torch_loop", "hw/02/mine.py", *SMOKE]) == OK
    assert "Checking hw/02/mine.py" in capsys.readouterr().out
