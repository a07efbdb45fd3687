"""Shared fixtures: the real Fashion-MNIST from Debian's package, and grading helpers on the smoke profile."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from grader import datasets
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.results import AssignmentResult
from grader.spec import AssignmentSpec, load_spec

ROOT = Path(__file__).resolve().parent.parent
Grade = Callable[..., AssignmentResult]


@pytest.fixture(scope="session")
def fashion() -> datasets.Dataset:
    try:
        return datasets.load("fashion-mnist")
    except datasets.DatasetError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide Fashion-MNIST: {exc}")
        pytest.skip(f"Fashion-MNIST is not installed here: {exc}")


@pytest.fixture(scope="session")
def tf_spec() -> AssignmentSpec:
    return load_spec("01_tf_quickstart")


@pytest.fixture(scope="session")
def grade(tf_spec: AssignmentSpec, fashion: datasets.Dataset) -> Grade:
    """Grade a submission file of the TF quickstart on the smoke profile (Fashion-MNIST)."""

    def run(path: Path, name: str | None = None, **options: object) -> AssignmentResult:
        submission = Submission(name or path.stem, path)
        return grade_submission(tf_spec, submission, fashion, GradeOptions(profile="smoke", **options))  # type: ignore[arg-type]

    return run


def write_submission(folder: Path, name: str, source: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def reference_source() -> str:
    return (ROOT / "solutions" / "01_tf_quickstart" / "submission.py").read_text(encoding="utf-8")
