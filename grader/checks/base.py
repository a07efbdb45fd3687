"""The check registry: each check is a small unit with an id, typed parameters and a run function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from grader.artifacts import Observation, Step
from grader.job import Job
from grader.registry import Registry
from grader.spec import AssignmentSpec, CheckSpec, _message, _path


@dataclass(frozen=True)
class Outcome:
    """A check's verdict with a message that says what was expected and what was found."""

    passed: bool
    message: str
    metrics: Mapping[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    job: Job
    check: CheckSpec
    obs: Observation

    @property
    def spec(self) -> AssignmentSpec:
        return self.job.spec

    def probe_inputs(self) -> np.ndarray:
        """The probe images scaled the canonical way, exactly as the sandbox fed them to the model."""
        return self.spec.normalize.apply(self.job.truth.probe)


CrossRule = Callable[[Any, AssignmentSpec], list[str]]


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
                where = _path(error["loc"])
                problems.append(f"{'' if where == '(top level)' else '.' + where}: {_message(error)}")
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


def step_problem(step: Step, what: str, *, brief: bool = False) -> str:
    """Why a step's output cannot be checked, in the student's terms (`brief`: the error's last line only)."""
    if step.status == "error":
        error = (step.error or "").strip().splitlines()[-1:] if brief else [step.error or ""]
        return f"{what} raised an error, so it could not be checked:\n{''.join(error)}"
    if step.status == "skipped":
        return f"{what} was not run: {step.error}"
    return f"{what} did not finish: {step.error}"
