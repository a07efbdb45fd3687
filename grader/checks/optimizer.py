"""`optimizer`: the optimizer (and, where the contract sets one, the loss) the course note trains with."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.checks.compile import normalise
from grader.messages import say


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
        problems.append(say("mismatch", field="optimizer", expected=params.optimizer, found=facts.get("optimizer")))
    if params.learning_rate is not None and facts.get("learning_rate") != params.learning_rate:
        problems.append(say("optimizer.learning_rate", expected=params.learning_rate, found=facts.get("learning_rate")))
    if facts.get("covers_parameters") is not True:
        problems.append(say("optimizer.coverage"))
    if params.loss is not None and normalise(facts.get("loss")) != normalise(params.loss):
        problems.append(say("mismatch", field="loss", expected=params.loss, found=facts.get("loss")))
    if problems:
        return Outcome(False, bulleted(say("optimizer.failed", where=params.where), problems))
    lines = [say("optimizer.ok", optimizer=params.optimizer)]
    if params.learning_rate is not None:
        lines.append(say("optimizer.ok_learning_rate", rate=params.learning_rate))
    if params.loss:
        lines.append(say("optimizer.ok_loss", loss=params.loss))
    return Outcome(True, lines)
