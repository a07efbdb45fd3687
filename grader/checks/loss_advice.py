"""`loss_advice`: advice worth 0 points. The course note feeds softmax outputs to nn.CrossEntropyLoss; the grader
observes whether the loss receives probabilities and explains what that costs, without taking points, and says to
keep the Softmax here, since `architecture` requires it. When the step it watches did not run, it does not pass: it
had nothing to look at."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.messages import say


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class AdviceParams:
    step: StrictStr


@check("loss_advice", AdviceParams)
def loss_advice(ctx: CheckContext, params: AdviceParams) -> Outcome:
    step = ctx.obs.step(params.step)
    facts = step.facts.get("cross_entropy")
    calls = facts.get("calls", 0) if isinstance(facts, dict) else 0
    if not calls and not step.ok:  # nothing to look at: no advice can pass for one
        return Outcome(False, step_problem(step, f"`{params.step}`"))
    if not calls:
        return Outcome(True, say("loss_advice.none"))
    if facts.get("probability_inputs", 0):
        metrics = {"probability_inputs": facts["probability_inputs"], "calls": calls}
        return Outcome(True, say("loss_advice.double_softmax"), metrics)
    return Outcome(True, say("loss_advice.logits"), {"calls": calls})
