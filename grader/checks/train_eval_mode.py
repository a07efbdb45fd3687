"""`train_eval_mode`: model.train() while training; model.eval() and no gradient tracking while evaluating.

The grader hands each function the model left in the *other* mode, so only code that sets the mode itself passes.
"""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check, step_problem


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class ModeParams:
    train_step: StrictStr = "train_one_epoch"
    eval_step: StrictStr = "evaluate"


@check("train_eval_mode", ModeParams)
def train_eval_mode(ctx: CheckContext, params: ModeParams) -> Outcome:
    problems = []
    for name in (params.train_step, params.eval_step):
        step = ctx.obs.step(name)
        modes = step.facts.get("modes") if isinstance(step.facts.get("modes"), dict) else {}
        calls = int(modes.get("calls", 0))
        if not calls:
            problems.append(step_problem(step, f"`{name}`") if not step.ok else f"`{name}` never called the model")
            continue
        if name == params.train_step and modes.get("train_mode") != calls:
            problems.append(
                f"`{name}` ran the model in eval mode: call model.train() at its start (course note 2-1: "
                "model.train() puts the model in train mode, where dropout is active and back-propagation is possible)"
            )
        if name == params.eval_step and modes.get("train_mode", 0) > 0:
            problems.append(
                f"`{name}` ran the model in train mode: call model.eval() first, so dropout is switched off "
                "while measuring (course note 2-1: model.eval())"
            )
        if name == params.eval_step and modes.get("grad_enabled", 0) > 0:
            problems.append(
                f"`{name}` tracked gradients: wrap the loop in `with torch.no_grad():` (course note 2-1: "
                "loss back-prop 없이 모델 실행) so no computation graph is built while evaluating"
            )
    if problems:
        return Outcome(False, "\n".join(f"- {p}" for p in problems))
    return Outcome(True, "train mode while training; eval mode without gradient tracking while evaluating.")
