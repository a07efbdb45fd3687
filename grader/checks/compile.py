"""`compile`: the optimizer, loss and metrics the course note compiles the model with."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import say

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
    for field in ("optimizer", "loss"):
        expected = getattr(params, field)
        if normalise(facts.get(field)) != normalise(expected):
            problems.append(say("mismatch", field=field, expected=f"'{expected}'", found=f"'{facts.get(field)}'"))
    metrics = facts.get("metrics") if isinstance(facts.get("metrics"), list) else []
    found = {normalise(m) for m in metrics}
    missing = [m for m in params.metrics if normalise(m) not in found]
    if missing:
        problems.append(say("mismatch", field="metrics", expected=str(list(params.metrics)), found=str(metrics)))
    if problems:
        return Outcome(False, bulleted(say("compile.failed"), problems))
    return Outcome(
        True, say("compile.ok", optimizer=params.optimizer, loss=params.loss, metrics=str(list(params.metrics)))
    )
