"""Assignment specs: `assignment.yaml` read with `yaml.safe_load` into validated, frozen dataclasses.

Every problem is reported at once, each with its path (`checks[2].points: ...`): an instructor fixes a spec in one go.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BeforeValidator, ConfigDict, Field, StrictStr, StringConstraints, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from grader.checks import CHECKS
from grader.frameworks import FRAMEWORKS
from grader.messages import CATALOGUE, DEFAULT_LANG, render, say
from grader.messages.wording import Words, error_message, error_path
from grader.sandbox.layout import PROBE_NAMES, normalize
from grader.term.clock import parse_moment, shown

# The repository's assignments/, or where an image or an installation keeps them (GRADER_ASSIGNMENTS_DIR).
ASSIGNMENTS_DIR = Path(os.environ.get("GRADER_ASSIGNMENTS_DIR") or Path(__file__).resolve().parents[1] / "assignments")
SPEC_FILE = "assignment.yaml"
ENTRY_SUFFIXES = (".py", ".ipynb")

Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]
DatasetName = Literal["mnist", "fashion-mnist"]
ProfileName = Literal["smoke", "full"]


def _number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, found {value!r}")
    return value


def _integer(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be an integer, found {value!r}")
    return value


def _framework(value: object) -> object:
    if not isinstance(value, str) or value not in FRAMEWORKS:
        raise ValueError(f"unknown framework {value!r} (known: {', '.join(FRAMEWORKS)})")
    return value


FrameworkName = Annotated[str, BeforeValidator(_framework)]
Number = Annotated[float, BeforeValidator(_number)]
Integer = Annotated[int, BeforeValidator(_integer)]
_STRICT = ConfigDict(extra="forbid")


class SpecError(Exception):
    """An invalid spec: `problems` holds one line per problem, each starting with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the assignment spec:\n{lines}")


@dataclass(frozen=True, config=_STRICT)
class Profile:
    """How much training a grading run does: `full` follows the course note, `smoke` is for tests and quick checks."""

    epochs: Annotated[int, BeforeValidator(_integer), Field(ge=1)]
    train_size: Annotated[int, BeforeValidator(_integer), Field(ge=10)] | None
    visible_test_size: Annotated[int, BeforeValidator(_integer), Field(ge=20)]
    time_limit_s: Annotated[float, BeforeValidator(_number), Field(gt=0)]


@dataclass(frozen=True, config=_STRICT)
class Limits:
    memory_mb: Annotated[int, BeforeValidator(_integer), Field(ge=256)]
    output_kb: Annotated[int, BeforeValidator(_integer), Field(ge=1)]
    threads: Annotated[int, BeforeValidator(_integer), Field(ge=1)] = 1
    """Framework threads per submission, the same on every machine and for any --jobs: training's floating-point
    sums depend on how the work is split between threads, so a fixed count makes scores and metrics reproducible."""


@dataclass(frozen=True, config=_STRICT)
class Normalize:
    """The canonical input: (pixels / 255 - mean) / std, as the course note prepares it for this framework."""

    mean: Annotated[float, BeforeValidator(_number)] = 0.0
    std: Annotated[float, BeforeValidator(_number), Field(gt=0)] = 1.0

    def apply(self, pixels: np.ndarray) -> np.ndarray:
        return normalize(pixels, self.mean, self.std)


RunName = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,31}$")]


@dataclass(frozen=True, config=_STRICT)
class RunSpec:
    """One sandbox run of a submission: a fresh process (or container) under the same limits, driven by `probe`.

    A run with `student_code: false` never imports the submission: it inspects what an earlier run saved."""

    name: RunName
    probe: StrictStr
    student_code: bool = True


SINGLE_RUN = "main"
"""The name of the one run of an assignment that declares `probe` instead of `runs`; its observations keep their
plain names (`train`), where those of several runs are named by run (`save/train`)."""


@dataclass(frozen=True, config=_STRICT)
class Handoff:
    """The file one run saves (the grader names the path) and the host passes, size-capped and never opened, to every
    later run, read-only."""

    file: Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    source: RunName
    """The run that writes it."""
    max_mb: Annotated[float, BeforeValidator(_number), Field(gt=0, le=1024)] = 64


