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
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.cli import main
from grader.outputs import gradescope
from grader.results import SubmissionStatus

from .conftest import ROOT
from .notebook_kit import write_notebook

A1 = "01_tf_quickstart"
SOLUTIONS = ROOT / "solutions" / A1
SMOKE = ["--profile", "smoke", "--dataset", "fashion-mnist"]


def _class(root: Path, students: dict[str, Path]) -> Path:
    for name, source in students.items():
        (root / name).mkdir(parents=True)
        shutil.copyfile(source, root / name / "submission.py")
    return root


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory, fashion: object) -> Path:
    """Two students, one whose folder holds only a PDF, and a stray file, graded once with every output asked for.
    Returns the assignment's output folder."""
    root = tmp_path_factory.mktemp("class")
    folder = _class(
        root / "class", {"ana": SOLUTIONS / "submission.py", "ben": SOLUTIONS / "examples" / "no_dropout.py"}
    )
    (folder / "cho").mkdir()
    (folder / "cho" / "homework2.pdf").write_bytes(b"%PDF-1.4")
    (folder / "roster.csv").write_text("ana,ben,cho\n", encoding="utf-8")
    out = root / "out"
    args = ["grade", A1, str(folder), "--out", str(out), *SMOKE, "--jobs", "2"]
    assert main([*args, "--format", "prairielearn", "--lang", "ko"]) == 0
    return out / A1


