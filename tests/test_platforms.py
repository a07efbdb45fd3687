"""`grader export` and the platform entry points, run here in the platforms' own layouts (/autograder, /grade) without
a container: the packages each framework needs, the zip and the question folder, and a results file for every
problem a student or an instructor can cause. tests/test_docker_platforms.py replays the platforms in containers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.utils import canonicalize_name

from grader import course_key, images
from grader.cli import main
from grader.data import datasets
from grader.platforms import gradescope_entry, prairielearn_entry
from grader.platforms.requirements import Locked, RequirementsError, closure, for_framework, read_lock
from grader.platforms.settings import SETTINGS_FILE, PlatformSettings
from grader.spec import load_spec

from .conftest import ROOT

SOLUTIONS = ROOT / "solutions" / "01_tf_quickstart"
HANGUL = re.compile(r"[가-힣]")
LOCK = ROOT / "docker" / "cpu" / "requirements.lock"


def _wheelhouse_ready() -> None:
    folder = images.wheelhouse_dir("cpu")
    if not any(folder.glob("tensorflow_cpu-*.whl")):
        if os.environ.get("CI"):
            pytest.fail(f"CI builds the CPU image, which fills the wheelhouse {folder}")
        pytest.skip(f"no CPU wheelhouse at {folder} (grader image build cpu fills it)")


# --- what a platform installs -----------------------------------------------------------------------------------------


def test_a_tensorflow_assignment_installs_tensorflow_cpus_closure_only() -> None:
    _wheelhouse_ready()
    packages = for_framework("tensorflow").packages
    names = {locked.name for locked in packages}
    assert {"tensorflow-cpu", "keras", "numpy", "nbformat", "pydantic", "rich", "pyyaml"} <= names
    assert not {name for name in names if name.startswith(("torch", "nvidia-", "triton", "pytorch-", "cuda-"))}
    lock_lines = {locked.line for locked in read_lock(LOCK).values()}
    assert all(locked.line in lock_lines and "--hash=sha256:" in locked.line for locked in packages)


def test_a_torch_assignment_installs_torch_with_the_cuda_wheels_it_imports() -> None:
    _wheelhouse_ready()
    names = {locked.name for locked in for_framework("torch").packages}
    assert {"torch", "torchvision", "nvidia-cublas", "numpy", "nbformat"} <= names
    assert not names & {"tensorflow-cpu", "keras", "pytorch-lightning"}


def test_the_platform_side_imports_only_what_a_platform_installs() -> None:
    """The entry points run where only the assignment's locked packages are (setup.sh's venv, the grading image): none
    of the host's own dependencies (matplotlib for reports, the class session's) may be imported on the way."""
    _wheelhouse_ready()
    modules = "grader.platforms.gradescope_entry, grader.platforms.prairielearn_entry, grader.platforms.entry"
    code = f"import sys, {modules}\nprint(' '.join(sorted({{name.split('.')[0] for name in sys.modules}})))"
    imported = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True).stdout
    owners = metadata.packages_distributions()
    used = {canonicalize_name(owner) for name in imported.split() for owner in owners.get(name, [])} - {"grader"}
    assert used, imported
    assert used <= {locked.name for locked in for_framework("tensorflow").packages}


def _wheel(folder: Path, name: str, requires: list[str]) -> Path:
    path = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0", *(f"Requires-Dist: {r}" for r in requires)]
        archive.writestr(f"{name}-1.0.dist-info/METADATA", "\n".join(lines) + "\n")
    return path


def test_the_closure_follows_extras_and_skips_what_the_platform_does_not_need(tmp_path: Path) -> None:
    wheels = {
        "app": _wheel(tmp_path, "app", ["lib", "plug[fast]", 'winonly; sys_platform == "win32"']),
        "lib": _wheel(tmp_path, "lib", []),
        "plug": _wheel(tmp_path, "plug", ['speedup; extra == "fast"', 'docs; extra == "docs"']),
        "speedup": _wheel(tmp_path, "speedup", ["lib"]),
    }
    lock = {name: Locked(name, "1.0", f"{name}==1.0 --hash=sha256:0") for name in [*wheels, "winonly", "docs"]}
    found = closure(["app"], lock, lambda locked: wheels[locked.name])
    assert [locked.name for locked in found] == ["app", "lib", "plug", "speedup"]


def test_a_requirement_missing_from_the_lock_is_named_with_the_fix(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path, "app", ["ghost>=1"])
    with pytest.raises(RequirementsError, match=r"ghost \(needed by app\).*grader image lock cpu"):
        closure(["app"], {"app": Locked("app", "1.0", "app==1.0")}, lambda _locked: wheel)


# --- the Gradescope zip -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gradescope_zip(tmp_path_factory: pytest.TempPathFactory, fashion: datasets.Dataset) -> Path:
    _wheelhouse_ready()
    out = tmp_path_factory.mktemp("export") / "autograder.zip"
    args = ["--profile", "smoke", "--dataset", "fashion-mnist", "--out", str(out)]
    assert main(["export", "gradescope", "01_tf_quickstart", *args]) == 0
    return out


def test_the_zip_holds_what_gradescope_runs_and_nothing_of_the_solutions(gradescope_zip: Path) -> None:
    with zipfile.ZipFile(gradescope_zip) as archive:
        members = {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}
        settings = json.loads(archive.read(SETTINGS_FILE))
        requirements = archive.read("requirements.txt").decode().splitlines()
        run_autograder = archive.read("run_autograder").decode()
    assert members["setup.sh"] == members["run_autograder"] == 0o755
    assert members["assignment/assignment.yaml"] == 0o644
    assert {"grader/platforms/gradescope_entry.py", "grader/sandbox/__main__.py", "assignment/submission.py"} <= set(
        members
    )
    assert {f"data/fashion-mnist/{name}" for name in ("manifest.json", "train-images-idx3-ubyte.gz")} <= set(members)
    assert not [name for name in members if "solutions" in name or "__pycache__" in name or name.startswith("wheel")]
    assert settings == {
        "assignment": "01_tf_quickstart",
        "dataset": "fashion-mnist",
        "profile": "smoke",
        "lang": "en",
        "time_limit_s": None,
        "split_key": course_key.split_key(),  # the instructor's: the platform holds out the same images
    }
    assert any(line.startswith("tensorflow-cpu==2.21.0 --hash=sha256:") for line in requirements)
    fallback = run_autograder.split("<<'RESULTS'\n")[1].split("\nRESULTS")[0]
    assert json.loads(fallback)["score"] == 0 and "setup did not finish" in json.loads(fallback)["output"]


def test_an_export_without_the_dataset_says_how_to_get_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--dataset", "mnist", "--data-dir", str(tmp_path / "empty"), "--out", str(tmp_path / "a.zip")]
    assert main(["export", "gradescope", "01_tf_quickstart", *args]) == 2
    assert "grader data fetch mnist" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_an_unknown_assignment_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "prairielearn", "no_such_assignment", "--out", str(tmp_path / "q")]) == 2
    assert "01_tf_quickstart" in capsys.readouterr().err


# --- grading in Gradescope's layout ----------------------------------------------------------------------------------


@pytest.fixture
def autograder(tmp_path: Path, gradescope_zip: Path) -> Path:
    """Gradescope's /autograder: the zip unzipped in source/, an empty submission/."""
    with zipfile.ZipFile(gradescope_zip) as archive:
        archive.extractall(tmp_path / "source")
    (tmp_path / "submission").mkdir()
    return tmp_path


