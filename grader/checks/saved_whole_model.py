"""`saved_whole_model`: the file `save_model` wrote holds the whole trained model, architecture and weights (course note
section 3), so that Keras alone rebuilds it.

The proof is a run that never imports the student's code: it loads the file with `keras.models.load_model(path,
safe_mode=True)`. The model it gets must have the note's layers, exactly the weights the save run recorded just before
`save_model`, and compute the same outputs on the probe images."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import ConfigDict, Field, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.architecture import LayerSpec, describe, layer_problems
from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import Text, say
from grader.verification.reference import ordered

if TYPE_CHECKING:
    from grader.spec import AssignmentSpec


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class SavedWholeModelParams:
    save_step: StrictStr
    """The step that called the student's save function, in the saving run (`save/save_model`)."""
    step: StrictStr
    """The step that loaded the file with Keras alone, in the run without student code (`inspect/load_file`)."""
    saved_weights: StrictStr
    """The weights of the model handed to the save function, recorded by the saving run (`save/weights`)."""
    file_weights: StrictStr
    saved_outputs: StrictStr
    file_outputs: StrictStr
    layers: tuple[LayerSpec, ...]
    tolerance: float = Field(default=1e-6, gt=0)


def _cross(params: SavedWholeModelParams, spec: AssignmentSpec) -> list[str]:
    problems = [f".layers[{i}]: needs a `type`" for i, layer in enumerate(params.layers) if "type" not in layer]
    if spec.handoff is None:
        problems.append(": the check reads a saved file, so the assignment needs `runs` and a `handoff`")
    return problems


def _weight_problems(saved: list[np.ndarray], found: list[np.ndarray]) -> list[Text]:
    if len(found) != len(saved):
        return [say("saved_whole_model.weights_count", expected=len(saved), found=len(found))]
    matched = sum(1 for a, b in zip(saved, found, strict=True) if a.shape == b.shape and np.array_equal(a, b))
    return [] if matched == len(saved) else [say("saved_whole_model.weights_differ", matched=matched, total=len(saved))]


def _difference(saved: np.ndarray, found: np.ndarray) -> float:
    """The largest gap between two runs' outputs on the probe images; infinite when they cannot be compared."""
    if saved.shape != found.shape or not np.isfinite(found).all():
        return float("inf")
    return float(np.abs(saved.astype(np.float64) - found.astype(np.float64)).max(initial=0.0))


@check("saved_whole_model", SavedWholeModelParams, _cross)
def saved_whole_model(ctx: CheckContext, params: SavedWholeModelParams) -> Outcome:
    file = ctx.spec.handoff.file if ctx.spec.handoff else ""
    note = say("saved_whole_model.note")
    saving = ctx.obs.step(params.save_step)
    if not saving.ok:
        return Outcome(False, [step_problem(saving, "`save_model(model, path)`"), note])
    step = ctx.obs.step(params.step)
    if step.status == "error":
        return Outcome(False, [say("saved_whole_model.unloadable", file=file, error=step.error), note])
    if not step.ok:
        return Outcome(False, [step_problem(step, "`keras.models.load_model(path, safe_mode=True)`"), note])
    found = step.facts.get("layers") if isinstance(step.facts.get("layers"), list) else []
    problems = layer_problems(params.layers, found)
    try:
        saved, loaded = ordered(ctx.obs.arrays(params.saved_weights)), ordered(ctx.obs.arrays(params.file_weights))
        outputs = ctx.obs.array(params.saved_outputs), ctx.obs.array(params.file_outputs)
    except ArtifactError as exc:
        return Outcome(False, say("saved_whole_model.unreadable", problem=str(exc)))
    difference = _difference(*outputs)
    differs = [say("saved_whole_model.outputs_differ", difference=difference, tolerance=params.tolerance)]
    problems += _weight_problems(saved, loaded) or (differs if difference > params.tolerance else [])
    metrics: dict[str, float | int | str] = {"weight_arrays": len(loaded), "tolerance": params.tolerance}
    if np.isfinite(difference):
        metrics["max_difference"] = difference
    if problems:
        return Outcome(False, [*bulleted(say("saved_whole_model.failed", file=file), problems), note], metrics)
    chain = " -> ".join(describe(layer) for layer in params.layers)
    return Outcome(True, say("saved_whole_model.ok", file=file, chain=chain, count=len(loaded)), metrics)
