"""Observations that contradict each other, as when a submission rewrites the grader's records while it runs: each
check that can see the contradiction gives no reason of its own and asks for a manual review (`manual_review: 1`)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext, Outcome, zero_grad
from grader.messages import render
from grader.spec import load_spec


def _step(folder: Path, name: str, facts: dict[str, Any], status: str = "ok") -> None:
    (folder / "steps").mkdir(exist_ok=True)
    record = {"name": name, "status": status, "error": None, "seconds": 0.1, "facts": facts}
    (folder / "steps" / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def _run(folder: Path, assignment: str, check_id: str) -> Outcome:
    spec = load_spec(assignment)
    job = SimpleNamespace(spec=spec, dataset=SimpleNamespace(name="mnist"), profile_name="smoke")
    ctx = CheckContext(job, spec.check(check_id), Observation(folder, None))  # type: ignore[arg-type]
    definition = CHECKS[check_id]
    return definition.run(ctx, definition.parse(ctx.check.params))


def _diagnosis(folder: Path) -> Outcome:
    """zero_grad's in-process diagnosis alone: what the student reads, which decides no points (the replay of the
    training experiment does, tests/test_zero_grad_replay.py)."""
    spec = load_spec("02_torch_loop")
    job = SimpleNamespace(spec=spec, dataset=SimpleNamespace(name="mnist"), profile_name="smoke")
    ctx = CheckContext(job, spec.check("zero_grad"), Observation(folder, None))  # type: ignore[arg-type]
    return zero_grad.in_process_diagnosis(ctx, CHECKS["zero_grad"].parse(ctx.check.params))


def _asks_for_review(outcome: Outcome, contradiction: str) -> None:
    english = render(outcome.message, "en")
    assert not outcome.passed
    assert outcome.metrics.get("manual_review") == 1
    assert contradiction in english and "needs a manual review by your instructor" in english
    assert "수동 검토가 필요합니다" in render(outcome.message, "ko")


def _gradients(folder: Path, steps: int) -> None:
    rows = np.ones((steps, 3))
    np.savez(folder / "gradients.npz", at_step=rows, fresh=rows, grad_missing=np.zeros(steps, dtype=bool))


@pytest.mark.parametrize("facts", [{"optimizer_steps": 375}, {}], ids=["steps-counted", "count-removed"])
def test_zero_grad_steps_without_their_gradients(tmp_path: Path, facts: dict[str, Any]) -> None:
    """The probe records the gradients from the first optimizer step on: a finished step without them is not its
    record (before, this read "`train_one_epoch` did not finish")."""
    _step(tmp_path, "train_one_epoch", facts)
    outcome = _diagnosis(tmp_path)
    _asks_for_review(outcome, f"finished with optimizer_steps={facts.get('optimizer_steps')} in its record")
    assert "gradients.npz: missing" in render(outcome.message, "en")
    assert "did not finish" not in render(outcome.message, "en")


def test_zero_grad_fewer_steps_counted_than_recorded(tmp_path: Path) -> None:
    _step(tmp_path, "train_one_epoch", {"optimizer_steps": 0})
    _gradients(tmp_path, 6)
    _asks_for_review(_diagnosis(tmp_path), "counts 0 optimizer step(s)")


def test_zero_grad_with_consistent_records_is_judged_as_before(tmp_path: Path) -> None:
    _step(tmp_path, "train_one_epoch", {"optimizer_steps": 375})
    _gradients(tmp_path, 6)
    outcome = _diagnosis(tmp_path)
    assert outcome.passed and "manual_review" not in outcome.metrics


@pytest.mark.parametrize(
    ("modes", "found"),
    [
        ({"calls": 3, "train_mode": 5, "grad_enabled": 3}, '"train_mode": 5'),
        ({"calls": 3, "train_mode": "3", "grad_enabled": 3}, '"train_mode": "3"'),
        ([1, 2, 3], "[1, 2, 3]"),
        (None, "null"),
    ],
    ids=["more-train-than-calls", "not-a-count", "not-a-record", "removed"],
)
def test_train_eval_mode_with_mode_counts_the_probe_cannot_write(tmp_path: Path, modes: object, found: str) -> None:
    _step(tmp_path, "train_one_epoch", {} if modes is None else {"modes": modes})
    _step(tmp_path, "evaluate", {"modes": {"calls": 16, "train_mode": 0, "grad_enabled": 0}})
    outcome = _run(tmp_path, "02_torch_loop", "train_eval_mode")
    _asks_for_review(outcome, "the record of the model's modes during it is not one the grader can have written")
    assert found in render(outcome.message, "en")
    assert "call model.train()" not in render(outcome.message, "en")


def test_train_eval_mode_of_a_step_that_raised_is_not_a_contradiction(tmp_path: Path) -> None:
    _step(tmp_path, "train_one_epoch", {"modes": {"calls": 63, "train_mode": 63, "grad_enabled": 63}})
    _step(tmp_path, "evaluate", {}, status="error")
    outcome = _run(tmp_path, "02_torch_loop", "train_eval_mode")
    assert not outcome.passed and "manual_review" not in outcome.metrics
    assert "`evaluate` raised an error" in render(outcome.message, "en")


def test_accuracy_of_exported_weights_that_are_gone(tmp_path: Path) -> None:
    _step(tmp_path, "train_one_epoch", {})
    _step(tmp_path, "export_weights", {})
    outcome = _run(tmp_path, "02_torch_loop", "accuracy")
    _asks_for_review(outcome, "the trained weights were recorded as exported, yet they are not there")
    assert "weights_trained.npz: missing" in render(outcome.message, "en")


def test_accuracy_without_an_export_says_why_as_before(tmp_path: Path) -> None:
    _step(tmp_path, "train_one_epoch", {}, status="error")
    outcome = _run(tmp_path, "02_torch_loop", "accuracy")
    assert not outcome.passed and "manual_review" not in outcome.metrics
    assert "There are no trained weights to evaluate." in render(outcome.message, "en")
