"""The platforms replayed in containers. Gradescope: the zip unzipped to /autograder/source in a bare Debian (the
project's base image), setup.sh run offline from the host's wheelhouse, then run_autograder per submission; and
run_autograder alone in the project's grading image. PrairieLearn: the question's entry point run in the grading image
(started as root, as PrairieLearn's own images are) with the /grade layout PrairieLearn mounts. Every image and
container made here is removed at the end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader import images
from grader.cli import main
from grader.spec import load_spec

from .conftest import ROOT
from .test_attacks import ATTACKS, check_attack
from .test_docker_backend import require_cpu_image
from .test_examples import EXPECTED as EXPECTED_ALL
from .test_examples import example_path

pytestmark = pytest.mark.docker
SOLUTIONS = ROOT / "solutions" / "01_tf_quickstart"
EXPECTED = yaml.safe_load((SOLUTIONS / "examples" / "expected.yaml").read_text(encoding="utf-8"))
SPEC = load_spec("01_tf_quickstart")
SETUP_LIMIT_S = 900
GRADING_LIMIT_S = 300


def _docker(*args: str, timeout: float = GRADING_LIMIT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)


def _require(image: str) -> None:
    reason = images.engine_available() or (None if images.inspect(image) else f"the image {image} is not built")
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must run the Docker tests: {reason}")
    if reason:
        pytest.skip(reason)


def _unzip(archive: Path, target: Path) -> None:
    """As Gradescope's unzip does it: the members' Unix modes kept (Python's zipfile alone drops them)."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            path = Path(opened.extract(info, target))
            path.chmod((info.external_attr >> 16) & 0o777 or 0o644)


def _lost_points(example: str) -> float:
    return sum(SPEC.check(check_id).points for check_id in EXPECTED[example]["loses"])


def _submission(folder: Path, source: Path, name: str) -> Path:
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / name)
    return folder


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 01 autograder (smoke profile, Fashion-MNIST), unzipped in source/ beside the zip."""
    folder = tmp_path_factory.mktemp("gradescope")
    args = ["--profile", "smoke", "--dataset", "fashion-mnist", "--out", str(folder / "autograder.zip")]
    assert main(["export", "gradescope", "01_tf_quickstart", *args]) == 0
    _unzip(folder / "autograder.zip", folder / "source")
    return folder


@pytest.fixture(scope="module")
def gradescope_image(exported: Path) -> Iterator[str]:
    """Gradescope's build, replayed once: unzip, `setup.sh` offline from the host's wheelhouse (mounted read-only),
    run_autograder copied to /autograder; the container committed as a temporary image."""
    _require(images.BASE_IMAGE)
    wheelhouse = images.wheelhouse_dir("cpu")
    name, tag = f"grader-gs-setup-{uuid.uuid4().hex[:8]}", f"grader-gs-test:{uuid.uuid4().hex[:8]}"
    script = (
        "set -e; mkdir -p /autograder/source /autograder/submission /autograder/results; "
        "cp -a /export/source/. /autograder/source/; cp /autograder/source/run_autograder /autograder/run_autograder; "
        "cd /autograder/source && ./setup.sh"
    )
    started = time.perf_counter()
    setup = _docker(
        "run", "--name", name, "--network", "none", "-e", "PIP_NO_INDEX=1", "-e", "PIP_FIND_LINKS=/wheelhouse",
        "-v", f"{wheelhouse}:/wheelhouse:ro", "-v", f"{exported}:/export:ro", images.BASE_IMAGE, "bash", "-c", script,
        timeout=SETUP_LIMIT_S,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    try:
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        assert "autograder ready: Python 3.11" in setup.stdout
        print(f"setup.sh installed the autograder offline in {seconds:.0f} s")
        assert _docker("commit", name, tag).returncode == 0
        yield tag
    finally:
        _docker("rm", "-f", name)
        _docker("rmi", "-f", tag)


def _run_autograder(submission: Path, results: Path, *command: str, mounts: tuple[str, ...] = ()) -> dict[str, Any]:
    """One submission, as Gradescope grades it: `command` (an image and its run_autograder) with the files in
    /autograder/submission, then /autograder/results/results.json read back."""
    results.mkdir(parents=True)  # root's, as on Gradescope: the grader writes it as root, student code cannot
    volumes = ["-v", f"{submission}:/autograder/submission:ro", "-v", f"{results}:/autograder/results", *mounts]
    done = _docker("run", "--rm", "--network", "none", "--user", "0", *volumes, *command)  # as Gradescope: root
    output = results / "results.json"
    assert output.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(output.read_text(encoding="utf-8"))


def _by_check(results: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {test["tags"][0]: (test["score"], test["max_score"]) for test in results["tests"]}


def _gradescope(image: str, tmp_path: Path, source: Path, name: str) -> dict[str, Any]:
    submission = _submission(tmp_path / "submission", source, name)
    return _run_autograder(submission, tmp_path / "results", image, "/autograder/run_autograder")


def test_gradescope_the_reference_earns_full_visible_points(gradescope_image: str, tmp_path: Path) -> None:
    results = _gradescope(gradescope_image, tmp_path, SOLUTIONS / "submission.py", "submission.py")
    assert results["score"] == SPEC.max_score, results["output"]
    visible = [test for test in results["tests"] if test["visibility"] == "visible"]
    assert visible and all(test["score"] == test["max_score"] for test in visible)
    assert {test["visibility"] for test in results["tests"]} == {"visible", "after_due_date"}


def test_gradescope_a_flawed_example_loses_exactly_its_points(gradescope_image: str, tmp_path: Path) -> None:
    example = "labels_not_onehot"
    results = _gradescope(gradescope_image, tmp_path, SOLUTIONS / "examples" / f"{example}.py", "submission.py")
    assert results["score"] == SPEC.max_score - _lost_points(example), results["output"]
    lost = sorted(check for check, (score, top) in _by_check(results).items() if score < top)
    assert lost == sorted(EXPECTED[example]["loses"])


def test_gradescope_a_notebook_of_any_name_is_graded(gradescope_image: str, tmp_path: Path) -> None:
    results = _gradescope(gradescope_image, tmp_path, SOLUTIONS / "submission.ipynb", "homework.ipynb")
    assert results["score"] == SPEC.max_score, results["output"]
    assert "homework.ipynb" in results["output"]


def test_gradescope_student_code_does_not_run_as_root(gradescope_image: str, tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nprint('student uid', os.geteuid())\nraise SystemExit(3)\n", encoding="utf-8")
    results = _gradescope(gradescope_image, tmp_path, probe, "submission.py")
    assert "student uid " in results["output"] and "student uid 0\n" not in results["output"]


def test_gradescope_an_empty_submission_says_what_to_upload(gradescope_image: str, tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    results = _run_autograder(
        tmp_path / "submission", tmp_path / "results", gradescope_image, "/autograder/run_autograder"
    )
    assert results["score"] == 0 and "upload submission.py or submission.ipynb" in results["output"]


def test_gradescope_run_autograder_without_setup_still_writes_results(exported: Path, tmp_path: Path) -> None:
    _require(images.BASE_IMAGE)
    submission = _submission(tmp_path / "submission", SOLUTIONS / "submission.py", "submission.py")
    source = ("-v", f"{exported / 'source'}:/autograder/source:ro")
    command = (images.BASE_IMAGE, "/autograder/source/run_autograder")
    results = _run_autograder(submission, tmp_path / "results", *command, mounts=source)
    assert results["score"] == 0 and "setup did not finish" in results["output"]


PROBE = (
    "import os\n"
    "for path in ('/autograder/source/grader-platform.json', '/autograder/source/data'):\n"
    "    try:\n"
    "        os.listdir(path) if os.path.isdir(path) else open(path).read(1)\n"
    "        print('readable', path)\n"
    "    except OSError:\n"
    "        print('refused', path)\n"
    "raise SystemExit(3)\n"
)


def _readme_replay() -> str:
    """The README's command that replays a Gradescope export locally, as an instructor pastes it."""
    page = (ROOT / "docs" / "platforms" / "gradescope.md").read_text(encoding="utf-8")
    section = page.split("**Replaying an export before uploading it.**")[1]
    return section.split("```bash\n", 1)[1].split("\n```", 1)[0]