def _gradescope(root: Path) -> dict[str, Any]:
    assert gradescope_entry.main(["--root", str(root)]) == 0
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def _by_check(results: dict[str, Any]) -> dict[str, tuple[float, float, str]]:
    return {test["tags"][0]: (test["score"], test["max_score"], test["visibility"]) for test in results["tests"]}


def test_the_reference_earns_full_marks_and_keeps_gradescopes_visibility(autograder: Path) -> None:
    shutil.copyfile(SOLUTIONS / "submission.py", autograder / "submission" / "submission.py")
    results = _gradescope(autograder)
    checks = _by_check(results)
    assert results["score"] == 10 and all(score == top for score, top, _ in checks.values()), results["output"]
    assert checks["accuracy"][2] == "after_due_date" and checks["runs"][2] == "visible"


def test_a_submission_without_a_file_to_grade_scores_zero_and_says_what_to_upload(autograder: Path) -> None:
    (autograder / "submission" / "notes.txt").write_text("see attached", encoding="utf-8")
    results = _gradescope(autograder)
    assert results["score"] == 0 and len(results["tests"]) == 6
    assert "upload submission.py or submission.ipynb" in results["output"] and "notes.txt" in results["output"]


def test_a_korean_export_names_the_accepted_files_in_korean(autograder: Path) -> None:
    settings = PlatformSettings.read(autograder / "source")
    PlatformSettings(settings.assignment, settings.dataset, settings.profile, "ko").write(autograder / "source")
    (autograder / "submission" / "notes.txt").write_text("see attached", encoding="utf-8")
    output = _gradescope(autograder)["output"]
    assert "submission.py 또는 submission.ipynb (또는 .py 나 .ipynb 파일 하나)를 올려" in output
    assert " or " not in output


