"""Students' names keep their Unicode in every output, odd file names are graded safely inside the assignment's folder,
links out of a student's own folder are refused with the link named, and what a student hands in that the grader
cannot read (a notebook nested too deep, a helper whose name is not UTF-8) is graded, never blamed on the harness."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from grader.cli import main

from .conftest import ROOT

SOLUTION = ROOT / "solutions" / "02_torch_loop" / "submission.py"
SMOKE = ["--profile", "smoke", "--dataset", "fashion-mnist"]
CP949_NAME = "박민수".encode("cp949")


def _grade(*args: str) -> int:
    return main(["grade", "02_torch_loop", *args, *SMOKE])


def _results(out: Path, folder: str) -> dict[str, object]:
    return json.loads((out / "02_torch_loop" / folder / "results.json").read_text(encoding="utf-8"))


@pytest.mark.pipeline
def test_korean_names_keep_their_spelling_in_every_output(tmp_path: Path) -> None:
    cls = tmp_path / "class"
    for name in ("김철수", "이영희"):
        (cls / name).mkdir(parents=True)
        shutil.copyfile(SOLUTION, cls / name / "submission.py")
    legacy = Path(os.fsdecode(os.fsencode(cls) + b"/" + CP949_NAME))  # a Korean Windows zip unpacked on Linux
    legacy.mkdir()
    (legacy / "submission.py").write_bytes(b"")
    out = tmp_path / "out"
    assert _grade(str(cls), "--out", str(out)) == 0
    folders = sorted(p.name for p in (out / "02_torch_loop").iterdir() if p.is_dir())
    assert folders == ["김철수", "박민수", "이영희"]
    assert _results(out, "김철수")["extra_data"]["student"] == "김철수"  # type: ignore[index]
    assert _results(out, "김철수")["score"] == 10
    with (out / "02_torch_loop" / "gradebook.csv").open(encoding="utf-8-sig") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"김철수", "박민수", "이영희"}
    assert rows["김철수"]["folder"] == "김철수" and rows["박민수"]["total"] == "0"
    junit = (out / "02_torch_loop" / "junit.xml").read_text(encoding="utf-8")
    report = (out / "02_torch_loop" / "report.html").read_text(encoding="utf-8")
    assert all(name in junit for name in ("김철수", "박민수", "이영희"))
    assert "박민수" in report  # the report names the students it lists (here the one who failed)
    feedback = (out / "02_torch_loop" / "이영희" / "feedback.md").read_text(encoding="utf-8")
    assert "이영희" in feedback


@pytest.mark.pipeline
def test_a_file_named_dot_dot_dot_py_is_graded_inside_the_assignments_folder(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    odd = tmp_path / "in" / "...py"
    shutil.copyfile(SOLUTION, odd)
    out = tmp_path / "out"
    assert _grade(str(odd), "--out", str(out)) == 0
    assert not (out / "results.json").exists()
    [folder] = [p for p in (out / "02_torch_loop").iterdir() if p.is_dir()]
    result = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert result["score"] == 10 and result["extra_data"]["student"] == ".."
    assert folder.parent == out / "02_torch_loop"


@pytest.mark.pipeline
def test_a_helper_whose_name_is_not_utf8_is_graded_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "dana"
    folder.mkdir()
    shutil.copyfile(SOLUTION, folder / "submission.py")
    (Path(os.fsdecode(os.fsencode(folder) + b"/" + "도구.py".encode("cp949")))).write_text("X = 1\n")
    out = tmp_path / "out"
    assert _grade(str(folder), "--out", str(out)) == 0
    result = _results(out, "dana")
    assert result["extra_data"]["status"] == "graded" and result["score"] == 10  # type: ignore[index]
    assert "도구.py was not used: its name is not UTF-8" in str(result["output"])


@pytest.mark.parametrize("target", ["/etc/hostname", "../classmate/submission.py"])
def test_a_folder_given_directly_with_a_link_out_is_refused_naming_the_link(tmp_path: Path, target: str) -> None:
    (tmp_path / "classmate").mkdir()
    shutil.copyfile(SOLUTION, tmp_path / "classmate" / "submission.py")
    folder = tmp_path / "eve"
    folder.mkdir()
    shutil.copyfile(SOLUTION, folder / "submission.py")
    (folder / "helper.py").symlink_to(target)
    out = tmp_path / "out"
    assert _grade(str(folder), "--out", str(out)) == 0
    result = _results(out, "eve")
    assert result["extra_data"]["status"] == "missing"  # type: ignore[index]
    assert "eve/helper.py is a symbolic link" in str(result["output"])
    assert "localhost" not in str(result["output"]) and Path("/etc/hostname").read_text().strip() not in str(
        result["output"]
    )


def test_check_refuses_a_link_to_a_classmates_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "classmate").mkdir()
    shutil.copyfile(SOLUTION, tmp_path / "classmate" / "submission.py")
    (tmp_path / "me").mkdir()
    (tmp_path / "me" / "submission.py").symlink_to(tmp_path / "classmate" / "submission.py")
    assert main(["check", "02_torch_loop", str(tmp_path / "me" / "submission.py"), *SMOKE]) == 3
    printed = capsys.readouterr().out
    assert "submission.py is a symbolic link" in printed and "Traceback" not in printed


@pytest.mark.pipeline
def test_a_notebook_nested_too_deep_is_graded_as_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nested = "[" * 900 + "1" + "]" * 900
    notebook = tmp_path / "deep.ipynb"
    notebook.write_text(
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "a", '
        f'"metadata": {{}}, "outputs": [], "execution_count": null, "source": {nested}}}]}}',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert _grade(str(notebook), "--out", str(out)) == 0
    result = _results(out, "deep")
    assert result["extra_data"]["status"] == "graded" and result["score"] == 0  # type: ignore[index]
    assert any("nested deeper than" in test["output"] for test in result["tests"])  # type: ignore[attr-defined]
    assert main(["check", "02_torch_loop", str(notebook), *SMOKE]) == 3
    assert "Traceback" not in capsys.readouterr().out


@pytest.mark.pipeline
def test_a_notebook_whose_outputs_nest_deep_is_graded_as_written(tmp_path: Path) -> None:
    """Outputs are never read: however deeply a cell's output JSON nests, the code is graded."""
    source = SOLUTION.read_text(encoding="utf-8")
    code = source[: source.index("\nif __name__")]
    output: object = 1
    for _ in range(150):
        output = [output]
    cell = {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1, "source": code}
    cell["outputs"] = [{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"x": output}}]
    notebook = tmp_path / "deep_outputs.ipynb"
    notebook.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}))
    out = tmp_path / "out"
    assert _grade(str(notebook), "--out", str(out)) == 0
    assert _results(out, "deep_outputs")["score"] == 10
