"""`runs`: the submission imports and every contract function runs without error."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, bulleted, check
from grader.messages import Text, say


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class RunsParams:
    steps: tuple[StrictStr, ...]


@check("runs", RunsParams)
def runs(ctx: CheckContext, params: RunsParams) -> Outcome:
    steps = [ctx.obs.step(name) for name in params.steps]
    broken = [step for step in steps if not step.ok]
    file = ctx.job.submission.entry.name
    if not broken:
        return Outcome(True, say("runs.ok", file=file, count=sum(step.name != "import" for step in steps)))
    problems: list[Text] = []
    skipped: list[tuple[Text | str | None, list[str]]] = []  # the steps skipped for one reason, named together
    for step in broken:
        label = say("runs.import", file=file) if step.name == "import" else f"`{step.name}`"
        if step.status == "skipped":
            same = next((names for reason, names in skipped if reason == step.error), None)
            if same is None:
                skipped.append((step.error, [f"`{step.name}`"]))
            else:
                same.append(f"`{step.name}`")
        elif step.status == "error":
            problems.append(say("runs.raised", what=label, error=step.error))
        else:
            problems.append(say("runs.unfinished", what=label, reason=step.error))
    problems += [say("runs.skipped", what=", ".join(names), reason=reason) for reason, names in skipped]
    return Outcome(False, bulleted(say("runs.failed"), problems), {"failed_steps": len(broken)})