def test_grading_on_fashion_mnist_says_so_under_the_score_and_in_the_task_readme(
    autograder: Path, gradescope_zip: Path
) -> None:
    """The task says MNIST; this export grades on Fashion-MNIST: the student reads it in the result, and whoever
    hands out the zip's task README reads it there, in both languages."""
    shutil.copyfile(SOLUTIONS / "submission.py", autograder / "submission" / "submission.py")
    lines = _gradescope(autograder)["output"].splitlines()
    assert lines[0].startswith("01_tf_quickstart: 10/10 points (fashion-mnist")
    assert lines[1].startswith("This autograder grades on Fashion-MNIST, not on MNIST as the task says:")
    assert "tf.keras.datasets.mnist.load_data() in your code gives Fashion-MNIST images here" in lines[1]
    with zipfile.ZipFile(gradescope_zip) as archive:
        readme = archive.read("assignment/README.md").decode()
    title, _, rest = readme.partition("\n")
    assert title.startswith("# 01 · ") and rest.startswith("\n> This autograder grades on Fashion-MNIST")
    assert "> 이 자동 채점기는 과제 설명의 MNIST 대신 Fashion-MNIST로 채점합니다." in rest
    assert "tf.keras.datasets.mnist.load_data()가 여기서는" in rest


def test_several_candidate_files_are_listed_and_none_is_guessed(autograder: Path) -> None:
    for name in ("draft.py", "final.py"):
        shutil.copyfile(SOLUTIONS / "submission.py", autograder / "submission" / name)
    results = _gradescope(autograder)
    assert results["score"] == 0
    assert "draft.py, final.py" in results["output"] and "submit only one" in results["output"]


def test_a_lone_notebook_that_is_not_json_is_graded_and_told_to_download_it_again(autograder: Path) -> None:
    (autograder / "submission" / "homework.ipynb").write_text("{not json", encoding="utf-8")
    results = _gradescope(autograder)
    assert results["score"] == 0 and results["extra_data"]["status"] == "graded"
    assert "homework.ipynb cannot be read: it is not valid JSON" in json.dumps(results)


@pytest.mark.parametrize("broken", [SETTINGS_FILE, "assignment"])
def test_a_broken_export_tells_the_student_it_is_not_their_score(autograder: Path, broken: str) -> None:
    target = autograder / "source" / broken
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    shutil.copyfile(SOLUTIONS / "submission.py", autograder / "submission" / "submission.py")
    results = _gradescope(autograder)
    assert results["score"] == 0 and results["extra_data"]["status"] == "not_graded"
    assert "This is not your score" in results["output"] and "grader export gradescope" in results["output"]


