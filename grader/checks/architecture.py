"""`architecture`: layer types and settings, input shape, parameter count, and a forward pass that agrees with the
reference on the same weights (so a model that merely *looks* right but computes something else does not pass)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ConfigDict, Field, StrictInt, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import Text, say
from grader.verification.reference import FORWARDS, ReferenceMismatch, ordered

if TYPE_CHECKING:
    from grader.spec import AssignmentSpec

LayerSpec = dict[StrictStr, StrictStr | StrictInt | float | None]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ArchitectureParams:
    reference: StrictStr
    layers: tuple[LayerSpec, ...]
    parameters: StrictInt
    input_shape: tuple[StrictInt, ...] | None = None
    step: StrictStr = "build_model"
    forward_step: StrictStr | None = None
    forward_tolerance: float = Field(default=1e-4, gt=0)


def _cross(params: ArchitectureParams, spec: AssignmentSpec) -> list[str]:
    problems = [f".layers[{i}]: needs a `type`" for i, layer in enumerate(params.layers) if "type" not in layer]
    if params.reference not in FORWARDS:
        problems.append(f".reference: unknown reference model {params.reference!r} (known: {', '.join(FORWARDS)})")
    return problems


def describe(layer: dict[str, Any]) -> str:
    settings = [f"{key}={value}" for key, value in layer.items() if key not in {"type", "params"}]
    return f"{layer.get('type')}({', '.join(settings)})"


def _same(expected: object, found: object) -> bool:
    if isinstance(expected, float) and isinstance(found, int | float):
        return abs(expected - found) < 1e-9
    return expected == found


def layer_problems(expected: tuple[LayerSpec, ...], found: list[dict[str, Any]]) -> list[Text]:
    """What differs between the expected layers and those found, one line each (also used for a saved model's)."""
    chain = " -> ".join(describe(layer) for layer in expected)
    if len(found) != len(expected):
        layers = " -> ".join(describe(layer) for layer in found) or say("architecture.no_layers")
        return [say("architecture.layer_count", expected=len(expected), chain=chain, found=len(found), layers=layers)]
    problems = []
    for index, (want, have) in enumerate(zip(expected, found, strict=True)):
        if want["type"] != have.get("type"):
            problems.append(say("architecture.layer", index=index + 1, expected=describe(want), found=describe(have)))
            continue
        for key, value in want.items():
            if key != "type" and not _same(value, have.get(key)):
                problems.append(
                    say(
                        "architecture.setting",
                        index=index + 1,
                        type=want["type"],
                        key=key,
                        expected=value,
                        found=have.get(key),
                    )
                )
    return problems


def _forward_problem(ctx: CheckContext, params: ArchitectureParams, weights: list[np.ndarray]) -> Text | None:
    forward_step = ctx.obs.step(params.forward_step) if params.forward_step else None
    if forward_step is not None and not forward_step.ok:
        return step_problem(forward_step, say("what.forward_pass"))
    try:
        model_out = ctx.obs.array("forward_initial")
    except ArtifactError as exc:
        return say("architecture.output_unreadable", problem=str(exc))
    try:
        reference = FORWARDS[params.reference](weights, ctx.probe_inputs())
    except ReferenceMismatch as exc:
        return say("architecture.weights_mismatch", problem=str(exc))
    if model_out.shape != reference.shape:
        return say(
            "architecture.output_shape", found=str(model_out.shape), rows=len(reference), expected=str(reference.shape)
        )
    gap = float(np.nanmax(np.abs(model_out - reference))) if np.isfinite(model_out).all() else float("inf")
    if gap > params.forward_tolerance:
        return say("architecture.forward", gap=gap)
    return None


@check("architecture", ArchitectureParams, _cross)
def architecture(ctx: CheckContext, params: ArchitectureParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}()`"))
    found = step.facts.get("layers") if isinstance(step.facts.get("layers"), list) else []
    problems = layer_problems(params.layers, found)
    shape = step.facts.get("input_shape")
    if params.input_shape is not None and (not shape or tuple(shape[1:]) != params.input_shape):
        found_shape = str(tuple(shape[1:])) if shape else None
        problems.append(say("architecture.input_shape", expected=str(params.input_shape), found=found_shape))
    try:
        weights = ordered(ctx.obs.arrays("weights_initial"))
    except ArtifactError as exc:
        return Outcome(False, say("architecture.weights_unreadable", problem=str(exc)))
    count = int(sum(w.size for w in weights))
    if count != params.parameters:
        problems.append(say("architecture.parameters", expected=params.parameters, found=count))
    forward = _forward_problem(ctx, params, weights)
    if forward:
        problems.append(forward)
    if problems:
        return Outcome(False, bulleted(say("architecture.failed"), problems), {"parameters": count})
    chain = " -> ".join(describe(layer) for layer in params.layers)
    return Outcome(True, say("architecture.ok", chain=chain, count=count), {"parameters": count})
