"""`runs`: the submission imports and every contract function runs without error."""

from __future__ import annotations

from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.checks.base import CheckContext, Outcome, check


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class RunsParams:
    steps: tuple[StrictStr, ...]


_LABELS = {"import": "importing submission.py"}


@check("runs", RunsParams)
def runs(ctx: CheckContext, params: RunsParams) -> Outcome:
    steps = [ctx.obs.step(name) for name in params.steps]
    broken = [step for step in steps if not step.ok]
    if not broken:
        return Outcome(True, f"submission.py imported and all {len(steps) - 1} functions ran without error.")
    lines = ["These parts of your submission did not run cleanly:"]
    skipped: dict[str, list[str]] = {}
    for step in broken:
        label = _LABELS.get(step.name, f"`{step.name}`")
        if step.status == "skipped":
            skipped.setdefault(step.error or "", []).append(label)
            continue
        verdict = "raised an error" if step.status == "error" else "did not finish"
        lines.append(f"- {label} {verdict}: {step.error}")
    lines += [f"- {', '.join(labels)} not run: {reason}" for reason, labels in skipped.items()]
    return Outcome(False, "\n".join(lines), {"failed_steps": len(broken)})
