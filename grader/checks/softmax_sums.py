"""`softmax_sums`: `predict_proba` returns the model's own probabilities: non-negative rows that each sum to 1, not all
alike, and the very rows the model computes for those images.

When the rows are not probabilities, the model's own forward pass on the same images (recorded for `architecture`)
tells whose fault it is: a model whose output is already probabilities means predict_proba changed it (took a log,
say); a model whose output is not means the last layer lacks its softmax.

Well-formed rows are not enough, since random or looked-up probabilities are well formed too: they are compared with
the grader's own NumPy forward pass of the weights the sandbox recorded when the probabilities were computed, outside
the student's process. Rows and weights both come from that process, but rows consistent with the weights are the
model's output computed. When the weights do not fit the reference forward pass, nothing can be compared and the check
fails, saying why (the model's own recorded forward pass, which the student's process could make agree with anything,
only explains a failure).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.checks.where import model_call
from grader.messages import Text, say
from grader.messages.wording import Words
from grader.sandbox.layout import PROBE_ROWS
from grader.verification.reference import FORWARDS, ReferenceMismatch, ordered

if TYPE_CHECKING:
    from grader.spec import AssignmentSpec


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class SoftmaxParams:
    reference: StrictStr
    """The reference forward pass (grader/reference.py) the recorded weights are run through."""
    tolerance: float = Field(default=1e-5, gt=0)
    classes: int = 10
    step: StrictStr = "predict_proba"
    array: StrictStr = "predict_proba"
    what: Words = "predict_proba"
    """What returned the probabilities, in the student's terms."""
    model_output: StrictStr = "forward_initial"
    """The model's own output on the same images, as the sandbox recorded it for `architecture`."""
    weights: StrictStr = "weights_initial"
    """The weights the model held when the probabilities were computed (before training in every probe)."""
    min_agree: int = Field(default=19, ge=1)
    """Rows whose most likely class must be the one the model gives."""
    prob_tolerance: float = Field(default=1e-4, gt=0)
    """Largest difference allowed between a returned probability and the model's."""


def _cross(params: SoftmaxParams, spec: AssignmentSpec) -> list[str]:
    problems = []
    if params.reference not in FORWARDS:
        problems.append(f".reference: unknown reference model {params.reference!r} (known: {', '.join(FORWARDS)})")
    if params.min_agree > PROBE_ROWS:
        problems.append(f".min_agree: at most the {PROBE_ROWS} probe images, found {params.min_agree}")
    return problems


def _worst_sum(rows: np.ndarray) -> float:
    sums = rows.sum(axis=1)
    return float(sums[np.abs(sums - 1.0).argmax()])


def _model_rows(ctx: CheckContext, params: SoftmaxParams, shape: tuple[int, ...]) -> np.ndarray | str:
    """The model's own recorded forward pass, or why it cannot stand for the model's output."""
    if params.array == params.model_output:
        return f"{params.array} is itself the model's forward pass"
    try:
        rows = ctx.obs.array(params.model_output)
    except ArtifactError as exc:
        return str(exc)
    if rows.shape != shape or not np.isfinite(rows).all():
        return f"{params.model_output}: shape {rows.shape} or values unusable"
    return rows


def _cause(ctx: CheckContext, params: SoftmaxParams, shape: tuple[int, ...]) -> Text | None:
    """Who changed the probabilities: predict_proba, or a model without softmax; None when the grader cannot tell."""
    if params.array == params.model_output:  # the model's output itself is checked: only its last layer can be wrong
        return say("softmax_sums.last_layer")
    model = _model_rows(ctx, params, shape)
    if isinstance(model, str):
        return None
    if model.min() >= 0 and abs(_worst_sum(model) - 1.0) <= params.tolerance:
        return say("softmax_sums.changed", what=params.what)
    return say("softmax_sums.no_softmax", model_sum=_worst_sum(model), model_min=float(model.min()))


def _own_output(
    ctx: CheckContext, params: SoftmaxParams, probs: np.ndarray, metrics: Mapping[str, float | int | str]
) -> Outcome:
    """Well-formed rows pass only if they are what the model computes for the probe images."""
    rows = len(probs)
    ok = say("softmax_sums.ok", rows=rows, worst=metrics["max_sum_error"])
    try:
        weights = ordered(ctx.obs.arrays(params.weights))
    except ArtifactError as exc:  # every probe records the weights before it asks for probabilities
        inconsistent = say("softmax_sums.inconsistent", what=params.what, problem=str(exc))
        return Outcome(False, [inconsistent, say("manual_review")], {**metrics, "manual_review": 1})
    try:
        model = FORWARDS[params.reference](weights, ctx.probe_inputs())
    except ReferenceMismatch as exc:  # no comparison, no point: well-formed rows alone prove nothing
        lines = [say("softmax_sums.not_compared", what=params.what, problem=str(exc)), say("softmax_sums.return_own")]
        return Outcome(False, lines, {**metrics, "compared_with": "none"})
    agree = int((probs.argmax(axis=1) == model.argmax(axis=1)).sum())
    difference = float(np.abs(probs - model).max())
    figures = {"compared_with": "reference", "argmax_agree": agree, "max_difference": difference}
    if agree >= params.min_agree and difference <= params.prob_tolerance:
        return Outcome(True, [ok, say("softmax_sums.own", rows=rows, agree=agree)], {**metrics, **figures})
    lines = [
        say(
            "softmax_sums.not_own",
            what=params.what,
            source=say("softmax_sums.by_reference"),
            rows=rows,
            agree=agree,
            min_agree=params.min_agree,
            difference=difference,
            tolerance=params.prob_tolerance,
        ),
    ]
    facts = ctx.obs.step(params.step).facts
    modes = facts.get("modes")  # the torch probes count forward calls in train mode
    if isinstance(modes, dict) and isinstance(modes.get("train_mode"), int) and modes["train_mode"] > 0:
        lines.append(say("softmax_sums.dropout", what=params.what, seen=model_call(ctx.job, facts, "train_mode")))
    lines.append(say("softmax_sums.return_own"))
    return Outcome(False, lines, {**metrics, **figures})


@check("softmax_sums", SoftmaxParams, _cross)
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
    return _own_output(ctx, params, probs, metrics)