def test_every_output_is_written(graded_class: Path) -> None:
    for student in ("ana", "ben", "cho"):
        assert sorted(p.name for p in (graded_class / student).iterdir()) == [
            "feedback.md", "prairielearn.json", "results.json"
        ]  # fmt: skip
    rows = list(csv.DictReader((graded_class / "gradebook.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["student"], r["total"], r["status"]) for r in rows] == [
        ("ana", "10", "graded"), ("ben", "8", "graded"), ("cho", "", "missing")
    ]  # fmt: skip
    assert "homework2.pdf" in rows[2]["note"]
    feedback = (graded_class / "ben" / "feedback.md").read_text(encoding="utf-8")
    assert "지금까지 공개된 점수: 5 / 7점 (마감 후 공개되는 검사 3점은 별도)" in feedback
    assert "(기준" not in feedback  # the accuracy and its threshold are shown after the due date, not before
    assert json.loads((graded_class / "ana" / "prairielearn.json").read_text(encoding="utf-8"))["score"] == 1.0
    missing = gradescope.read(graded_class / "cho" / "results.json")
    assert missing.status is SubmissionStatus.MISSING
    assert "채점할 제출물이 없습니다: cho/ 에 submission.py 또는 submission.ipynb가 없습니다" in missing.output
    assert "homework2.pdf" in missing.output
    assert "미제출" in (graded_class / "cho" / "feedback.md").read_text(encoding="utf-8")
    suite = ET.parse(graded_class / "junit.xml").getroot().find("testsuite")
    assert suite is not None and [c.get("name") for c in suite.iter("testcase") if c.get("classname") == "cho"] == [
        "submission"
    ]
    report = (graded_class / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in report and '<html lang="ko">' in report
    assert "점수 분포" in report and "roster.csv" in report and "homework2.pdf" in report


def test_the_class_report_is_titled_in_the_sessions_language(tmp_path: Path) -> None:
    for name in ("ana", "ben"):
        (tmp_path / "class" / name).mkdir(parents=True)  # nothing handed in: no training, every class output written
    titles = {"ko": "01_tf_quickstart: TensorFlow 퀵스타트: MNIST 분류용 MLP"}
    titles["en"] = "01_tf_quickstart: TensorFlow quickstart: an MLP on MNIST"
    for lang, title in titles.items():
        out = tmp_path / lang
        assert main(["grade", A1, str(tmp_path / "class"), "--out", str(out), *SMOKE, "--lang", lang]) == 0
        report = (out / A1 / "report.html").read_text(encoding="utf-8")
        assert f"<title>{title}</title>" in report and f"<h1>{title}</h1>" in report


def test_a_rerun_with_nothing_changed_grades_nothing_and_rewrites_nothing(
    graded_class: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = graded_class.parent.parent / "class"
    before = {p: p.stat().st_mtime_ns for p in graded_class.rglob("*") if p.is_file() and p.parent.name != "cho"}
    capsys.readouterr()
    args = ["grade", A1, str(folder), "--out", str(graded_class.parent), *SMOKE, "--jobs", "2"]
    assert main([*args, "--format", "prairielearn", "--lang", "ko"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("(cached)") == 2
    assert "class/roster.csv" in printed  # the stray file is named, not silently ignored
    assert "2 graded, 1 missing (no submission), 0 not graded" in printed
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert not (graded_class / "cho" / "history").exists()  # the same absence is not archived again


def test_reveal_after_the_due_date_shows_every_check_without_regrading(
    graded_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(graded_class, out / A1)
    args = ["grade", A1, str(graded_class.parent.parent / "class"), "--out", str(out), *SMOKE, "--jobs", "2"]
    capsys.readouterr()
    assert main([*args, "--format", "prairielearn", "--lang", "ko", "--reveal"]) == 0
    assert capsys.readouterr().out.count("(cached)") == 2
    feedback = (out / A1 / "ben" / "feedback.md").read_text(encoding="utf-8")
    assert "총점: 8 / 10점" in feedback and "(기준 0." in feedback
    tests = json.loads((out / A1 / "ben" / "prairielearn.json").read_text(encoding="utf-8"))["tests"]
    assert [t["description"] for t in tests][-1] == "check id: accuracy"


def test_a_regrade_keeps_the_earlier_result_and_other_assignments_and_drops_stale_formats(
    graded_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(graded_class, out / A1)
    folder = tmp_path / "class"
    shutil.copytree(graded_class.parent.parent / "class", folder)
    shutil.copyfile(SOLUTIONS / "submission.py", folder / "ben" / "submission.py")  # ben fixes his dropout
    earlier = (out / A1 / "ben" / "results.json").read_bytes()
    assert main(["grade", A1, str(folder), "--out", str(out), *SMOKE, "--jobs", "2", "--lang", "ko"]) == 0
    kept = list((out / A1 / "ben" / "history").iterdir())
    assert [p.read_bytes() for p in kept] == [earlier]
    assert gradescope.read(out / A1 / "ben" / "results.json").provenance["previous"]["score"] == 8
    rows = {r["student"]: r for r in csv.DictReader((out / A1 / "gradebook.csv").read_text("utf-8-sig").splitlines())}
    assert (rows["ben"]["total"], rows["ben"]["previous"], rows["ben"]["change"]) == ("10", "8", "+2")
    assert (rows["ana"]["previous"], rows["ana"]["change"]) == ("", "")
    assert not list(out.glob(f"{A1}/*/prairielearn.json"))  # not asked this time: not left stale
    # A second assignment into the same --out keeps the first one's outputs.
    other = tmp_path / "class2"
    (other / "dan").mkdir(parents=True)
    assert main(["grade", "02_torch_loop", str(other), "--out", str(out), *SMOKE]) == 0
    assert gradescope.read(out / "02_torch_loop" / "dan" / "results.json").status is SubmissionStatus.MISSING
    assert (out / A1 / "gradebook.csv").is_file() and (out / A1 / "ana" / "results.json").is_file()


def _results(out: Path) -> list[Path]:
    return sorted(out.glob("*/results.json"))


def test_a_session_killed_midway_resumes_with_nothing_lost(tmp_path: Path, fashion: object) -> None:
    reference = SOLUTIONS / "submission.py"
    folder = _class(tmp_path / "class", {f"s{i}": reference for i in range(4)})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "grade", A1, str(folder), "--out", str(out), *SMOKE]
    out = out / A1
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


@pytest.mark.pipeline
def test_a_relative_class_path_with_loose_files_grades_as_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`grader grade 02_torch_loop class/ --out results/` from the folder above the class, loose `<student>.py` and
    `<student>.ipynb` files beside the student folders (a documented layout). Broken code keeps it quick."""
    broken = "def make_loaders(root, batch_size=32):\n    return (\n"
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "class" / "alice" / "submission.py").write_text(broken, encoding="utf-8")
    (tmp_path / "class" / "carol.py").write_text(broken, encoding="utf-8")
    write_notebook(tmp_path / "class" / "dave.ipynb", "def f():\n    return (\n", colab=False)
    monkeypatch.chdir(tmp_path)
    assert main(["grade", "02_torch_loop", "class/", "--out", "results/"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    graded = sorted(p.parent.name for p in (tmp_path / "results" / "02_torch_loop").glob("*/results.json"))
    assert graded == ["alice", "carol", "dave"]
    assert (tmp_path / "results" / "02_torch_loop" / "gradebook.csv").is_file()


@pytest.mark.pipeline
def test_regrading_one_student_keeps_the_class_outputs_in_step(tmp_path: Path) -> None:
    """`grader grade <id> class/bob` after the class was graded: bob's row in the gradebook, JUnit and report is his
    new result, and his classmates' rows are kept."""
    broken = SOLUTIONS / "examples" / "syntax_error.py"
    folder = _class(tmp_path / "class", {"alice": broken, "bob": broken})
    out = tmp_path / "out"
    assert main(["grade", A1, str(folder), "--out", str(out), *SMOKE]) == 0
    shutil.copyfile(SOLUTIONS / "submission.py", folder / "bob" / "submission.py")
    assert main(["grade", A1, str(folder / "bob"), "--out", str(out), *SMOKE]) == 0
    gradebook = (out / A1 / "gradebook.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [(r["student"], r["total"]) for r in csv.DictReader(gradebook)] == [("alice", "0"), ("bob", "10")]
    suite = ET.parse(out / A1 / "junit.xml").getroot().find("testsuite")
    assert suite is not None and {c.get("classname") for c in suite.iter("testcase")} == {"alice", "bob"}
    report = (out / A1 / "report.html").read_text(encoding="utf-8")
    assert "<td>alice</td>" in report and "<td>bob</td>" not in report  # bob's old failures are gone from it
