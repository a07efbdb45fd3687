"""What grading produced, independent of any output format; serialises to a dict and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grader.results.term import TermRecord


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class SubmissionStatus(StrEnum):
    """`not_graded` means the harness failed: never a zero the student earned. `missing`: the student handed in
    nothing gradable; counted apart, never as an earned zero in means and pass rates."""

    GRADED = "graded"
    NOT_GRADED = "not_graded"
    MISSING = "missing"


@dataclass(frozen=True)
class TestResult:
    check_id: str
    name: str
    score: float
    max_score: float
    status: Status
    visibility: str
    output: str
    metrics: Mapping[str, float | int | str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status.value,
            "visibility": self.visibility,
            "output": self.output,
            "metrics": dict(self.metrics),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TestResult:
        return cls(
            check_id=data["check_id"],
            name=data["name"],
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            status=Status(data["status"]),
            visibility=data["visibility"],
            output=data["output"],
            metrics=dict(data.get("metrics", {})),
        )


@dataclass(frozen=True)
class AssignmentResult:
    assignment: str
    submission: str
    status: SubmissionStatus
    tests: tuple[TestResult, ...]
    execution_time: float
    output: str
    provenance: Mapping[str, Any] = field(default_factory=dict)
    training_loss: tuple[float, ...] = ()
    """Mean training loss per epoch as the training observed it; for reports, never for scores."""
    student: str = ""
    """The student as people know them (Unicode kept); `submission` is the results folder's name. Empty: the same."""
    term: TermRecord | None = None
    """Roster, lateness and adjustments (`grader.term`); None where no course policy was applied."""

    @property
    def shown(self) -> str:
        """The name every output shows."""
        return self.student or self.submission

    @property
    def score(self) -> float:
        return round(sum(test.score for test in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(test.max_score for test in self.tests), 6)

    @property
    def final_score(self) -> float:
        """What the course records: the verified score with the term's adjustments and late penalty."""
        return self.term.final(self.score) if self.term is not None else self.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "submission": self.submission,
            "status": self.status.value,
            "tests": [test.to_dict() for test in self.tests],
            "execution_time": self.execution_time,
            "output": self.output,
            "provenance": dict(self.provenance),
            "training_loss": list(self.training_loss),
            "student": self.student,
            **({"term": self.term.to_dict()} if self.term is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssignmentResult:
        return cls(
            assignment=data["assignment"],
            submission=data["submission"],
            status=SubmissionStatus(data["status"]),
            tests=tuple(TestResult.from_dict(test) for test in data["tests"]),
            execution_time=float(data["execution_time"]),
            output=data["output"],
            provenance=dict(data.get("provenance", {})),
            training_loss=tuple(float(x) for x in data.get("training_loss", ())),
            student=str(data.get("student", "")),
            term=TermRecord.from_dict(data["term"]) if data.get("term") else None,
        )
