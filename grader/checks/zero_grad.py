"""`zero_grad`: judged by behaviour. At every optimizer step the gradients used must be that batch's own fresh
gradients, so the style does not matter (before backward or after step, optimizer or model, set_to_none or not),
and a zero_grad() that never runs (a comment, dead code) counts for nothing."""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem

WHY = (
    "Why it matters (course note 2-1, 중요 사항): loss.backward() adds the new gradients to whatever is already "
    "stored in each parameter's .grad. If the values from earlier batches are not reset, back-propagation does not "
    "work correctly (역전파가 올바르게 진행되지 않음), so call model.optimizer.zero_grad() once per batch, before "
    "loss.backward() (or right after model.optimizer.step())."
)


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ZeroGradParams:
    step: StrictStr = "train_one_epoch"
    tolerance: float = Field(default=1e-4, gt=0)
    min_steps: int = Field(default=2, ge=2)


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(b) + 1e-12))


@check("zero_grad", ZeroGradParams)
def zero_grad(ctx: CheckContext, params: ZeroGradParams) -> Outcome:
    step = ctx.obs.step(params.step)
    try:
        recorded = ctx.obs.arrays("gradients")
    except ArtifactError:
        if step.ok and step.facts.get("optimizer_steps", 0) == 0:
            return Outcome(
                False, f"model.optimizer.step() was never called during `{params.step}`, so nothing is learned."
            )
        return Outcome(False, step_problem(step, f"`{params.step}`"))
    at_step, fresh = recorded["at_step"].astype(np.float64), recorded["fresh"].astype(np.float64)
    if at_step.shape != fresh.shape or at_step.ndim != 2:
        return Outcome(False, "the grader could not read the recorded gradients")
    steps = len(at_step)
    if steps < params.min_steps:
        return Outcome(False, f"only {steps} optimizer step(s) were observed; at least {params.min_steps} are needed")
    accumulated = np.cumsum(fresh, axis=0)
    for index in range(steps):
        if _relative(at_step[index], fresh[index]) <= params.tolerance:
            continue
        where = f"At optimizer step {index + 1}"
        if np.linalg.norm(at_step[index]) <= 1e-12 * (np.linalg.norm(fresh[index]) + 1e-12):
            return Outcome(
                False,
                f"{where} the gradients were already zero: zero_grad() runs between loss.backward() and "
                f"optimizer.step(), so each step wipes the gradients it should use and the model never learns.\n{WHY}",
            )
        if _relative(at_step[index], accumulated[index]) <= params.tolerance:
            return Outcome(
                False,
                f"{where} the gradients were the sum of this batch's and all earlier batches' gradients: "
                f"zero_grad() is never called, so gradients accumulate from batch to batch.\n{WHY}",
            )
        return Outcome(False, f"{where} the gradients used were not this batch's own gradients.\n{WHY}")
    return Outcome(
        True,
        f"At each of the first {steps} optimizer steps the gradients were exactly that batch's fresh gradients.",
        {"steps_checked": steps},
    )
