"""`softmax_sums`: `predict_proba` returns probabilities: non-negative rows that each sum to 1, not all alike.

When they are not, the model's own forward pass on the same images (recorded for `architecture`) tells whose fault it
is: a model whose output is already probabilities means predict_proba changed it (took a log, say); a model whose
output is not means the last layer lacks its softmax.
"""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.messages import Text, say
from grader.spec import Words


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class SoftmaxParams:
    tolerance: float = Field(default=1e-5, gt=0)
    classes: int = 10
    step: StrictStr = "predict_proba"
    array: StrictStr = "predict_proba"
    what: Words = "predict_proba"
    """What returned the probabilities, in the student's terms."""
    model_output: StrictStr = "forward_initial"
    """The model's own output on the same images, as the sandbox recorded it for `architecture`."""


def _worst_sum(rows: np.ndarray) -> float:
    sums = rows.sum(axis=1)
    return float(sums[np.abs(sums - 1.0).argmax()])


def _cause(ctx: CheckContext, params: SoftmaxParams, shape: tuple[int, ...]) -> Text | None:
    """Who changed the probabilities: predict_proba, or a model without softmax; None when the grader cannot tell."""
    if params.array == params.model_output:  # the model's output itself is checked: only its last layer can be wrong
        return say("softmax_sums.last_layer")
    try:
        model = ctx.obs.array(params.model_output)
    except ArtifactError:
        return None
    if model.shape != shape or not np.isfinite(model).all():
        return None
    if model.min() >= 0 and abs(_worst_sum(model) - 1.0) <= params.tolerance:
        return say("softmax_sums.changed", what=params.what)
    return say("softmax_sums.no_softmax", model_sum=_worst_sum(model), model_min=float(model.min()))


@check("softmax_sums", SoftmaxParams)
def softmax_sums(ctx: CheckContext, params: SoftmaxParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}`"))
    rows = len(ctx.job.truth.probe)
    try:
        probs = ctx.obs.array(params.array)
    except ArtifactError as exc:
        return Outcome(False, say("softmax_sums.unreadable", what=params.what, problem=str(exc)))
    expected = (rows, params.classes)
    if probs.shape != expected:
        found = str(probs.shape)
        return Outcome(
            False, say("softmax_sums.shape", what=params.what, rows=rows, expected=str(expected), found=found)
        )
    if not np.isfinite(probs).all():
        return Outcome(False, say("softmax_sums.not_finite", what=params.what))
    worst = float(np.abs(probs.sum(axis=1) - 1.0).max())
    metrics = {"max_sum_error": worst, "min_value": float(probs.min())}
    problem = None
    if probs.min() < 0:
        problem = say("softmax_sums.negative", what=params.what, smallest=float(probs.min()))
    elif worst > params.tolerance:
        problem = say("softmax_sums.sums", what=params.what, tolerance=params.tolerance, worst=_worst_sum(probs))
    if problem is not None:
        cause = _cause(ctx, params, expected)
        return Outcome(False, [problem] if cause is None else [problem, cause], metrics)
    if np.abs(probs - probs[0]).max() < 1e-6:
        return Outcome(False, say("softmax_sums.constant", what=params.what), metrics)
    return Outcome(True, say("softmax_sums.ok", rows=rows, worst=worst), metrics)
