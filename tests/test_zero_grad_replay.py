"""`zero_grad`'s points come from the training experiment, replayed on the host: records a student's process could
write, judged against the grader's own recomputation. Host only: the weights handed over are made here with the
replay itself, whose agreement with PyTorch tests/test_replay.py holds."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext, Outcome
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.messages import render
from grader.spec import load_spec
from grader.verification.experiment import plan
from grader.verification.replay import trajectories

from .conftest import ROOT

LAYERS = [
    {"type": "Flatten"},
    {"type": "Linear", "in_features": 784, "out_features": 16},
    {"type": "ReLU"},
    {"type": "Dropout", "p": 0.2},
    {"type": "Linear", "in_features": 16, "out_features": 10},
    {"type": "Softmax", "dim": 1},
]


def _start(rng: np.random.Generator) -> list[np.ndarray]:
    shapes = [(16, 784), (16,), (10, 16), (10,)]
    return [(rng.normal(size=s) * 0.05).astype(np.float32) for s in shapes]


def _step(folder: Path, name: str, facts: dict[str, Any]) -> None:
    (folder / "steps").mkdir(exist_ok=True)
    record = {"name": name, "status": "ok", "error": None, "seconds": 0.1, "facts": facts}
    (folder / "steps" / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


class Case:
    """A job whose experiment, training split and records are made here; `steps` are what the sandbox handed over."""

    def __init__(self, folder: Path) -> None:
        rng = np.random.default_rng(3)
        self.folder = folder
        self.spec = load_spec("02_torch_loop")
        self.pixels = rng.integers(0, 256, size=(200, 28, 28)).astype(np.uint8)
        self.labels = rng.integers(0, 10, size=200).astype(np.uint8)
        self.plan = plan("course-key", self.spec.id, 7, len(self.pixels))
        self.start = _start(rng)
        x = self.spec.normalize.apply(self.pixels[list(self.plan.rows)])[:, None]
        y = self.labels[list(self.plan.rows)].astype(np.int64)
        size = self.plan.batch_size
        batches = [(x[i : i + size], y[i : i + size]) for i in range(0, len(y), size)]
        self.paths = trajectories(LAYERS, self.start, batches, self.plan.learning_rate)
        self.origin = np.concatenate([w.reshape(-1) for w in self.start])

    def grade(self, steps: np.ndarray, honest_records: bool = True, layers: list[dict[str, Any]] = LAYERS) -> Outcome:
        _step(self.folder, "MLP", {"layers": layers})
        _step(self.folder, "experiment", {"optimizer_steps": len(steps)})
        _step(self.folder, "train_one_epoch", {"optimizer_steps": 60})
        np.savez(self.folder / "experiment_start.npz", **{f"w{i}": w for i, w in enumerate(self.start)})
        np.save(self.folder / "experiment_steps.npy", steps.astype(np.float32))
        rows = np.ones((6, 3))
        used = rows if honest_records else np.cumsum(rows, axis=0)
        np.savez(self.folder / "gradients.npz", at_step=used, fresh=rows, grad_missing=np.zeros(6, dtype=bool))
        truth = SimpleNamespace(train_raw=(self.pixels, self.labels))
        job = SimpleNamespace(
            spec=self.spec,
            truth=truth,
            settings={"experiment": self.plan.to_json()},
            dataset=None,
            profile_name="smoke",
        )
        ctx = CheckContext(job, self.spec.check("zero_grad"), Observation(self.folder, None))  # type: ignore[arg-type]
        definition = CHECKS["zero_grad"]
        return definition.run(ctx, definition.parse(ctx.check.params))


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return Case(tmp_path)


def test_the_correct_update_at_every_step_earns_the_points(case: Case) -> None:
    outcome = case.grade(case.paths["correct"])
    assert outcome.passed and "manual_review" not in outcome.metrics
    assert outcome.metrics["experiment_batches"] == case.plan.batches
    assert "exactly those a correct loop reaches" in render(outcome.message, "en")
    assert "올바른 루프" in render(outcome.message, "ko")


def test_accumulated_gradients_lose_them_and_say_so(case: Case) -> None:
    outcome = case.grade(case.paths["accumulated"], honest_records=False)
    assert not outcome.passed and outcome.metrics["first_wrong_step"] == 2
    assert "accumulate from batch to batch" in render(outcome.message, "en")


def test_weights_that_never_move_lose_them(case: Case) -> None:
    outcome = case.grade(np.tile(case.origin, (case.plan.batches, 1)), honest_records=False)
    assert not outcome.passed and "did not move the weights" in render(outcome.message, "en")


def test_zero_grad_on_the_first_batches_only_is_caught_where_it_stops(case: Case) -> None:
    """Correct for six steps, then the gradients accumulate from there: the experiment is longer than six."""
    steps = case.paths["correct"].copy()
    weights = steps[5].astype(np.float64)
    assert case.plan.batches > 6
    accumulated = case.paths["accumulated"] - case.paths["accumulated"][5] + weights
    steps[6:] = accumulated[6:]
    outcome = case.grade(steps)
    assert not outcome.passed and outcome.metrics["first_wrong_step"] == 7


def test_a_loop_that_skips_batches_loses_them(case: Case) -> None:
    outcome = case.grade(case.paths["correct"][:3])
    assert not outcome.passed
    assert f"batch {case.plan.batches}" in render(outcome.message, "ko")
    assert "made 3 optimizer step(s)" in render(outcome.message, "en")


def test_a_forged_in_process_record_changes_nothing_but_asks_for_a_review(case: Case) -> None:
    """The recorded gradients say each step used its own (forged at import); the replay says they accumulated."""
    outcome = case.grade(case.paths["accumulated"], honest_records=True)
    assert not outcome.passed and outcome.metrics["manual_review"] == 1
    assert "the experiment decides" in render(outcome.message, "en")


def test_the_replay_decides_when_the_in_process_record_was_spoiled(case: Case) -> None:
    outcome = case.grade(case.paths["correct"], honest_records=False)
    assert outcome.passed and outcome.metrics["manual_review"] == 1


def test_layers_the_replay_cannot_rebuild_earn_nothing_and_say_why(case: Case) -> None:
    outcome = case.grade(case.paths["correct"], layers=[*LAYERS[:2], {"type": "BatchNorm1d"}, *LAYERS[2:]])
    assert not outcome.passed and "cannot replay a BatchNorm1d layer" in render(outcome.message, "en")


@pytest.mark.slow
def test_the_reference_keeps_zero_grad_after_a_full_epoch(fashion: Any) -> None:
    """Weights trained for a full epoch are far from their start: the experiment starts afresh from the initialiser's
    scale, where one SGD step is large against what float32 can hold."""
    spec = load_spec("02_torch_loop")
    submission = Submission("reference", ROOT / "solutions" / "02_torch_loop" / "submission.py")
    result = grade_submission(spec, submission, fashion, GradeOptions(profile="full"))
    zero_grad = next(t for t in result.tests if t.check_id == "zero_grad")
    assert zero_grad.score == zero_grad.max_score, zero_grad.output
    assert zero_grad.metrics["replay_gap"] < 1e-3
