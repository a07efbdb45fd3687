"""Notebooks in the docker-cpu backend and in the GitHub Classroom workflow, whose grading step turns the notebook into
the graded module inside the grading image. Skipped where no engine runs or the image is not built; required in CI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from grader.outputs import gradescope
from grader.results import Status, SubmissionStatus

from .conftest import ROOT, Grade
from .notebook_kit import cell_of, write_notebook
from .test_docker_backend import docker_grade_as, require_cpu_image  # noqa: F401 (docker_grade_as: a fixture)
from .test_docker_class import run_grade_step

pytestmark = pytest.mark.docker
SOLUTIONS = ROOT / "solutions"


@pytest.mark.parametrize("assignment", ["01_tf_quickstart", "02_torch_loop", "03_lightning_module"])
def test_reference_notebook_earns_full_marks_in_docker(
    docker_grade_as: Callable[[str], Grade],  # noqa: F811
    assignment: str,
) -> None:
    result = docker_grade_as(assignment)(SOLUTIONS / assignment / "submission.ipynb", "reference")
    assert result.status is SubmissionStatus.GRADED, result.output
    assert [t.check_id for t in result.tests if t.status is Status.FAILED] == []
    assert "Graded file: submission.ipynb." in result.output


def test_a_notebook_traceback_in_docker_names_its_cell(
    docker_grade_as: Callable[[str], Grade],  # noqa: F811
    tmp_path: Path,
) -> None:
    source = (SOLUTIONS / "01_tf_quickstart" / "examples" / "train_raises.py").read_text(encoding="utf-8")
    path = write_notebook(tmp_path / "submission.ipynb", source)
    cell, line = cell_of(nbformat.read(path, as_version=4), "model.fit(x_train, y_train, epoch=epochs)")
    result = docker_grade_as("01_tf_quickstart")(path, "train_raises")
    runs = next(t for t in result.tests if t.check_id == "runs")
    assert f'File "submission.ipynb", cell {cell}, line {line}, in train' in runs.output


def test_the_workflow_grades_a_notebook_repository(tmp_path: Path) -> None:
    require_cpu_image()
    repo = tmp_path / "repo"
    target = repo / "assignments" / "02_torch_loop"
    target.mkdir(parents=True)
    shutil.copyfile(ROOT / "assignments" / "02_torch_loop" / "submission.py", target / "submission.py")
    shutil.copyfile(SOLUTIONS / "02_torch_loop" / "submission.ipynb", target / "submission.ipynb")
    step = run_grade_step(repo, tmp_path, "02_torch_loop")
    assert step.returncode == 0, step.stdout + step.stderr
    assert "Points 10/10" in step.stdout
    results = gradescope.read(tmp_path / "runner" / "out" / "results.json")
    assert "Graded file: submission.ipynb." in results.output
    assert "unchanged from the assignment's skeleton" in results.output