def test_a_dataset_missing_in_the_environment_says_what_the_instructor_must_do(
    autograder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(autograder / "source" / "data")
    settings = PlatformSettings.read(autograder / "source")
    PlatformSettings("01_tf_quickstart", "mnist", settings.profile, "ko").write(autograder / "source")
    monkeypatch.setenv("GRADER_DATA_DIR", str(autograder / "no-data"))
    shutil.copyfile(SOLUTIONS / "submission.py", autograder / "submission" / "submission.py")
    results = _gradescope(autograder)
    assert results["extra_data"]["status"] == "not_graded"
    assert "mnist" in results["output"] and "grader data fetch mnist" in results["output"]
    assert HANGUL.search(results["output"])


def test_a_crash_of_the_grader_still_leaves_a_result(autograder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(gradescope_entry, "grade", broken)
    shutil.copyfile(SOLUTIONS / "submission.py", autograder / "submission" / "submission.py")
    results = _gradescope(autograder)
    assert results["score"] == 0
    assert "The autograder itself failed (RuntimeError: disk on fire)" in results["output"]


# --- the PrairieLearn question and its entry point -------------------------------------------------------------------


def _export_question(out: Path, *options: str) -> dict[str, Any]:
    assert main(["export", "prairielearn", "01_tf_quickstart", "--out", str(out), *options]) == 0
    return json.loads((out / "info.json").read_text(encoding="utf-8"))


def test_the_question_is_externally_graded_by_the_image_with_a_stable_uuid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    info = _export_question(tmp_path / "a", "--profile", "smoke", "--image", "registry.example/grader:1")
    again = _export_question(tmp_path / "b")
    other = main(["export", "prairielearn", "02_torch_loop", "--out", str(tmp_path / "c"), "--dataset", "mnist"])
    assert other == 0 and "job timeout 600 s" in capsys.readouterr().out
    assert info["uuid"] == again["uuid"] != json.loads((tmp_path / "c" / "info.json").read_text())["uuid"]
    assert (info["singleVariant"], info["gradingMethod"], info["type"]) == (True, "External", "v3")
    options = info["externalGradingOptions"]
    assert options["enabled"] is True and options["image"] == "registry.example/grader:1"
    assert options["entrypoint"].split() == [
        "/opt/venv/bin/python",
        "-m",
        "grader.platforms.prairielearn_entry",
        "--run-as",
        "grader",
    ]
    assert options["timeout"] == 360 and options["enableNetworking"] is False
    assert again["externalGradingOptions"]["timeout"] == 600
    assert PlatformSettings.read(tmp_path / "b" / "tests").time_limit_s == 540
    assert load_spec(tmp_path / "a" / "tests" / "assignment").id == "01_tf_quickstart"


def test_the_question_shows_the_task_in_both_languages_and_uploads_the_accepted_files(tmp_path: Path) -> None:
    _export_question(tmp_path / "q")
    (tmp_path / "q" / "tests" / "stale.txt").write_text("old", encoding="utf-8")
    (tmp_path / "q" / "server.py").write_text("# the instructor's own", encoding="utf-8")
    _export_question(tmp_path / "q")
    page = (tmp_path / "q" / "question.html").read_text(encoding="utf-8")
    assert '<pl-file-upload optional-file-names="submission.py, submission.ipynb"></pl-file-upload>' in page
    assert "무엇을 만드나요" in page and "What you build" in page and "<table>" in page
    assert "{" not in page and "<pl-external-grader-results>" in page
    assert sorted(p.name for p in (tmp_path / "q" / "clientFilesQuestion").iterdir()) == [
        "submission.ipynb",
        "submission.py",
    ]
    assert not (tmp_path / "q" / "tests" / "stale.txt").exists() and (tmp_path / "q" / "server.py").exists()


REPOSITORY_WORDS = re.compile(r"repository|저장소|this folder|이 폴더|README|grader (check|run) |<!--|-->")


@pytest.mark.parametrize("assignment", sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.yaml")))
def test_the_question_names_only_files_the_student_gets(tmp_path: Path, assignment: str) -> None:
    """PrairieLearn's students have the page, the skeletons it offers for download and the upload: the page names no
    other file of the assignment folder (calibration.md, the spec) and sends nobody to the repository."""
    assert main(["export", "prairielearn", assignment, "--out", str(tmp_path / "q"), "--dataset", "mnist"]) == 0
    page = (tmp_path / "q" / "question.html").read_text(encoding="utf-8")
    given = {path.name for path in (tmp_path / "q" / "clientFilesQuestion").iterdir()}
    held = {path.name for path in (ROOT / "assignments" / assignment).iterdir()} - given
    assert given == {"submission.py", "submission.ipynb"}
    assert all(f'<pl-file-download file-name="{name}"' in page for name in given)
    assert [name for name in held if name in page] == []
    assert REPOSITORY_WORDS.findall(page) == []
    headings = re.findall(r"<h3>(\d+)\. ", page)
    assert headings == [str(n) for n in range(1, len(headings) // 2 + 1)] * 2  # no gap where a section was left out
    assert "Fashion-MNIST" not in page.split("<table>")[0]  # MNIST, as the task says: no note


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_question_graded_on_fashion_mnist_says_so_under_its_title(tmp_path: Path, lang: str) -> None:
    options = ["--dataset", "fashion-mnist", "--lang", lang]
    assert main(["export", "prairielearn", "02_torch_loop", "--out", str(tmp_path / "q"), *options]) == 0
    page = (tmp_path / "q" / "question.html").read_text(encoding="utf-8")
    title, _, rest = page.partition("</h1>\n")
    english = "<p><strong>This autograder grades on Fashion-MNIST, not on MNIST as the task says: "
    korean = "<p><strong>이 자동 채점기는 과제 설명의 MNIST 대신 Fashion-MNIST로 채점합니다. "
    assert title.startswith("<pl-question-panel>\n<h1>02 · ") and rest.startswith(english)
    assert korean in rest.split("<h2>")[0] and "torchvision.datasets.MNIST" in rest.split("<h2>")[0]
    shipped = (tmp_path / "q" / "tests" / "assignment" / "README.md").read_text(encoding="utf-8")
    assert "> This autograder grades on Fashion-MNIST" in shipped and "> 이 자동 채점기는" in shipped
    info = json.loads((tmp_path / "q" / "info.json").read_text(encoding="utf-8"))
    assert info["title"] == load_spec("02_torch_loop").title_in(lang)


@pytest.fixture
def grade_folder(tmp_path: Path, fashion: datasets.Dataset) -> Callable[..., Path]:
    """PrairieLearn's /grade for a question exported with `options`: tests/, student/, data/data.json."""

    def make(data: dict[str, Any], *options: str) -> Path:
        _export_question(tmp_path / "question", "--profile", "smoke", "--dataset", "fashion-mnist", *options)
        root = tmp_path / "grade"
        shutil.copytree(tmp_path / "question" / "tests", root / "tests")
        for name in ("student", "data", "serverFilesCourse"):
            (root / name).mkdir()
        (root / "data" / "data.json").write_text(json.dumps(data), encoding="utf-8")
        return root

    return make


def _prairielearn(root: Path) -> dict[str, Any]:
    assert prairielearn_entry.main(["--root", str(root)]) == 0
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_a_flawed_submission_loses_its_points_and_the_later_checks_stay_folded(
    grade_folder: Callable[..., Path],
) -> None:
    root = grade_folder({"gradable": True, "submitted_answers": {}, "format_errors": {}})
    shutil.copyfile(SOLUTIONS / "examples" / "dense64.py", root / "student" / "submission.py")
    results = _prairielearn(root)
    expected = yaml.safe_load((SOLUTIONS / "examples" / "expected.yaml").read_text())["dense64"]["loses"]
    spec = load_spec("01_tf_quickstart")
    lost = sum(spec.check(check_id).points for check_id in expected)
    assert results["gradable"] is True and results["score"] == pytest.approx((10 - lost) / 10)
    tests = {test["name"]: test for test in results["tests"]}
    assert tests[spec.check("architecture").title()]["points"] == 0
    assert "1 check" in results["tests"][-1]["name"] and results["tests"][-1]["output"] == ""


def test_a_submission_prairielearn_marked_not_gradable_is_not_graded(
    grade_folder: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = grade_folder({"gradable": False, "format_errors": {"_files": ["No submitted answer for file upload."]}})
    monkeypatch.setattr(prairielearn_entry, "grade", lambda *_args: pytest.fail("a not-gradable submission was graded"))
    results = prairielearn_entry.grade_prairielearn(root, None)
    assert results["gradable"] is False and "score" not in results
    assert results["format_errors"] == ["No submitted answer for file upload."]
    assert "does not count" in results["message"]


def test_a_missing_file_is_not_gradable_and_says_so_in_the_questions_language(
    grade_folder: Callable[..., Path],
) -> None:
    root = grade_folder({"gradable": True}, "--lang", "ko")
    results = _prairielearn(root)
    assert results["gradable"] is False and "score" not in results
    assert "submission.py 또는 submission.ipynb" in results["format_errors"][0]  # no English left in Korean
    assert HANGUL.search(results["format_errors"][0])