def _pasted(block: str, folder: Path, zipped: Path, student: Path) -> dict[str, Any]:
    """The block run in `folder`, holding what the README says it needs: the zip under the name it gives and
    `submission/` with the student's file."""
    folder.mkdir()
    shutil.copyfile(zipped, folder / "01-autograder.zip")
    _submission(folder / "submission", student, "submission.py")
    done = subprocess.run(
        ["bash", "-e", "-c", block], cwd=folder, capture_output=True, text=True, timeout=GRADING_LIMIT_S, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((folder / "results" / "results.json").read_text(encoding="utf-8"))
    assert json.loads(done.stdout) == results  # the block ends by showing it
    return results


def test_gradescope_the_readmes_replay_command_grades_as_gradescope_does(exported: Path, tmp_path: Path) -> None:
    require_cpu_image()
    block = _readme_replay()
    assert f" {images.image_tag('cpu')} " in block  # the image `nox -s images` builds
    reference = _pasted(block, tmp_path / "reference", exported / "autograder.zip", SOLUTIONS / "submission.py")
    assert reference["score"] == SPEC.max_score, reference["output"]
    assert reference["extra_data"]["provenance"]["run"]["isolation"] == "user"
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    output = _pasted(block, tmp_path / "probe", exported / "autograder.zip", probe)["output"]
    assert "refused /autograder/source/grader-platform.json" in output and "readable" not in output


def _private_source(exported: Path, folder: Path) -> Path:
    """The unzipped export as setup.sh leaves it: root's alone (its dataset, its settings)."""
    source = Path(shutil.copytree(exported / "source", folder))
    for path in (source, *source.rglob("*")):
        path.chmod((path.stat().st_mode & 0o700) | (0o100 if path.is_dir() else 0))
    return source


def test_gradescope_run_autograder_works_in_the_grading_image(exported: Path, tmp_path: Path) -> None:
    require_cpu_image()
    submission = _submission(tmp_path / "submission", SOLUTIONS / "submission.py", "submission.py")
    source = ("-v", f"{_private_source(exported, tmp_path / 'source')}:/autograder/source:ro")
    command = (images.image_tag("cpu"), "/autograder/source/run_autograder")
    results = _run_autograder(submission, tmp_path / "results", *command, mounts=source)
    assert results["score"] == SPEC.max_score, results["output"]
    assert results["extra_data"]["provenance"]["sandbox"]["versions"]["tensorflow"]


# --- PrairieLearn -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prairielearn_image() -> Iterator[str]:
    """docker/prairielearn/Dockerfile on the current CPU grading image, under a temporary tag."""
    require_cpu_image()
    tag = f"grader-pl-test:{uuid.uuid4().hex[:8]}"
    arg = f"IMAGE={images.image_tag('cpu')}"
    built = _docker("build", "-q", "-t", tag, "--build-arg", arg, str(ROOT / "docker" / "prairielearn"))
    try:
        assert built.returncode == 0, built.stderr
        yield tag
    finally:
        _docker("rmi", "-f", tag)


@pytest.fixture(scope="module")
def question(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prairielearn") / "question"
    args = ["--profile", "smoke", "--dataset", "fashion-mnist", "--out", str(out)]
    assert main(["export", "prairielearn", "01_tf_quickstart", *args]) == 0
    return out


def _prairielearn(image: str, question: Path, tmp_path: Path, student: Path | None, gradable: bool = True) -> Any:
    """One job, as PrairieLearn runs it: /grade (tests/, student/, data/data.json, serverFilesCourse/; no results/)
    in a folder only root may enter, no network, info.json's entry point; results/results.json read back."""
    grade = tmp_path / "grade"
    shutil.copytree(question / "tests", grade / "tests")
    if student is None:
        (grade / "student").mkdir(parents=True)
    else:
        shutil.copytree(student, grade / "student")
    (grade / "serverFilesCourse").mkdir()
    (grade / "data").mkdir()
    data = {"gradable": gradable, "submitted_answers": {}, "format_errors": {} if gradable else {"_files": ["bad"]}}
    (grade / "data" / "data.json").write_text(json.dumps(data), encoding="utf-8")
    grade.chmod(0o700)
    info = json.loads((question / "info.json").read_text(encoding="utf-8"))["externalGradingOptions"]
    program, *args = info["entrypoint"].split(" ")
    done = _docker("run", "--rm", "--network", "none", "-v", f"{grade}:/grade", "--entrypoint", program, image, *args)
    results = grade / "results" / "results.json"
    assert results.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(results.read_text(encoding="utf-8"))


def test_prairielearn_the_reference_scores_one(prairielearn_image: str, question: Path, tmp_path: Path) -> None:
    student = _submission(tmp_path / "student", SOLUTIONS / "submission.py", "submission.py")
    results = _prairielearn(prairielearn_image, question, tmp_path, student)
    assert results["gradable"] is True and results["score"] == 1.0, results["output"]


def test_prairielearn_a_flawed_example_loses_exactly_its_points(
    prairielearn_image: str, question: Path, tmp_path: Path
) -> None:
    student = _submission(tmp_path / "student", SOLUTIONS / "examples" / "dense64.py", "submission.py")
    results = _prairielearn(prairielearn_image, question, tmp_path, student)
    assert results["score"] == pytest.approx((SPEC.max_score - _lost_points("dense64")) / SPEC.max_score)
    lost = {test["name"] for test in results["tests"] if test.get("points", 0) < test.get("max_points", 0)}
    assert lost == {SPEC.check(check_id).title() for check_id in EXPECTED["dense64"]["loses"]}


def test_prairielearn_not_gradable_is_honoured(prairielearn_image: str, question: Path, tmp_path: Path) -> None:
    student = _submission(tmp_path / "student", SOLUTIONS / "submission.py", "submission.py")
    results = _prairielearn(prairielearn_image, question, tmp_path, student, gradable=False)
    assert results["gradable"] is False and results["format_errors"] == ["bad"] and "score" not in results


def test_prairielearn_a_dataset_missing_in_the_image_says_what_to_do(prairielearn_image: str, tmp_path: Path) -> None:
    listed = _docker("run", "--rm", "--entrypoint", "ls", prairielearn_image, "/opt/grader-data").stdout.split()
    if "mnist" in listed:
        pytest.skip("this grading image holds MNIST")
    out = tmp_path / "question"
    assert main(["export", "prairielearn", "01_tf_quickstart", "--dataset", "mnist", "--out", str(out)]) == 0
    student = _submission(tmp_path / "student", SOLUTIONS / "submission.py", "submission.py")
    results = _prairielearn(prairielearn_image, out, tmp_path, student)
    assert results["gradable"] is False and "score" not in results
    assert "mnist" in results["format_errors"][0] and "not your score" in results["format_errors"][0]


# --- the attacks, replayed on both platforms ---------------------------------------------------------------------

LISTENER = (
    "import socket\n"
    "server = socket.create_server(('127.0.0.1', 47613))\n"
    "while True:\n"
    "    connection, _ = server.accept()\n"
    "    connection.sendall(b'grader-network-test')\n"
    "    connection.close()\n"
)
LEFTOVERS = (
    "import pathlib, sys\n"
    "uid = sys.argv[1]\n"
    "live = [p.name for p in pathlib.Path('/proc').iterdir() if p.name.isdigit() and any(\n"
    "    l.split()[1:2] == [uid] for l in (p / 'status').read_text().splitlines() if l.startswith('Uid:'))]\n"
    "print(' '.join(live))\n"
)


def _attack_submissions(folder: Path, assignment: str) -> list[str]:
    """One folder per submission, as a student would upload it: the reference (an honest classmate) and each attack,
    named as the platform expects (a notebook keeps its suffix; a link stays a link)."""
    names = ["reference", *ATTACKS[assignment]]
    for name in names:
        source = (
            ROOT / "solutions" / assignment / "submission.py" if name == "reference" else example_path(assignment, name)
        )
        target = folder / name / ("submission" + source.suffix)
        target.parent.mkdir(parents=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        else:
            shutil.copyfile(source, target)
    return names


def _replay(image: str, script: str, mounts: list[str], out: Path) -> None:
    """The platform's root process, in one container for every submission of an assignment (each a fresh grading),
    with a listener on the container's own loopback for `network_from_subprocess`."""
    (out / "listener.py").write_text(LISTENER, encoding="utf-8")
    (out / "leftovers.py").write_text(LEFTOVERS, encoding="utf-8")
    volumes = [arg for mount in [*mounts, f"{out}:/out"] for arg in ("-v", mount)]
    listen, leftovers = "(python3 /out/listener.py &); sleep 1", "sleep 6; python3 /out/leftovers.py 10001 > /out/left"
    done = _docker(
        "run", "--rm", "--network", "none", "--user", "0", *volumes, "--entrypoint", "bash", image, "-c",
        f"set -e; {listen}; {script}; {leftovers}", timeout=1500,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (out / "left").read_text().strip() == "", "processes of student code outlived their runs"


def _points_lost(assignment: str, name: str) -> float:
    spec = load_spec(assignment)
    return sum(spec.check(check_id).points for check_id in EXPECTED_ALL[assignment][name]["loses"])


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(ATTACKS))
def test_gradescope_attacks_earn_nothing(assignment: str, tmp_path: Path) -> None:
    """run_autograder as Gradescope runs it (root, the export root's alone), once per submission."""
    require_cpu_image()
    export = tmp_path / "export"
    args = ["--profile", "smoke", "--dataset", "fashion-mnist", "--out", str(export / "autograder.zip")]
    assert main(["export", "gradescope", assignment, *args]) == 0
    _unzip(export / "autograder.zip", export / "source")
    names = _attack_submissions(tmp_path / "subs", assignment)
    out = tmp_path / "out"
    out.mkdir()
    each = (
        "rm -rf /autograder/submission /autograder/results; mkdir -p /autograder/results; "
        "cp -a /subs/$n /autograder/submission; /autograder/source/run_autograder; "
        "cp /autograder/results/results.json /out/$n.json"
    )
    script = (
        f"mkdir -p /autograder; cp -a /export/source /autograder/source; for n in {' '.join(names)}; do {each}; done"
    )
    _replay(images.image_tag("cpu"), script, [f"{export}:/export:ro", f"{tmp_path / 'subs'}:/subs:ro"], out)
    results = {name: json.loads((out / f"{name}.json").read_text(encoding="utf-8")) for name in names}
    assert results["reference"]["score"] == 10, results["reference"]["output"]
    assert results["reference"]["extra_data"]["provenance"]["run"]["isolation"] == "user"
    for name in names[1:]:
        check_attack(assignment, name, results[name])


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(ATTACKS))
def test_prairielearn_attacks_earn_nothing(assignment: str, prairielearn_image: str, tmp_path: Path) -> None:
    """The question's entry point as PrairieLearn runs it (root, /grade root's alone), once per submission."""
    question = tmp_path / "question"
    assert main(["export", "prairielearn", assignment, "--profile", "smoke", "--dataset", "fashion-mnist",
                 "--out", str(question)]) == 0  # fmt: skip
    entrypoint = json.loads((question / "info.json").read_text(encoding="utf-8"))["externalGradingOptions"]
    names = _attack_submissions(tmp_path / "subs", assignment)
    out = tmp_path / "out"
    out.mkdir()
    data = json.dumps({"gradable": True, "submitted_answers": {}, "format_errors": {}})
    each = (
        "rm -rf /grade; mkdir -m 700 /grade; cp -a /question/tests /grade/tests; cp -a /subs/$n /grade/student; "
        f"mkdir /grade/data /grade/serverFilesCourse; echo '{data}' > /grade/data/data.json; "
        f"{entrypoint['entrypoint']}; cp /grade/results/results.json /out/$n.json"
    )
    script = f"for n in {' '.join(names)}; do {each}; done"
    _replay(prairielearn_image, script, [f"{question}:/question:ro", f"{tmp_path / 'subs'}:/subs:ro"], out)
    for name in names:
        results = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        expected = EXPECTED_ALL[assignment].get(name, {"loses": []})
        if expected.get("status") == "missing":
            assert results["gradable"] is False and "symbolic link" in results["message"]
            continue
        lost = 0.0 if name == "reference" else _points_lost(assignment, name)
        assert results["score"] == pytest.approx((10 - lost) / 10), results.get("message")
