"""`lightning_hooks`: the LightningModule hooks exist with the right signatures, training_step returns a loss that
reaches every parameter through back-propagation, and validation_step and test_step run."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import Text, say

SIGNATURES = {
    "forward": "forward(self, x)",
    "training_step": "training_step(self, batch, batch_idx)",
    "validation_step": "validation_step(self, batch, batch_idx)",
    "test_step": "test_step(self, batch, batch_idx)",
    "configure_optimizers": "configure_optimizers(self)",
}


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class HooksParams:
    model_step: StrictStr = "CustomModel"
    training_step: StrictStr = "training_step"
    runs: tuple[StrictStr, ...] = ("validation_step", "test_step")


@check("lightning_hooks", HooksParams)
def lightning_hooks(ctx: CheckContext, params: HooksParams) -> Outcome:
    built = ctx.obs.step(params.model_step)
    if not built.ok:
        return Outcome(False, step_problem(built, f"`{params.model_step}()`"))
    hooks = built.facts.get("hooks") if isinstance(built.facts.get("hooks"), dict) else {}
    problems: list[Text] = []
    for name, signature in SIGNATURES.items():
        found = hooks.get(name) if isinstance(hooks.get(name), dict) else {}
        if not found.get("defined"):
            problems.append(say("lightning_hooks.undefined", name=name, signature=signature))
        elif not found.get("accepts"):
            parameters = ", ".join(map(str, found.get("parameters", [])))
            problems.append(say("lightning_hooks.signature", name=name, parameters=parameters, signature=signature))
    step = ctx.obs.step(params.training_step)
    facts = step.facts
    if not step.ok:
        problems.append(step_problem(step, f"`{params.training_step}(batch, 0)`"))
    elif not facts.get("returns_loss"):
        problems.append(say("lightning_hooks.no_loss", returned=str(facts.get("returned"))))
    elif facts.get("parameters_reached") != facts.get("parameters"):
        reached, total = facts.get("parameters_reached"), facts.get("parameters")
        problems.append(say("lightning_hooks.partial", reached=reached, total=total))
    for name in params.runs:
        hook = ctx.obs.step(name)
        if not hook.ok:
            problems.append(step_problem(hook, f"`{name}(batch, 0)`"))
    if problems:
        return Outcome(False, bulleted(say("lightning_hooks.failed"), problems))
    return Outcome(True, say("lightning_hooks.ok"))
