"""`zero_grad`'s verdict from the training experiment: the weights the student's process handed over after each of the
grader's optimizer steps, against the host's own replay of a correct loop and of one without zero_grad."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, Said, step_problem
from grader.messages import Renderable, say
from grader.verification.experiment import Experiment
from grader.verification.reference import ordered
from grader.verification.replay import ReplayUnsupported, trajectories


def as_lines(message: Said) -> list[Renderable | str]:
    return [message] if not isinstance(message, Sequence) or isinstance(message, str) else list(message)


def _plan(ctx: CheckContext) -> Experiment:
    """The experiment as the host planned it (its own copy of job.json, never the sandbox's)."""
    raw = ctx.job.settings["experiment"]
    rows = tuple(int(i) for i in raw["rows"])
    return Experiment(rows, int(raw["seed"]), int(raw["batch_size"]), float(raw["learning_rate"]))


def _batches(ctx: CheckContext, plan: Experiment) -> list[tuple[np.ndarray, np.ndarray]]:
    """The experiment's batches, from the host's own copy of the training split, scaled the canonical way."""
    rows = np.asarray(plan.rows, dtype=np.int64)
    pixels, labels = ctx.job.truth.train_raw
    x = ctx.spec.normalize.apply(pixels[rows])[:, None]
    y = labels[rows].astype(np.int64)
    size = plan.batch_size
    return [(x[at : at + size], y[at : at + size]) for at in range(0, len(rows), size)]


FLOAT32_ROUNDING = 4 * float(np.finfo(np.float32).eps)


def _gap(found: np.ndarray, expected: np.ndarray, origin: np.ndarray) -> float:
    """How far `found` is from `expected`, relative to how far `expected` moved from the experiment's start; what
    float32 weights cannot hold (a few units of their last place) is not counted as a difference."""
    difference = max(0.0, float(np.linalg.norm(found - expected)) - FLOAT32_ROUNDING * float(np.linalg.norm(expected)))
    return difference / (float(np.linalg.norm(expected - origin)) + 1e-12)


def replay_verdict(ctx: CheckContext, experiment_step: str, model_step: str, tolerance: float) -> Outcome:
    step = ctx.obs.step(experiment_step)
    if not step.ok:
        return Outcome(False, step_problem(step, say("zero_grad.experiment")))
    plan = _plan(ctx)
    batches = _batches(ctx, plan)
    layers = ctx.obs.step(model_step).facts.get("layers")
    try:
        start = ordered(ctx.obs.arrays("experiment_start"))
        found = ctx.obs.array("experiment_steps").astype(np.float64)
    except ArtifactError as exc:
        return Outcome(False, say("zero_grad.replay_unreadable", problem=str(exc)))
    try:
        paths = trajectories(layers if isinstance(layers, list) else [], start, batches, plan.learning_rate)
    except ReplayUnsupported as exc:  # no comparison, no point
        return Outcome(False, say("zero_grad.replay_unsupported", problem=str(exc)), {"replayed": 0})
    origin = np.concatenate([w.reshape(-1) for w in start]).astype(np.float64)
    counted = step.facts.get("optimizer_steps")
    figures = {"experiment_batches": len(batches)}
    if found.ndim != 2 or found.shape[1] != origin.size:
        return Outcome(False, say("zero_grad.replay_unreadable", problem=f"weights of shape {found.shape}"), figures)
    if counted != len(batches) or len(found) != len(batches):
        shown = counted if isinstance(counted, int) else len(found)
        return Outcome(False, say("zero_grad.replay_steps", batches=len(batches), steps=shown), figures)
    previous = origin
    steps = zip(found, paths["correct"], paths["accumulated"], strict=True)
    for index, (weights, correct, accumulated) in enumerate(steps):
        gap = _gap(weights, correct, origin)
        if gap > tolerance:
            if _gap(weights, accumulated, origin) <= tolerance:
                verdict = "zero_grad.replay_accumulated"
            elif np.linalg.norm(weights - previous) <= tolerance * np.linalg.norm(correct - previous):
                verdict = "zero_grad.replay_still"
            else:
                verdict = "zero_grad.replay_other"
            text = say(verdict, index=index + 1, batches=len(batches))
            return Outcome(False, text, {**figures, "first_wrong_step": index + 1, "replay_gap": gap})
        previous = weights
    worst = max(_gap(w, c, origin) for w, c in zip(found, paths["correct"], strict=True))
    return Outcome(True, say("zero_grad.replay_ok", batches=len(batches)), {**figures, "replay_gap": worst})
