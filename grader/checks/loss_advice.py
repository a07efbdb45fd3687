"""`loss_advice`: advice worth 0 points. The course note feeds softmax outputs to nn.CrossEntropyLoss; the grader
observes whether the loss receives probabilities and explains what that costs, without taking points."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check

ADVICE = (
    "Advice (no points): your loss receives probabilities (the model ends with Softmax, as in the course note), but "
    "nn.CrossEntropyLoss expects raw logits: it applies log-softmax itself. Softmax is then applied twice, which "
    "squashes the loss and shrinks its gradients, so training is slower and tends to stop at a lower accuracy. "
    "Outside this assignment, return logits from forward() and apply softmax only when you need probabilities."
)


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class AdviceParams:
    step: StrictStr


@check("loss_advice", AdviceParams)
def loss_advice(ctx: CheckContext, params: AdviceParams) -> Outcome:
    facts = ctx.obs.step(params.step).facts.get("cross_entropy")
    calls = facts.get("calls", 0) if isinstance(facts, dict) else 0
    if not calls:
        return Outcome(True, "No advice: the grader did not see a cross-entropy loss being computed.")
    if facts.get("probability_inputs", 0):
        return Outcome(True, ADVICE, {"probability_inputs": facts["probability_inputs"], "calls": calls})
    return Outcome(True, "CrossEntropyLoss receives raw logits, as it expects.", {"calls": calls})
