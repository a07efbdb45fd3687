"""Behavioural checks of the PyTorch loop on submissions written inline: what the student's code *does* decides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.results import Status

from .conftest import Grade, reference_source, write_submission


def _failed(result: object) -> dict[str, str]:
    return {t.check_id: t.output for t in result.tests if t.status is Status.FAILED}  # type: ignore[attr-defined]


def test_optimizer_never_stepping_fails_zero_grad(tmp_path: Path, grade_as: Callable[[str], Grade]) -> None:
    source = reference_source("02_torch_loop").replace("        model.optimizer.step()\n", "")
    failed = _failed(grade_as("02_torch_loop")(write_submission(tmp_path, "no_step", source)))
    assert "model.optimizer.step() was never called" in failed["zero_grad"]
    assert "accuracy" in failed


def test_zero_grad_with_set_to_none_on_the_optimizer_passes(tmp_path: Path, grade_as: Callable[[str], Grade]) -> None:
    source = reference_source("02_torch_loop").replace(
        "model.optimizer.zero_grad()", "model.optimizer.zero_grad(set_to_none=True)"
    )
    result = grade_as("02_torch_loop")(write_submission(tmp_path, "set_to_none", source))
    assert _failed(result) == {}


def test_logits_model_gets_no_advice(tmp_path: Path, grade_as: Callable[[str], Grade]) -> None:
    """A model returning logits loses the contract's Softmax, but the 0-point advice says the loss is fed well."""
    source = reference_source("02_torch_loop").replace("        x = self.softmax(x)\n", "")
    result = grade_as("02_torch_loop")(write_submission(tmp_path, "logits", source))
    advice = next(t for t in result.tests if t.check_id == "loss_advice")
    assert advice.max_score == 0
    assert "receives raw logits" in advice.output
    assert "architecture" in _failed(result)


def test_course_note_dataset_code_runs_offline_for_fashion_mnist(
    tmp_path: Path, grade_as: Callable[[str], Grade]
) -> None:
    source = reference_source("02_torch_loop").replace(
        "torchvision.datasets.MNIST", "torchvision.datasets.FashionMNIST"
    )
    result = grade_as("02_torch_loop")(write_submission(tmp_path, "fashion", source))
    assert _failed(result) == {}
