"""`zero_grad`: judged by behaviour. At every optimizer step the gradients used must be that batch's own fresh
gradients, so the style does not matter (before backward or after step, optimizer or model, set_to_none or not),
and a zero_grad() that never runs (a comment, dead code) counts for nothing. When the observations contradict each
other (no optimizer step recorded, yet the weights moved in training; steps counted without their recorded gradients,
or fewer steps counted than recorded), no reason is guessed: the check asks for a manual review (`manual_review` in its
metrics)."""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.messages import Text, say


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ZeroGradParams:
    step: StrictStr = "train_one_epoch"
    tolerance: float = Field(default=1e-4, gt=0)
    min_steps: int = Field(default=2, ge=2)


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


@check("zero_grad", ZeroGradParams)
def zero_grad(ctx: CheckContext, params: ZeroGradParams) -> Outcome:
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
        return Outcome(False, [say(verdict, index=index + 1), say("zero_grad.why")])
    return Outcome(True, say("zero_grad.ok", steps=steps), {"steps_checked": steps})
