"""`softmax_sums`: `predict_proba` returns probabilities: non-negative rows that each sum to 1, not all alike."""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class SoftmaxParams:
    tolerance: float = Field(default=1e-5, gt=0)
    classes: int = 10
    step: StrictStr = "predict_proba"
    array: StrictStr = "predict_proba"
    what: StrictStr = "predict_proba"


@check("softmax_sums", SoftmaxParams)
def softmax_sums(ctx: CheckContext, params: SoftmaxParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}`"))
    rows = len(ctx.job.truth.probe)
    try:
        probs = ctx.obs.array(params.array)
    except ArtifactError as exc:
        return Outcome(False, f"the grader could not read what {params.what} returned: {exc}")
    expected = (rows, params.classes)
    if probs.shape != expected:
        return Outcome(
            False, f"{params.what} on {rows} test images should return shape {expected}, found {probs.shape}"
        )
    if not np.isfinite(probs).all():
        return Outcome(False, f"{params.what} returned NaN or infinite values")
    sums = probs.sum(axis=1)
    worst = float(np.abs(sums - 1.0).max())
    metrics = {"max_sum_error": worst, "min_value": float(probs.min())}
    if probs.min() < 0:
        return Outcome(
            False,
            f"{params.what} returned negative values (smallest {probs.min():.4g}): probabilities are never negative. "
            "Does the last layer use softmax? Return its output as is (course note: 모델 확률 출력).",
            metrics,
        )
    if worst > params.tolerance:
        return Outcome(
            False,
            f"rows of {params.what} should each sum to 1 (within {params.tolerance:g}); the worst row sums to "
            f"{sums[np.abs(sums - 1).argmax()]:.6f}. Does the last layer use softmax?",
            metrics,
        )
    if np.abs(probs - probs[0]).max() < 1e-6:
        return Outcome(
            False, f"every row of {params.what} is the same: the output does not depend on the image", metrics
        )
    return Outcome(True, f"{rows} rows, all non-negative, each summing to 1 (largest error {worst:.2e}).", metrics)
