"""`roundtrip`: the model the student's load function returns, in a fresh run, computes what the saved model computed.

Both outputs are the grader's own forward passes on the same probe images, recorded in two different runs, so the
check holds however the file was written. When they differ, the weights each run recorded say why: none of the saved
weights came back (a load that loaded nothing), or all did and the model was left in training mode (dropout on), or a
function the contract forbids was called. When every observation says the model is the saved one and the outputs still
differ, no reason is guessed: the check asks for a manual review.
"""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.messages import Text, say
from grader.messages.wording import Words


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class RoundtripParams:
    step: StrictStr
    """The step that called the student's load function, in the loading run (`load/load_model`)."""
    call: StrictStr
    """That call as the student knows it (`load_model(path)`)."""
    saved: StrictStr
    """The saved model's outputs on the probe images, recorded by the saving run (`save/outputs`)."""
    loaded: StrictStr
    """The returned model's outputs on the same images, recorded by the loading run (`load/outputs`)."""
    saved_weights: StrictStr
    loaded_weights: StrictStr
    tolerance: float = Field(default=1e-6, gt=0)
    file_weights: StrictStr | None = None
    """The weights the file itself holds, as a run without student code read them (`inspect/weights`): they tell a
    load that loaded nothing from a save that wrote another model."""
    forbidden: dict[StrictStr, Words] = Field(default_factory=dict)
    """Functions the load must not call (counted by the loading run in its step's `calls`), each with why."""
    training_hint: Words | None = None
    """Shown when the returned model was in training mode (the step's `training` fact)."""
    not_loaded_hint: Words | None = None
    """Shown when none of the saved weights came back."""


def _matched(saved: dict[str, np.ndarray], loaded: dict[str, np.ndarray]) -> int:
    """How many saved weight arrays came back exactly, matched by position (names differ between runs only when the
    student renamed layers, which the architecture checks report)."""
    found = list(loaded.values())
    return sum(
        1
        for index, array in enumerate(saved.values())
        if index < len(found) and found[index].shape == array.shape and np.array_equal(found[index], array)
    )


def _from_file(ctx: CheckContext, params: RoundtripParams, loaded: dict[str, np.ndarray]) -> bool:
    """Whether the returned model holds every weight of the file, a file that is not the model it was given."""
    if params.file_weights is None:
        return False
    try:
        in_file = ctx.obs.arrays(params.file_weights)
    except ArtifactError:
        return False
    return bool(in_file) and _matched(in_file, loaded) == len(in_file)


def _explain(ctx: CheckContext, params: RoundtripParams) -> tuple[list[Text | Words], dict[str, int]]:
    """Why the outputs differ, from the other observations; a manual review when they do not say."""
    step = ctx.obs.step(params.step)
    try:
        saved = ctx.obs.arrays(params.saved_weights)
        loaded = ctx.obs.arrays(params.loaded_weights)
    except ArtifactError:
        return [], {}
    matched = _matched(saved, loaded)
    counts = {"weights_matched": matched, "weights_saved": len(saved)}
    if matched == 0 and _from_file(ctx, params, loaded):
        return [say("roundtrip.file_not_saved_model")], counts
    if matched == 0:
        lines: list[Text | Words] = [say("roundtrip.none_loaded", call=params.call)]
        return [*lines, *([params.not_loaded_hint] if params.not_loaded_hint else [])], counts
    if matched < len(saved):
        return [say("roundtrip.some_loaded", call=params.call, matched=matched, total=len(saved))], counts
    if step.facts.get("training") is True:
        lines = [say("roundtrip.training", call=params.call)]
        return [*lines, *([params.training_hint] if params.training_hint else [])], counts
    return [say("roundtrip.inconsistent", call=params.call)], {**counts, "manual_review": 1}


@check("roundtrip", RoundtripParams)
def roundtrip(ctx: CheckContext, params: RoundtripParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.call}`"))
    calls = step.facts.get("calls") if isinstance(step.facts.get("calls"), dict) else {}
    for name, why in params.forbidden.items():
        count = calls.get(name, 0) if isinstance(calls.get(name, 0), int) else 0
        if count:
            return Outcome(False, [say("roundtrip.called", call=params.call, name=name, count=count), why])
    try:
        saved, loaded = ctx.obs.array(params.saved), ctx.obs.array(params.loaded)
    except ArtifactError as exc:
        return Outcome(False, say("roundtrip.unreadable", problem=str(exc)))
    if saved.shape != loaded.shape:
        return Outcome(False, say("roundtrip.shape", call=params.call, saved=str(saved.shape), found=str(loaded.shape)))
    if not np.isfinite(loaded).all():
        return Outcome(False, say("roundtrip.not_finite", call=params.call))
    difference = float(np.abs(saved.astype(np.float64) - loaded.astype(np.float64)).max(initial=0.0))
    metrics: dict[str, float | int | str] = {"max_difference": difference, "tolerance": params.tolerance}
    rows = len(saved)
    if difference <= params.tolerance:
        return Outcome(True, say("roundtrip.ok", call=params.call, rows=rows, difference=difference), metrics)
    lines, counts = _explain(ctx, params)
    head = say("roundtrip.differs", call=params.call, rows=rows, difference=difference, tolerance=params.tolerance)
    return Outcome(False, [head, *lines], {**metrics, **counts})
