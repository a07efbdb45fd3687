"""`accuracy`: measured by the grader, never reported by the student: the trained weights, run through the reference
architecture on held-out images that student code never receives, must reach the (dataset, profile) threshold.
Weights recorded as exported yet not there contradict each other: the check asks for a manual review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.messages import Text, say
from grader.messages.wording import Words
from grader.verification.reference import FORWARDS, ReferenceMismatch, ordered

if TYPE_CHECKING:
    from grader.spec import AssignmentSpec


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class AccuracyParams:
    reference: StrictStr
    thresholds: dict[StrictStr, dict[StrictStr, float]]
    step: StrictStr = "train"
    weights: StrictStr = "weights_trained"
    export_step: StrictStr = "export_weights"
    """The step that records `weights`: when it finished, the weights must be there."""
    hint: Words | None = None
    """What to look at when the accuracy is below the threshold."""


def _cross(params: AccuracyParams, spec: AssignmentSpec) -> list[str]:
    problems = []
    if params.reference not in FORWARDS:
        problems.append(f".reference: unknown reference model {params.reference!r} (known: {', '.join(FORWARDS)})")
    for dataset in spec.datasets:
        for profile in spec.profiles:
            value = params.thresholds.get(dataset, {}).get(profile)
            if value is None:
                problems.append(f".thresholds.{dataset}.{profile}: missing threshold")
            elif not 0.0 < value <= 1.0:
                problems.append(f".thresholds.{dataset}.{profile}: must be in (0, 1], found {value}")
    return problems


@check("accuracy", AccuracyParams, _cross)
def accuracy(ctx: CheckContext, params: AccuracyParams) -> Outcome:
    job = ctx.job
    threshold = params.thresholds[job.dataset.name][job.profile_name]
    step = ctx.obs.step(params.step)
    try:
        weights = ordered(ctx.obs.arrays(params.weights))
    except ArtifactError as exc:
        if ctx.obs.step(params.export_step).ok:  # exported, yet not there: the records were changed afterwards
            inconsistent = say("accuracy.inconsistent", problem=str(exc))
            return Outcome(False, [inconsistent, say("manual_review")], {"manual_review": 1})
        return Outcome(False, [step_problem(step, f"`{params.step}(...)`"), say("accuracy.no_weights")])
    x, y = job.truth.heldout
    try:
        probs = FORWARDS[params.reference](weights, job.spec.normalize.apply(x))
    except ReferenceMismatch as exc:
        return Outcome(False, say("accuracy.mismatch", problem=str(exc)))
    measured = float((probs.argmax(axis=1) == y).mean())
    metrics = {"accuracy": round(measured, 6), "threshold": threshold, "heldout_images": len(y)}
    figures = {
        "accuracy": measured,
        "images": len(y),
        "dataset": job.dataset.name,
        "profile": job.profile_name,
        "threshold": threshold,
    }
    passed = measured >= threshold
    lines: list[Text | Words] = [say("accuracy.ok" if passed else "accuracy.below", **figures)]
    if not passed and params.hint is not None:
        lines.append(params.hint)
    if not step.ok:
        lines.append(say("accuracy.note", problem=step_problem(step, f"`{params.step}(...)`", brief=True)))
    return Outcome(passed, lines, metrics)
