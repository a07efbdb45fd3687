"""`state_dict_file`: the saved file is what the course note (section 3) says a PyTorch model file is, a state_dict.

A run with none of the student's code opens it with torch.load(path, weights_only=True), which unpickles tensors and
plain containers only: a pickled whole model is refused there, as it needs its class's code and unpickling it runs
code. The tensors found must be the saved model's state_dict: the same names and shapes, and the values it had when
save_weights was called (recorded by the saving run, compared here by name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import Text, say

if TYPE_CHECKING:
    from grader.spec import AssignmentSpec

SHOWN_NAMES = 6


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class StateDictFileParams:
    step: StrictStr
    """The step of the inspecting run that read the file (`inspect/state_dict`); its facts name the tensors."""
    weights: StrictStr
    """The tensors it found, in the file's order (`inspect/weights`)."""
    saved_step: StrictStr
    """The saving run's step whose facts name the model's state_dict (`save/MLP`)."""
    saved_weights: StrictStr
    """The model's state_dict when it was saved, in the same order (`save/weights`)."""


def _cross(params: StateDictFileParams, spec: AssignmentSpec) -> list[str]:
    return [] if spec.handoff is not None else [": needs the spec's `handoff` (the file it inspects)"]


def _listed(names: list[str]) -> str | Text:
    if not names:
        return say("state_dict_file.none")
    shown = ", ".join(f"`{name}`" for name in names[:SHOWN_NAMES])
    return shown + (", ..." if len(names) > SHOWN_NAMES else "")


def _named(names: Any, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Name -> array, pairing the step's `names` fact with the bundle by position."""
    listed = [str(name) for name in names] if isinstance(names, list) else []
    return dict(zip(listed, arrays.values(), strict=False))


@check("state_dict_file", StateDictFileParams, _cross)
def state_dict_file(ctx: CheckContext, params: StateDictFileParams) -> Outcome:
    file = ctx.spec.handoff.file if ctx.spec.handoff else ""
    step, saved_step = ctx.obs.step(params.step), ctx.obs.step(params.saved_step)
    if step.status == "error":
        note = [say("state_dict_file.note")] if "pickled" in step.facts else []
        return Outcome(False, [say("state_dict_file.refused", file=file, error=step.error), *note])
    if not step.ok:
        return Outcome(False, step_problem(step, say("what.state_dict_file", file=file)))
    try:
        found = _named(step.facts.get("names"), ctx.obs.arrays(params.weights))
        saved = _named(saved_step.facts.get("names"), ctx.obs.arrays(params.saved_weights))
    except ArtifactError as exc:
        return Outcome(False, say("state_dict_file.unreadable", problem=str(exc)))
    if set(found) != set(saved):
        names = say("state_dict_file.names", file=file, expected=_listed(list(saved)), found=_listed(list(found)))
        return Outcome(False, [names, say("state_dict_file.note")], {"tensors": len(found)})
    shapes = [
        say("state_dict_file.shape", name=name, expected=str(list(array.shape)), found=str(list(found[name].shape)))
        for name, array in saved.items()
        if found[name].shape != array.shape
    ]
    if shapes:
        return Outcome(False, bulleted(say("state_dict_file.shapes", file=file), shapes), {"tensors": len(found)})
    differ = [name for name, array in saved.items() if not np.array_equal(found[name], array)]
    if differ:
        values = say("state_dict_file.values", file=file, count=len(differ), total=len(saved), name=differ[0])
        return Outcome(False, values, {"tensors": len(found), "tensors_differ": len(differ)})
    key = step.facts.get("container")
    figures = {"file": file, "count": len(found), "names": _listed(list(found))}
    said = say("state_dict_file.ok_nested", key=key, **figures) if key else say("state_dict_file.ok", **figures)
    return Outcome(True, said, {"tensors": len(found)})
