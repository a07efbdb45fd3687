"""`zero_grad`: judged by what the loop does to the weights, verified outside the student's process.

The points come from the training experiment (`grader.verification.experiment`): the student's `train_one_epoch` runs
the grader's batches with the grader's SGD optimizer, and the weights after every step must be those a correct loop
reaches from the same start, as the host recomputes them without the student's code (`grader.verification.replay`). The
experiment's length and rows are secret until the run, and every step is compared, so a loop that zeroes only its first
batches fails, and so does a record rewritten in the student's process, unless it holds the correct weights (which is
the work). The style does not matter (before backward or after step, optimizer or model, set_to_none or not).

The gradients the sandbox recorded during the student's own training (`in_process_diagnosis`) still explain a
failure ("step 2 used the sum of ..."), but decide nothing: where they disagree with the replay, the replay decides
and the check asks for a manual review (`manual_review` in its metrics)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.checks.where import locate
from grader.checks.zero_grad_replay import as_lines, replay_verdict
from grader.messages import Text, say


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ZeroGradParams:
    step: StrictStr = "train_one_epoch"
    tolerance: float = Field(default=1e-4, gt=0)
    min_steps: int = Field(default=2, ge=2)
    experiment_step: StrictStr = "experiment"
    model_step: StrictStr = "MLP"
    """The step whose `layers` (in forward order) the replay rebuilds."""
    replay_tolerance: float = Field(default=1e-3, gt=0)
    """Largest distance allowed between the student's weights and the replayed ones, relative to how far the correct
    step moved them (float32 in the sandbox against float64 here stays below 1e-5)."""


def _weights_moved(ctx: CheckContext) -> bool:
    """The weights after training differ from those before it, both as the grader recorded them."""
    try:
        before, after = ctx.obs.arrays("weights_initial"), ctx.obs.arrays("weights_trained")
    except ArtifactError:
        return False
    return any(
        name in after and (before[name].shape != after[name].shape or not np.array_equal(before[name], after[name]))
        for name in before
    )


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(b) + 1e-12))


def _review(contradiction: Text) -> Outcome:
    return Outcome(False, [contradiction, say("manual_review")], {"manual_review": 1})


def _step_call(ctx: CheckContext, facts: Mapping[str, Any]) -> list[Text]:
    """Where the student's loop called optimizer.step(), as the probe saw it first; nothing when it points nowhere."""
    found = locate(ctx.job, facts.get("step_seen_at"))
    return [] if found is None else [say("zero_grad.step_call", function=found.function, place=found.place)]


def in_process_diagnosis(ctx: CheckContext, params: ZeroGradParams) -> Outcome:
    """What the gradients recorded in the student's own training say: the diagnosis a student reads."""
    step = ctx.obs.step(params.step)
    claimed = step.facts.get("optimizer_steps")
    try:
        recorded = ctx.obs.arrays("gradients")
    except ArtifactError as exc:
        if not step.ok:
            return Outcome(False, step_problem(step, f"`{params.step}`"))
        if claimed == 0:
            if _weights_moved(ctx):
                return _review(say("zero_grad.inconsistent", step=params.step))
            return Outcome(False, say("zero_grad.no_step", step=params.step))
        # The probe records the gradients at the first step it counts, so a count without them is not its own.
        return _review(say("zero_grad.gradients_missing", step=params.step, steps=str(claimed), problem=str(exc)))
    at_step, fresh = recorded["at_step"].astype(np.float64), recorded["fresh"].astype(np.float64)
    if at_step.shape != fresh.shape or at_step.ndim != 2:
        return Outcome(False, say("zero_grad.unreadable"))
    if isinstance(claimed, int) and claimed < len(at_step):
        return _review(say("zero_grad.steps_disagree", step=params.step, steps=claimed, recorded=len(at_step)))
    steps = len(at_step)
    if steps < params.min_steps:
        return Outcome(False, say("zero_grad.too_few", steps=steps, minimum=params.min_steps))
    accumulated = np.cumsum(fresh, axis=0)
    for index in range(steps):
        if _relative(at_step[index], fresh[index]) <= params.tolerance:
            continue
        if np.linalg.norm(at_step[index]) <= 1e-12 * (np.linalg.norm(fresh[index]) + 1e-12):
            verdict = "zero_grad.wiped"
        elif _relative(at_step[index], accumulated[index]) <= params.tolerance:
            verdict = "zero_grad.accumulated"
        else:
            verdict = "zero_grad.other"
        return Outcome(False, [say(verdict, index=index + 1), *_step_call(ctx, step.facts), say("zero_grad.why")])
    return Outcome(True, say("zero_grad.ok", steps=steps), {"steps_checked": steps})


@check("zero_grad", ZeroGradParams)
def zero_grad(ctx: CheckContext, params: ZeroGradParams) -> Outcome:
    replayed = replay_verdict(ctx, params.experiment_step, params.model_step, params.replay_tolerance)
    observed = in_process_diagnosis(ctx, params)
    figures = {**observed.metrics, **replayed.metrics}
    if replayed.passed:
        lines = [*as_lines(replayed.message)]
        if observed.passed:
            return Outcome(True, [*lines, *as_lines(observed.message)], figures)
        review = [say("zero_grad.records_disagree"), say("manual_review")]
        return Outcome(True, [*lines, *review], {**figures, "manual_review": 1})
    if observed.passed:  # the student's own training looked right, the grader's experiment did not
        lines = [*as_lines(replayed.message), say("zero_grad.records_disagree"), say("manual_review")]
        return Outcome(False, lines, {**figures, "manual_review": 1})
    return Outcome(False, [*as_lines(replayed.message), *as_lines(observed.message)], figures)
