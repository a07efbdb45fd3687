"""Class-scale grading in Docker: a parallel docker-cpu session, and the GitHub Classroom workflow's grading step run
here as GitHub would run it, against the CPU image. Skipped where no engine runs or the image is not built."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grader import images
from grader.cli import main
from grader.outputs import gradescope
from grader.results import SubmissionStatus

from .conftest import ROOT
from .test_docker_backend import require_cpu_image

pytestmark = pytest.mark.docker
WORKFLOW = ROOT / "grader" / "platforms" / "github_classroom" / "templates" / "classroom.yml"


@pytest.fixture(scope="module", autouse=True)
def _image_ready() -> None:
    require_cpu_image()


def test_a_class_graded_two_at_a_time_in_containers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solutions = ROOT / "solutions" / "02_torch_loop"
    for name, source in (("ana", solutions / "submission.py"), ("ben", solutions / "examples" / "no_zero_grad.py")):
        (tmp_path / "class" / name).mkdir(parents=True)
        shutil.copyfile(source, tmp_path / "class" / name / "submission.py")
    out = tmp_path / "out"
    args = ["grade", "02_torch_loop", str(tmp_path / "class"), "--out", str(out), "--backend", "docker-cpu"]
    args += ["--jobs", "2", "--profile", "smoke", "--dataset", "fashion-mnist"]
    assert main(args) == 0
    ana, ben = (gradescope.read(out / "02_torch_loop" / name / "results.json") for name in ("ana", "ben"))
    assert (ana.score, ben.score) == (10, 7)
    for result in (ana, ben):
        assert result.provenance["threads"] == 1
        assert result.provenance["sandbox"]["threads"] == "1"  # what torch itself reports inside the container
        assert result.provenance["run"]["backend"] == "docker-cpu"
    capsys.readouterr()
    assert main(args) == 0
    assert capsys.readouterr().out.count("(cached)") == 2


def _grade_step() -> str:
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["autograding"]["steps"]
    return next(step["run"] for step in steps if step.get("id") == "grade")


def run_grade_step(repo: Path, tmp_path: Path, assignment: str) -> subprocess.CompletedProcess[str]:
    """The workflow's grading step, run in `repo` as GitHub runs it; RUNNER_TEMP, GITHUB_OUTPUT and the step summary
    are `tmp_path/runner`, `tmp_path/github-output` and `tmp_path/summary.md`."""
    (tmp_path / "runner").mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "GRADER_IMAGE": images.image_tag("cpu"),
        "GRADER_ASSIGNMENT": assignment,
        "GRADER_ARGS": "--profile smoke --dataset fashion-mnist",
        "RUNNER_TEMP": str(tmp_path / "runner"),
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_REPOSITORY": f"course/{assignment}-student",
    }
    return subprocess.run(["bash", "-e", "-c", _grade_step()], cwd=repo, env=env, capture_output=True, text=True)


def test_the_workflow_grading_step_reports_points_the_github_classroom_way(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "assignments" / "01_tf_quickstart").mkdir(parents=True)
    shutil.copyfile(
        ROOT / "solutions" / "01_tf_quickstart" / "submission.py",
        repo / "assignments" / "01_tf_quickstart" / "submission.py",
    )
    runner_temp, github_output, summary = tmp_path / "runner", tmp_path / "github-output", tmp_path / "summary.md"
    step = run_grade_step(repo, tmp_path, "01_tf_quickstart")
    assert step.returncode == 0, step.stdout + step.stderr
    assert "Points 10/10" in step.stdout
    [line] = github_output.read_text(encoding="utf-8").splitlines()
    reported = json.loads(base64.b64decode(line.removeprefix("result=")))
    assert (reported["version"], reported["status"], reported["max_score"]) == (1, "pass", 10)
    assert sum(test["score"] for test in reported["tests"]) == 10
    assert "10" in summary.read_text(encoding="utf-8")
    results = gradescope.read(runner_temp / "out" / "results.json")
    assert results.status is SubmissionStatus.GRADED
    assert results.provenance["sandbox"]["versions"]["tensorflow"]
