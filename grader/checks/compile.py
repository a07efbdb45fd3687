"""`compile`: the optimizer, loss and metrics the course note compiles the model with."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check, step_problem

_ALIASES = {"acc": "accuracy", "categoricalaccuracy": "accuracy", "adamw": "adamw"}


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class CompileParams:
    optimizer: StrictStr
    loss: StrictStr
    metrics: tuple[StrictStr, ...]
    step: StrictStr = "compile_model"


def normalise(name: object) -> str:
    """'AdamW', 'adam_w' and 'adamw' are the same optimizer; 'acc' is 'accuracy'."""
    key = str(name).lower().replace("_", "")
    return _ALIASES.get(key, key)


@check("compile", CompileParams)
def compile_check(ctx: CheckContext, params: CompileParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}(model)`"))
    facts = step.facts
    problems = []
    if normalise(facts.get("optimizer")) != normalise(params.optimizer):
        problems.append(f"optimizer: expected '{params.optimizer}', found '{facts.get('optimizer')}'")
    if normalise(facts.get("loss")) != normalise(params.loss):
        problems.append(f"loss: expected '{params.loss}', found '{facts.get('loss')}'")
    metrics = facts.get("metrics") if isinstance(facts.get("metrics"), list) else []
    found = {normalise(m) for m in metrics}
    missing = [m for m in params.metrics if normalise(m) not in found]
    if missing:
        problems.append(f"metrics: expected {list(params.metrics)}, found {metrics}")
    if problems:
        return Outcome(False, "model.compile(...) is not set up as in the course note:\n- " + "\n- ".join(problems))
    return Outcome(True, f"optimizer '{params.optimizer}', loss '{params.loss}', metrics {list(params.metrics)}.")
