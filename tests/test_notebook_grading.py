"""Notebooks graded end to end, exactly like their `.py` twins: every bundled example turned into a Colab-style
notebook loses exactly the checks its `.py` loses; magics, a Drive mount and top-level training never run; tracebacks
name the notebook's cell and line; broken notebooks are the student's `runs` failure, never a harness failure; class
layouts and folders holding both kinds of file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from grader.cli import main
from grader.outputs import gradebook, gradescope
from grader.outputs.feedback import render_feedback
from grader.results import Status, SubmissionStatus

from .conftest import ROOT, Grade
from .notebook_kit import cell_of, write_notebook
from .test_examples import CASES, EXPECTED, SOLUTIONS, example_path, needs_isolation

SMOKE = ["--profile", "smoke", "--dataset", "fashion-mnist"]
PY_CASES = [case for case in CASES if example_path(*case).suffix == ".py" and not example_path(*case).is_symlink()]
"""The examples with a `.py` of their own to turn into a notebook (not a notebook already, not a link)."""


def _source(assignment: str, name: str) -> str:
    folder = SOLUTIONS / assignment
    path = folder / "submission.py" if name == "reference" else folder / "examples" / f"{name}.py"
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "name"), PY_CASES)
def test_example_as_a_notebook_loses_exactly_what_its_py_loses(
    grade_as: Callable[[str], Grade], tmp_path: Path, assignment: str, name: str
) -> None:
    expected = {**EXPECTED[assignment][name], **EXPECTED[assignment][name].get("notebook", {})}
    if needs_isolation(expected):
        pytest.skip("student code runs as the grader's own user here (process mode): no isolation to hold")
    notebook = write_notebook(tmp_path / name / "submission.ipynb", _source(assignment, name))
    result = grade_as(assignment)(notebook, name, time_limit_s=expected.get("time_limit_s"))
    assert result.status is SubmissionStatus.GRADED
    lost = sorted(t.check_id for t in result.tests if t.status is Status.FAILED)
    assert lost == sorted(expected["loses"]), {t.check_id: t.output for t in result.tests}
    outputs = {t.check_id: t.output for t in result.tests}
    for check_id, phrase in expected["says"].items():
        assert phrase in outputs[check_id], outputs[check_id]
    assert "Graded file: submission.ipynb." in result.output


@pytest.mark.parametrize("assignment", sorted(EXPECTED))
def test_reference_as_a_colab_notebook_earns_full_marks_without_running_its_top_level(
    grade_as: Callable[[str], Grade], tmp_path: Path, assignment: str
) -> None:
    notebook = write_notebook(tmp_path / "submission.ipynb", _source(assignment, "reference"))
    result = grade_as(assignment)(notebook, "reference")
    assert result.score == result.max_score == 10, {t.check_id: t.output for t in result.tests}
    assert "cell 2: IPython magics and shell commands (`%...`, `!...`) are not run by the grader." in result.output
    assert re.search(r"cells [\d, -]+: top-level code your functions do not use; not run\.", result.output)
    assert "NameError" not in result.output and "drive.mount" not in result.output


def test_a_traceback_names_the_cell_and_line_as_jupyter_shows_them(
    grade_as: Callable[[str], Grade], tmp_path: Path
) -> None:
    source = _source("01_tf_quickstart", "train_raises")
    path = write_notebook(tmp_path / "submission.ipynb", source)
    cell, line = cell_of(nbformat.read(path, as_version=4), "model.fit(x_train, y_train, epoch=epochs)")
    result = grade_as("01_tf_quickstart")(path, "train_raises")
    runs = next(t for t in result.tests if t.check_id == "runs")
    assert f'File "submission.ipynb", cell {cell}, line {line}, in train' in runs.output
    assert "submission.py" not in runs.output
    assert "model.fit(x_train, y_train, epoch=epochs)" in runs.output


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"{not json", "not valid JSON"),
        (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}).encode(), "version 3"),
        (json.dumps({"nbformat": 9, "nbformat_minor": 0, "cells": [], "metadata": {}}).encode(), "version 9"),
        (b'{"hello": 1}', "not a Jupyter notebook"),
    ],
)
def test_a_broken_notebook_fails_runs_and_is_still_graded(
    grade_as: Callable[[str], Grade], tmp_path: Path, content: bytes, phrase: str
) -> None:
    path = tmp_path / "submission.ipynb"
    path.write_bytes(content)
    result = grade_as("02_torch_loop")(path, "broken")
    assert result.status is SubmissionStatus.GRADED
    runs = next(t for t in result.tests if t.check_id == "runs")
    assert runs.score == 0 and phrase in runs.output
    assert all(t.score == 0 for t in result.tests if t.max_score)


def test_a_syntax_error_in_a_scratch_cell_costs_nothing_and_is_named(
    grade_as: Callable[[str], Grade], tmp_path: Path
) -> None:
    """A cell the grader would not use anyway: the other cells are graded, and the cell is listed as not run."""
    source = _source("02_torch_loop", "reference") + "\n\nif __name__ == '__main__':\n    print('unclosed'\n"
    path = write_notebook(tmp_path / "submission.ipynb", source)
    cell, line = cell_of(nbformat.read(path, as_version=4), "print('unclosed'")
    result = grade_as("02_torch_loop")(path, "syntax")
    assert result.score == result.max_score, {t.check_id: t.output for t in result.tests}
    assert f"submission.ipynb, cell {cell}, line {line}: SyntaxError" in result.output
    assert "so it was not run; the other cells were graded" in result.output
    feedback = render_feedback(result, "en")  # the student's feedback.md says it too, the cell's code fenced
    graded = feedback.split("## How your file was graded", 1)[1].split("## Checks", 1)[0]
    assert "Graded file: submission.ipynb." in graded and f"cell {cell}, line {line}: SyntaxError" in graded
    assert "```text" in graded


def _skeleton(assignment: str) -> Path:
    return ROOT / "assignments" / assignment / "submission.py"


@pytest.mark.pipeline
def test_a_folder_with_both_files_grades_the_one_the_student_edited(tmp_path: Path) -> None:
    """The skeleton's `submission.py` left as handed out loses to the edited notebook; two edited files: the first
    accepted name wins, and the output says so."""
    assignment = "02_torch_loop"
    colab = tmp_path / "class" / "mina"
    colab.mkdir(parents=True)
    shutil.copyfile(_skeleton(assignment), colab / "submission.py")
    write_notebook(colab / "submission.ipynb", _source(assignment, "reference"))
    both = tmp_path / "class" / "jun"
    both.mkdir()
    shutil.copyfile(SOLUTIONS / assignment / "examples" / "no_eval.py", both / "submission.py")
    write_notebook(both / "submission.ipynb", _source(assignment, "reference"))
    out = tmp_path / "out"
    assert main(["grade", assignment, str(tmp_path / "class"), "--out", str(out), *SMOKE, "--jobs", "2"]) == 0
    mina = gradescope.read(out / assignment / "mina" / "results.json")
    assert mina.score == 10
    assert "Graded file: submission.ipynb." in mina.output
    assert "also holds submission.py, unchanged from the assignment's skeleton" in mina.output
    jun = gradescope.read(out / assignment / "jun" / "results.json")
    assert "Graded file: submission.py." in jun.output
    assert "also holds submission.ipynb; submission.py was graded" in jun.output
    assert jun.score < 10


@pytest.mark.pipeline
def test_class_layouts_of_notebooks(tmp_path: Path) -> None:
    """A Gradescope export, GitHub Classroom clones and loose `<student>.ipynb` files, all notebooks."""
    assignment = "02_torch_loop"
    reference, flawed = _source(assignment, "reference"), _source(assignment, "softmax_dim0")
    export = tmp_path / "export"
    write_notebook(export / "submission_11" / "submission.ipynb", reference)
    write_notebook(export / "submission_12" / "homework" / "submission.ipynb", flawed)
    (export / "submission_metadata.yml").write_text(
        "submission_11:\n  :submitters:\n  - :sid: '2024001'\nsubmission_12:\n  :submitters:\n  - :sid: '2024002'\n",
        encoding="utf-8",
    )
    clones = tmp_path / "clones"
    for user, source in (("dana", reference), ("eli", flawed)):
        repo = clones / f"mlp-hw-{user}"
        write_notebook(repo / "assignments" / assignment / "submission.ipynb", source)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    loose = tmp_path / "loose"
    write_notebook(loose / "fay.ipynb", reference)
    out = tmp_path / "out"
    args = ["grade", assignment, str(export), str(clones), str(loose), "--out", str(out), *SMOKE, "--jobs", "2"]
    assert main(args) == 0
    scores = {p.parent.name: gradescope.read(p).score for p in out.glob(f"{assignment}/*/results.json")}
    assert scores == {"2024001": 10, "2024002": 7, "dana": 10, "eli": 7, "fay": 10}
    assert "Graded file: fay.ipynb." in gradescope.read(out / assignment / "fay" / "results.json").output


@pytest.mark.pipeline
def test_grader_check_takes_a_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_notebook(tmp_path / "submission.ipynb", _source("02_torch_loop", "reference"))
    code = main(["check", "02_torch_loop", str(path), *SMOKE])
    assert code == 0
    assert "submission.ipynb" in capsys.readouterr().out


def test_a_corrupt_notebook_names_its_problem_in_the_gradebook_and_passes_nothing(
    grade_as: Callable[[str], Grade], tmp_path: Path
) -> None:
    path = tmp_path / "submission.ipynb"
    path.write_bytes(b"{not json")
    result = grade_as("02_torch_loop")(path, "corrupt")
    assert all(t.status is Status.FAILED for t in result.tests), {t.check_id: t.status for t in result.tests}
    header, row = gradebook.rows([result])
    assert "not valid JSON" in row[header.index("note")]
