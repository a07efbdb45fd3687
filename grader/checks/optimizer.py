"""`optimizer`: the optimizer (and, where the contract sets one, the loss) the course note trains with."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.checks.compile import normalise


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class OptimizerParams:
    step: StrictStr
    optimizer: StrictStr
    loss: StrictStr | None = None
    learning_rate: float | None = None
    where: StrictStr = "compile_model"


@check("optimizer", OptimizerParams)
def optimizer(ctx: CheckContext, params: OptimizerParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}`"))
    facts = step.facts
    problems = []
    if normalise(facts.get("optimizer")) != normalise(params.optimizer):
        problems.append(f"optimizer: expected {params.optimizer}, found {facts.get('optimizer')}")
    if params.learning_rate is not None and facts.get("learning_rate") != params.learning_rate:
        problems.append(f"learning rate: expected {params.learning_rate:g}, found {facts.get('learning_rate')}")
    if facts.get("covers_parameters") is not True:
        problems.append("the optimizer does not hold all of the model's parameters: build it from model.parameters()")
    if params.loss is not None and normalise(facts.get("loss")) != normalise(params.loss):
        problems.append(f"loss: expected {params.loss}, found {facts.get('loss')}")
    if problems:
        return Outcome(
            False, f"{params.where} does not set up training as in the course note:\n- " + "\n- ".join(problems)
        )
    lr = f", learning rate {params.learning_rate:g}" if params.learning_rate is not None else ""
    loss = f" with {params.loss}" if params.loss else ""
    return Outcome(True, f"{params.optimizer} over all the model's parameters{lr}{loss}.")