def _moment(value: object) -> object:
    return shown(parse_moment(value))


Share = Annotated[float, BeforeValidator(_number), Field(ge=0, le=1)]


@dataclass(frozen=True, config=_STRICT)
class LateSpec:
    """The late policy: `per_day` of the score for each day or part of one past the due date (after `grace_minutes`),
    at most `cap`. Shares of the score: 0.1 is 10 %."""

    per_day: Share = 0.0
    cap: Share = 1.0
    grace_minutes: Annotated[int, BeforeValidator(_integer), Field(ge=0)] = 0


@dataclass(frozen=True, config=_STRICT)
class DueSpec:
    """When the assignment is due (ISO 8601 with a UTC offset), and what lateness costs. Neither is part of the
    results' cache key: moving a due date never regrades anyone."""

    at: Annotated[str, BeforeValidator(_moment)]
    late: LateSpec = LateSpec()


TERM_KEYS = ("due",)
"""Spec keys that decide the course's policy, not a grade: left out of the cache key."""


@dataclass(frozen=True, config=_STRICT)
class CheckSpec:
    id: StrictStr
    points: Annotated[float, BeforeValidator(_number), Field(ge=0)]
    name: Words | None = None
    visibility: Visibility = "visible"
    params: dict[StrictStr, Any] = Field(default_factory=dict)

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The spec's `name`, else the catalogue's title for this check id, in `lang`."""
        if self.name is not None:
            return render(self.name, lang)
        if f"title.{self.id}" in CATALOGUE:
            return say(f"title.{self.id}").render(lang)
        return self.id.replace("_", " ").capitalize()


@dataclass(frozen=True, config=_STRICT)
class AssignmentSpec:
    id: StrictStr
    title: Words
    """A plain string, or `{en: ..., ko: ...}`: every output words it in its session's language (`title_in`)."""
    section: StrictStr
    framework: FrameworkName
    entries: Annotated[tuple[StrictStr, ...], Field(min_length=1)]
    seed: Annotated[int, BeforeValidator(_integer), Field(ge=0)]
    datasets: tuple[DatasetName, ...]
    default_dataset: DatasetName
    heldout_size: Annotated[int, BeforeValidator(_integer), Field(ge=100)]
    profiles: dict[ProfileName, Profile]
    limits: Limits
    checks: tuple[CheckSpec, ...]
    normalize: Normalize = Normalize()
    probe: StrictStr | None = None
    """The one run's probe; an assignment of several runs declares `runs` instead."""
    runs: tuple[RunSpec, ...] = ()
    handoff: Handoff | None = None
    due: DueSpec | None = None
    folder: Path | None = None

    def title_in(self, lang: str = DEFAULT_LANG) -> str:
        return str(render(self.title, lang))

    @property
    def stages(self) -> tuple[RunSpec, ...]:
        """The sandbox runs of one submission, in order."""
        return self.runs or (RunSpec(SINGLE_RUN, self.probe or ""),)

    def wall_time_s(self, per_run_s: float) -> float:
        """The longest one submission can take when each of its runs gets `per_run_s`: what a platform's or a
        watchdog's timeout must leave room for."""
        return per_run_s * len(self.stages)

    @property
    def staged(self) -> bool:
        """Several runs: observations are then named `<run>/<name>`."""
        return bool(self.runs)

    @property
    def entry(self) -> str:
        """The preferred file name of a submission (the first of `entries`)."""
        return self.entries[0]

    @property
    def max_score(self) -> float:
        return sum(check.points for check in self.checks)

    def check(self, check_id: str) -> CheckSpec:
        return next(check for check in self.checks if check.id == check_id)


_ADAPTER = TypeAdapter(AssignmentSpec)


