"""`lightning_hooks`: the LightningModule hooks exist with the right signatures, training_step returns a loss that
reaches every parameter through back-propagation, and validation_step and test_step run."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check, step_problem

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
    problems = []
    for name, signature in SIGNATURES.items():
        found = hooks.get(name) if isinstance(hooks.get(name), dict) else {}
        if not found.get("defined"):
            problems.append(f"`{name}` is not defined in CustomModel: add `def {signature}:` (course note 2-2)")
        elif not found.get("accepts"):
            problems.append(f"`{name}` takes ({', '.join(found.get('parameters', []))}); expected `{signature}`")
    step = ctx.obs.step(params.training_step)
    if not step.ok:
        problems.append(step_problem(step, f"`{params.training_step}(batch, 0)`"))
    elif not step.facts.get("returns_loss"):
        problems.append(
            f"training_step must return the loss (a scalar tensor); it returned {step.facts.get('returned')}. "
            "Returning the loss is what makes Lightning back-propagate (course note 2-2)."
        )
    elif step.facts.get("parameters_reached") != step.facts.get("parameters"):
        problems.append(
            f"the loss returned by training_step reaches only {step.facts.get('parameters_reached')} of the "
            f"{step.facts.get('parameters')} parameters through back-propagation: compute it from the model's output"
        )
    for name in params.runs:
        hook = ctx.obs.step(name)
        if not hook.ok:
            problems.append(step_problem(hook, f"`{name}(batch, 0)`"))
    if problems:
        return Outcome(False, "The LightningModule hooks are not all in place:\n- " + "\n- ".join(problems))
    return Outcome(
        True,
        "All five hooks are defined with the right signatures; training_step returns a loss that reaches every "
        "parameter; validation_step and test_step run.",
    )
