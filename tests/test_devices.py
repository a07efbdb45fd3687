"""Device selection for the PyTorch assignments: CPU unless CUDA is both requested and present."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.results import SubmissionStatus
from grader.sandbox.torch_common import DeviceUnavailable, select_device

from .conftest import ROOT, Grade
from .test_examples import CASES, assert_loses_exactly_its_checks

REFERENCES = {name: ROOT / "solutions" / name / "submission.py" for name in ("02_torch_loop", "03_lightning_module")}


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.parametrize("cuda_available", [True, False])
def test_cpu_is_used_when_asked_for_whatever_the_machine_has(cuda_available: bool) -> None:
    assert select_device("cpu", cuda_available) == "cpu"


def test_cuda_is_used_when_asked_for_and_present() -> None:
    assert select_device("cuda", True) == "cuda"


def test_cuda_asked_for_but_absent_is_a_harness_error() -> None:
    with pytest.raises(DeviceUnavailable, match="no CUDA GPU is visible"):
        select_device("cuda", False)


def test_unknown_device_is_refused() -> None:
    with pytest.raises(DeviceUnavailable, match="unknown device"):
        select_device("tpu", True)


@pytest.mark.skipif(_cuda_available(), reason="this machine has a GPU: the missing-GPU path cannot be shown here")
def test_grading_on_cuda_without_a_gpu_is_not_graded_never_a_zero(grade_as: Callable[[str], Grade]) -> None:
    result = grade_as("02_torch_loop")(REFERENCES["02_torch_loop"], device="cuda")
    assert result.status is SubmissionStatus.NOT_GRADED
    assert "CUDA was requested" in result.output
    assert "not a score you earned" in result.output


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("assignment", sorted(REFERENCES))
def test_references_earn_full_marks_on_cuda(grade_as: Callable[[str], Grade], assignment: str) -> None:
    result = grade_as(assignment)(REFERENCES[assignment], device="cuda")
    assert result.score == result.max_score
    sandbox = result.provenance["sandbox"]
    assert sandbox["device"] == "cuda"
    assert sandbox["gpu"]


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize(("assignment", "name"), [case for case in CASES if case[0] in REFERENCES])
def test_examples_lose_the_same_checks_on_cuda(grade_as: Callable[[str], Grade], assignment: str, name: str) -> None:
    assert_loses_exactly_its_checks(grade_as, assignment, name, device="cuda")