def _run_problems(spec: AssignmentSpec) -> list[str]:
    """One run (`probe`) or several (`runs`), each with a known probe; a handoff between runs that exist."""
    if (spec.probe is None) == (not spec.runs):
        return ["probe: give either `probe` (one run) or `runs` (several), not both or neither"]
    problems = []
    names = [run.name for run in spec.runs]
    for index, run in enumerate(spec.stages):
        where = f"runs[{index}].probe" if spec.runs else "probe"
        if run.probe not in PROBE_NAMES:
            problems.append(f"{where}: unknown probe {run.probe!r} (known: {', '.join(sorted(PROBE_NAMES))})")
    if len(set(names)) != len(names):
        problems.append("runs: each run name may appear once")
    if spec.runs and spec.runs[0].student_code is False:
        problems.append("runs[0].student_code: the first run must run the student's code")
    if spec.handoff is not None:
        if spec.handoff.source not in names:
            problems.append(f"handoff.source: {spec.handoff.source!r} is not one of runs {names}")
        elif spec.handoff.source == names[-1]:
            problems.append("handoff.source: the last run has no later run to hand its file to")
    return problems


def _semantic_problems(spec: AssignmentSpec) -> list[str]:
    """Cross-field rules pydantic cannot see: known check ids and each check's own parameters."""
    problems: list[str] = []
    if spec.default_dataset not in spec.datasets:
        problems.append(f"default_dataset: {spec.default_dataset!r} is not one of datasets {list(spec.datasets)}")
    for name in ("smoke", "full"):
        if name not in spec.profiles:
            problems.append(f"profiles.{name}: missing required profile")
    for index, entry in enumerate(spec.entries):
        if Path(entry).name != entry or Path(entry).suffix not in ENTRY_SUFFIXES:
            problems.append(f"entries[{index}]: {entry!r} must be a file name ending in {' or '.join(ENTRY_SUFFIXES)}")
    problems.extend(_run_problems(spec))
    if len(set(spec.entries)) != len(spec.entries):
        problems.append("entries: each file name may appear once")
    seen: set[str] = set()
    for index, check in enumerate(spec.checks):
        where = f"checks[{index}]"
        if check.id in seen:
            problems.append(f"{where}.id: duplicate check id {check.id!r}")
        seen.add(check.id)
        if check.id not in CHECKS:
            problems.append(f"{where}.id: unknown check {check.id!r} (known: {', '.join(CHECKS)})")
            continue
        problems.extend(f"{where}.params{p}" for p in CHECKS[check.id].validate_params(check.params, spec))
    if not spec.checks:
        problems.append("checks: at least one check is required")
    return problems


def parse_spec(raw: object, source: str = "assignment.yaml", folder: Path | None = None) -> AssignmentSpec:
    """Validate already-loaded YAML data; raise one SpecError listing every problem."""
    if not isinstance(raw, dict):
        raise SpecError(source, ["(top level): must be a mapping of keys to values"])
    try:
        spec = _ADAPTER.validate_python({**raw, "folder": folder})
    except ValidationError as exc:
        raise SpecError(source, [f"{error_path(e['loc'])}: {error_message(e)}" for e in exc.errors()]) from None
    problems = _semantic_problems(spec)
    if problems:
        raise SpecError(source, problems)
    return spec


def resolve_assignment(ref: str | Path, root: Path = ASSIGNMENTS_DIR) -> Path:
    """An assignment is an id under assignments/ or a path to its folder or its assignment.yaml."""
    path = Path(ref)
    candidates = [path, path / SPEC_FILE, root / str(ref), root / str(ref) / SPEC_FILE]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    known = ", ".join(sorted(p.parent.name for p in root.glob(f"*/{SPEC_FILE}"))) or "none"
    raise SpecError(str(ref), [f"no {SPEC_FILE} found for {str(ref)!r} (known assignments: {known})"])


def load_spec(ref: str | Path, root: Path = ASSIGNMENTS_DIR) -> AssignmentSpec:
    spec_path = resolve_assignment(ref, root)
    try:
        raw = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(str(spec_path), [f"(top level): not valid YAML: {exc}"]) from None
    return parse_spec(raw, str(spec_path), spec_path.parent)
