"""`train_eval_mode`: model.train() while training; model.eval() and no gradient tracking while evaluating.

The grader hands each function the model left in the *other* mode, so only code that sets the mode itself passes.
"""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import Text, say


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ModeParams:
    train_step: StrictStr = "train_one_epoch"
    eval_step: StrictStr = "evaluate"


@check("train_eval_mode", ModeParams)
def train_eval_mode(ctx: CheckContext, params: ModeParams) -> Outcome:
    problems: list[Text] = []
    for name in (params.train_step, params.eval_step):
        step = ctx.obs.step(name)
        modes = step.facts.get("modes") if isinstance(step.facts.get("modes"), dict) else {}
        calls = int(modes.get("calls", 0))
        if not calls:
            problems.append(
                step_problem(step, f"`{name}`") if not step.ok else say("train_eval_mode.never_called", name=name)
            )
            continue
        if name == params.train_step and modes.get("train_mode") != calls:
            problems.append(say("train_eval_mode.train", name=name))
        if name == params.eval_step and modes.get("train_mode", 0) > 0:
            problems.append(say("train_eval_mode.eval", name=name))
        if name == params.eval_step and modes.get("grad_enabled", 0) > 0:
            problems.append(say("train_eval_mode.grad", name=name))
    if problems:
        return Outcome(False, bulleted(say("train_eval_mode.failed"), problems))
    return Outcome(True, say("train_eval_mode.ok"))
