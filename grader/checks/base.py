"""The check registry: each check is a small unit with an id, typed parameters and a run function."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from grader.artifacts import Observations, Step
from grader.messages import Renderable, Text, say
from grader.messages.wording import error_message, error_path
from grader.registry import Registry

if TYPE_CHECKING:
    from grader.job import Job
    from grader.spec import AssignmentSpec, CheckSpec

Said = Text | Sequence[Renderable | str]
"""A check's message, not yet rendered: one Text, or several parts shown one per line (Texts, an instructor's
wording from the spec)."""


@dataclass(frozen=True)
class Outcome:
    """A check's verdict with a message that says what was expected and what was found, rendered later in the
    student's language."""

    passed: bool
    message: Said
    metrics: Mapping[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    job: Job
    check: CheckSpec
    obs: Observations
    """One run's observations, or several runs' named `<run>/<name>`."""

    @property
    def spec(self) -> AssignmentSpec:
        return self.job.spec

    def probe_inputs(self) -> np.ndarray:
        """The probe images scaled the canonical way, exactly as the sandbox fed them to the model."""
        return self.spec.normalize.apply(self.job.truth.probe)


CrossRule = Callable[[Any, "AssignmentSpec"], list[str]]


@dataclass(frozen=True)
class CheckDef:
    id: str
    run: Callable[[CheckContext, Any], Outcome]
    params_type: type
    cross: CrossRule | None = None

    def parse(self, raw: Mapping[str, Any]) -> Any:
        return TypeAdapter(self.params_type).validate_python(dict(raw))

    def validate_params(self, raw: Mapping[str, Any], spec: AssignmentSpec) -> list[str]:
        """Problems as `<.path>: message` (the caller prefixes `checks[i].params`)."""
        try:
            params = self.parse(raw)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                where = error_path(error["loc"])
                problems.append(f"{'' if where == '(top level)' else '.' + where}: {error_message(error)}")
            return problems
        return [f"{p}" for p in self.cross(params, spec)] if self.cross else []


CHECKS: Registry[CheckDef] = Registry("check")


def check(
    check_id: str, params: type, cross: CrossRule | None = None
) -> Callable[[Callable[[CheckContext, Any], Outcome]], Callable[[CheckContext, Any], Outcome]]:
    def decorate(run: Callable[[CheckContext, Any], Outcome]) -> Callable[[CheckContext, Any], Outcome]:
        CHECKS.add(check_id, CheckDef(check_id, run, params, cross))
        return run

    return decorate


def step_problem(step: Step, what: str | Text, *, brief: bool = False) -> Text:
    """Why a step's output cannot be checked, in the student's terms (`brief`: a traceback's last line only)."""
    if step.status == "error":
        error = step.error or ""
        if brief and isinstance(error, str):
            error = "".join(error.strip().splitlines()[-1:])
        return say("step.raised", what=what, error=error)
    if step.status == "skipped":
        return say("step.skipped", what=what, reason=step.error)
    return say("step.unfinished", what=what, reason=step.error)


def bulleted(head: Text, problems: Sequence[Text]) -> list[Text]:
    """A heading and one `- ` line per problem."""
    return [head, *(say("list.item", item=problem) for problem in problems)]
