"""`train_eval_mode`: model.train() while training; model.eval() and no gradient tracking while evaluating.

The grader hands each function the model left in the *other* mode, so only code that sets the mode itself passes.
Mode counts the probe cannot have recorded (a finished step without them, more train-mode calls than calls) mean the
records were changed: the check asks for a manual review rather than report a mode that may be false. Each problem
points at the first model call in the wrong state (function, and line or notebook cell, `grader.checks.where`), which
only words the message: the counts decide.
"""

from __future__ import annotations

import json

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.checks.where import model_call
from grader.messages import Text, say


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ModeParams:
    train_step: StrictStr = "train_one_epoch"
    eval_step: StrictStr = "evaluate"


_COUNTS = ("calls", "train_mode", "grad_enabled")


def _possible(modes: object) -> bool:
    """What the probe's mode spy can record: nothing yet, or counts where no mode outnumbers the calls."""
    if modes == {}:
        return True
    if not isinstance(modes, dict) or set(modes) != set(_COUNTS):
        return False
    if not all(type(modes[key]) is int and modes[key] >= 0 for key in _COUNTS):
        return False
    return modes["train_mode"] <= modes["calls"] and modes["grad_enabled"] <= modes["calls"]


@check("train_eval_mode", ModeParams)
def train_eval_mode(ctx: CheckContext, params: ModeParams) -> Outcome:
    problems: list[Text] = []
    for name in (params.train_step, params.eval_step):
        step = ctx.obs.step(name)
        modes = step.facts.get("modes", None if step.ok else {})  # the probe records modes whenever a step finishes
        if not _possible(modes):
            inconsistent = say("train_eval_mode.inconsistent", name=name, found=json.dumps(modes)[:200])
            return Outcome(False, [inconsistent, say("manual_review")], {"manual_review": 1})
        calls = int(modes.get("calls", 0))
        if not calls:
            problems.append(
                step_problem(step, f"`{name}`") if not step.ok else say("train_eval_mode.never_called", name=name)
            )
            continue
        if name == params.train_step and modes.get("train_mode") != calls:
            problems.append(say("train_eval_mode.train", name=name, seen=model_call(ctx.job, step.facts, "eval_mode")))
        if name == params.eval_step and modes.get("train_mode", 0) > 0:
            problems.append(say("train_eval_mode.eval", name=name, seen=model_call(ctx.job, step.facts, "train_mode")))
        if name == params.eval_step and modes.get("grad_enabled", 0) > 0:
            seen = model_call(ctx.job, step.facts, "grad_enabled")
            problems.append(say("train_eval_mode.grad", name=name, seen=seen))
    if problems:
        return Outcome(False, bulleted(say("train_eval_mode.failed"), problems))
    return Outcome(True, say("train_eval_mode.ok"))
