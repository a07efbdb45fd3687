"""`grader grade` over a class folder, as an instructor runs it: every output, a rerun that does nothing, and a session
killed midway that resumes with nothing lost."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.cli import main
from grader.results import gradescope

from .conftest import ROOT

SOLUTIONS = ROOT / "solutions" / "01_tf_quickstart"
SMOKE = ["--profile", "smoke", "--dataset", "fashion-mnist"]


def _class(root: Path, students: dict[str, Path]) -> Path:
    for name, source in students.items():
        (root / name).mkdir(parents=True)
        shutil.copyfile(source, root / name / "submission.py")
    return root


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory, fashion: object) -> Path:
    """Two students and one folder with nothing to grade, graded once with every output asked for."""
    root = tmp_path_factory.mktemp("class")
    folder = _class(
        root / "class", {"ana": SOLUTIONS / "submission.py", "ben": SOLUTIONS / "examples" / "no_dropout.py"}
    )
    (folder / "cho").mkdir()
    out = root / "out"
    args = ["grade", "01_tf_quickstart", str(folder), "--out", str(out), *SMOKE, "--jobs", "2"]
    assert main([*args, "--format", "prairielearn", "--lang", "ko"]) == 0
    return out


def test_every_output_is_written(graded_class: Path) -> None:
    for student in ("ana", "ben", "cho"):
        assert sorted(p.name for p in (graded_class / student).iterdir()) == [
            "feedback.md", "prairielearn.json", "results.json"
        ]  # fmt: skip
    rows = list(csv.DictReader((graded_class / "gradebook.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["student"], r["total"], r["status"]) for r in rows] == [
        ("ana", "10", "graded"), ("ben", "8", "graded"), ("cho", "0", "graded")
    ]  # fmt: skip
    feedback = (graded_class / "ben" / "feedback.md").read_text(encoding="utf-8")
    assert "지금까지 공개된 점수: 5 / 7점 (마감 후 공개되는 검사 3점은 별도)" in feedback
    assert "(기준" not in feedback  # the accuracy and its threshold are shown after the due date, not before
    assert json.loads((graded_class / "ana" / "prairielearn.json").read_text(encoding="utf-8"))["score"] == 1.0
    missing = gradescope.read(graded_class / "cho" / "results.json").output
    assert "채점할 제출물이 없습니다: cho/ 에 submission.py or submission.ipynb 이(가) 없습니다" in missing
    assert (graded_class / "junit.xml").is_file()
    assert "data:image/png;base64," in (graded_class / "report.html").read_text(encoding="utf-8")


def test_a_rerun_with_nothing_changed_grades_nothing_and_rewrites_nothing(
    graded_class: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = graded_class.parent / "class"
    before = {p: p.stat().st_mtime_ns for p in graded_class.rglob("*") if p.is_file() and p.parent.name != "cho"}
    capsys.readouterr()
    args = ["grade", "01_tf_quickstart", str(folder), "--out", str(graded_class), *SMOKE, "--jobs", "2"]
    assert main([*args, "--format", "prairielearn", "--lang", "ko"]) == 0
    assert capsys.readouterr().out.count("(cached)") == 2
    assert {p: p.stat().st_mtime_ns for p in before} == before


def test_reveal_after_the_due_date_shows_every_check_without_regrading(
    graded_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(graded_class, out)
    args = ["grade", "01_tf_quickstart", str(graded_class.parent / "class"), "--out", str(out), *SMOKE, "--jobs", "2"]
    capsys.readouterr()
    assert main([*args, "--format", "prairielearn", "--lang", "ko", "--reveal"]) == 0
    assert capsys.readouterr().out.count("(cached)") == 2
    feedback = (out / "ben" / "feedback.md").read_text(encoding="utf-8")
    assert "총점: 8 / 10점" in feedback and "(기준 0." in feedback
    tests = json.loads((out / "ben" / "prairielearn.json").read_text(encoding="utf-8"))["tests"]
    assert [t["description"] for t in tests][-1] == "check id: accuracy"


def _results(out: Path) -> list[Path]:
    return sorted(out.glob("*/results.json"))


def test_a_session_killed_midway_resumes_with_nothing_lost(tmp_path: Path, fashion: object) -> None:
    reference = SOLUTIONS / "submission.py"
    folder = _class(tmp_path / "class", {f"s{i}": reference for i in range(4)})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "grade", "01_tf_quickstart", str(folder), "--out", str(out), *SMOKE]
    session = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while len(_results(out)) < 1 and time.monotonic() < deadline and session.poll() is None:
        time.sleep(0.2)
    os.killpg(session.pid, signal.SIGKILL)
    session.wait()
    finished = _results(out)
    assert 1 <= len(finished) < 4, "the session should have been killed midway"
    for path in finished:
        assert gradescope.read(path).score == 10  # complete files only, never a half-written one
    assert not (out / "gradebook.csv").exists()
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.count("(cached)") == len(finished)
    assert [gradescope.read(p).score for p in _results(out)] == [10, 10, 10, 10]
    assert (out / "gradebook.csv").is_file()


def test_nox_grade_takes_the_class_form_of_the_arguments() -> None:
    spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
    assert spec is not None and spec.loader is not None
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)
    args = ["class/", "--assignment", "02_torch_loop", "--backend", "docker-cpu", "--jobs", "2"]
    assert noxfile._assignment_first(args) == ["02_torch_loop", "class/", "--backend", "docker-cpu", "--jobs", "2"]
    assert noxfile._assignment_first(["--assignment=03_lightning_module", "x"]) == ["03_lightning_module", "x"]
    assert noxfile._assignment_first(["01_tf_quickstart", "a.py"]) == ["01_tf_quickstart", "a.py"]
