"""Shared fixtures: the real Fashion-MNIST from Debian's package, and grading helpers on the smoke profile."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grader import course_key
from grader.data import datasets
from grader.grading import GradeOptions, grade_submission, missing_result
from grader.job import Submission
from grader.results import AssignmentResult
from grader.spec import AssignmentSpec, load_spec
from grader.submissions import Accepted, Missing, find_submission

ROOT = Path(__file__).resolve().parent.parent
Grade = Callable[..., AssignmentResult]

# One fixed course key for every test and every process a test starts: the held-out split (and so every accuracy the
# expectations name) is the same on every machine, and no test writes a key into the home folder.
os.environ[course_key.KEY_FILE_ENV] = str(ROOT / "tests" / "course.key")


PIPELINE_FIXTURES = frozenset({"fashion"})
"""Grading through the pipeline needs the real dataset: a test that asks for it (directly or through `grade`,
`grade_as` or another fixture) grades, and so does every Docker or GPU test."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--quick", action="store_true", help="the unit tests alone: deselect `pipeline` (nox -s quick)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `pipeline` every test that grades; with --quick, run the others alone."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & PIPELINE_FIXTURES or any(item.get_closest_marker(m) for m in ("docker", "gpu", "slow")):
            item.add_marker(pytest.mark.pipeline)
    if config.getoption("--quick"):
        deselected = [item for item in items if item.get_closest_marker("pipeline") is not None]
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.get_closest_marker("pipeline") is None]


@pytest.fixture(autouse=True)
def _no_grading_in_the_quick_lane(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the quick lane, running student code (a grading's runs, a runner, `grader run`) fails the test: a test
    that grades must be marked `pipeline`, so the lane stays a unit lane as tests are added."""
    if not request.config.getoption("--quick"):
        return

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("this test runs student code: mark it `pipeline` (or give it the `fashion` fixture)")

    for target in (
        "grader.grading.run_stages",
        "grader.runners.local.LocalRunner.run",
        "grader.runners.docker.DockerRunner.run",
        "grader.student.run._execute",
    ):
        monkeypatch.setattr(target, refuse)


@pytest.fixture(autouse=True)
def _docker_only_when_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that is not marked `docker` fails if it tries to reach the Docker engine."""
    if request.node.get_closest_marker("docker") is None:

        def refuse() -> str:
            raise AssertionError("this test is not marked `docker` but tried to reach the Docker engine")

        monkeypatch.setattr("grader.images.engine_available", refuse)
        monkeypatch.setattr("grader.runners.docker.engine_available", refuse)


@pytest.fixture(scope="session")
def fashion() -> datasets.Dataset:
    try:
        return datasets.load("fashion-mnist")
    except datasets.DatasetError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide Fashion-MNIST: {exc}")
        pytest.skip(f"Fashion-MNIST is not installed here: {exc}")


@pytest.fixture(scope="session")
def grade_as(fashion: datasets.Dataset) -> Callable[[str], Grade]:
    """`grade_as(assignment)(path, ...)` grades a submission file on the smoke profile (Fashion-MNIST)."""
    specs: dict[str, AssignmentSpec] = {}

    def for_assignment(assignment: str) -> Grade:
        spec = specs.setdefault(assignment, load_spec(assignment))

        def run(path: Path, name: str | None = None, **options: object) -> AssignmentResult:
            """As `grader grade` finds it: a link out of the file's folder is refused, not graded."""
            grade_options = GradeOptions(profile="smoke", **options)  # type: ignore[arg-type]
            found = find_submission(path, Accepted.of(spec))
            if isinstance(found, Missing):
                return missing_result(spec, name or path.stem, found.reason, "en", found.label)
            return grade_submission(spec, Submission(name or path.stem, found.entry), fashion, grade_options)

        return run

    return for_assignment


@pytest.fixture(scope="session")
def grade(grade_as: Callable[[str], Grade]) -> Grade:
    """Grade a submission of the TF quickstart on the smoke profile."""
    return grade_as("01_tf_quickstart")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder under /tmp that every user may enter and write in (pytest's own are their owner's alone): for a grader
    or a run that is not the test's own user."""
    folder = Path(tempfile.mkdtemp(prefix="grader-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_submission(folder: Path, name: str, source: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def reference_source(assignment: str = "01_tf_quickstart") -> str:
    return (ROOT / "solutions" / assignment / "submission.py").read_text(encoding="utf-8")
