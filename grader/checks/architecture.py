"""`architecture`: layer types and settings, input shape, parameter count, and a forward pass that agrees with the
reference on the same weights (so a model that merely *looks* right but computes something else does not pass)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import ConfigDict, Field, StrictInt, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.reference import FORWARDS, ReferenceMismatch, ordered
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


def _layer_problems(expected: tuple[LayerSpec, ...], found: list[dict[str, Any]]) -> list[str]:
    chain = " -> ".join(describe(layer) for layer in expected)
    if len(found) != len(expected):
        got = " -> ".join(describe(layer) for layer in found) or "no layers"
        return [f"expected {len(expected)} layers: {chain}\n  found {len(found)}: {got}"]
    problems = []
    for index, (want, have) in enumerate(zip(expected, found, strict=True)):
        if want["type"] != have.get("type"):
            problems.append(f"layer {index + 1}: expected {describe(want)}, found {describe(have)}")
            continue
        for key, value in want.items():
            if key != "type" and not _same(value, have.get(key)):
                problems.append(f"layer {index + 1} ({want['type']}): expected {key}={value}, found {have.get(key)}")
    return problems


def _forward_problem(ctx: CheckContext, params: ArchitectureParams, weights: list[np.ndarray]) -> str | None:
    forward_step = ctx.obs.step(params.forward_step) if params.forward_step else None
    if forward_step is not None and not forward_step.ok:
        return step_problem(forward_step, "the model's forward pass")
    try:
        model_out = ctx.obs.array("forward_initial")
    except ArtifactError as exc:
        return f"the grader could not read your model's output: {exc}"
    try:
        reference = FORWARDS[params.reference](weights, ctx.probe_inputs())
    except ReferenceMismatch as exc:
        return f"your weights do not fit the reference model, so its forward pass cannot be compared: {exc}"
    if model_out.shape != reference.shape:
        return f"your model outputs shape {model_out.shape} for {len(reference)} images; expected {reference.shape}"
    gap = float(np.nanmax(np.abs(model_out - reference))) if np.isfinite(model_out).all() else float("inf")
    if gap > params.forward_tolerance:
        return (
            f"on the same weights your model's forward pass differs from the reference MLP by up to {gap:.3g}: "
            "the model must compute exactly the layers of the course note, in that order"
        )
    return None


@check("architecture", ArchitectureParams, _cross)
def architecture(ctx: CheckContext, params: ArchitectureParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}()`"))
    found = step.facts.get("layers") if isinstance(step.facts.get("layers"), list) else []
    problems = _layer_problems(params.layers, found)
    shape = step.facts.get("input_shape")
    if params.input_shape is not None and (not shape or tuple(shape[1:]) != params.input_shape):
        problems.append(f"input shape: expected {params.input_shape}, found {tuple(shape[1:]) if shape else None}")
    try:
        weights = ordered(ctx.obs.arrays("weights_initial"))
    except ArtifactError as exc:
        return Outcome(False, f"the grader could not read your model's weights: {exc}")
    count = int(sum(w.size for w in weights))
    if count != params.parameters:
        problems.append(f"parameter count: expected {params.parameters:,}, found {count:,}")
    forward = _forward_problem(ctx, params, weights)
    if forward:
        problems.append(forward)
    if problems:
        return Outcome(
            False, "The model does not match the course note's MLP:\n- " + "\n- ".join(problems), {"parameters": count}
        )
    chain = " -> ".join(describe(layer) for layer in params.layers)
    return Outcome(True, f"{chain}; {count:,} parameters; forward pass matches the reference.", {"parameters": count})
