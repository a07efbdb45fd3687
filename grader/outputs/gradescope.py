"""Gradescope's results.json: top-level score, execution_time, output, tests[] (each tagged with its check id) and
extra_data carrying the provenance that makes a grade reproducible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader import atomic, course_key
from grader.results.model import AssignmentResult, SubmissionStatus, TestResult
from grader.results.term import TermRecord

FILENAME = "results.json"
SIGNATURE = "signature"


def to_gradescope(result: AssignmentResult) -> dict[str, Any]:
    """`score` is what the course records (`final_score`); the tests keep the points the grader verified."""
    return {
        "score": result.final_score,
        "execution_time": round(result.execution_time, 3),
        "output": result.output,
        "output_format": "text",
        "tests": [
            {
                "name": test.name,
                "score": test.score,
                "max_score": test.max_score,
                "status": test.status.value,
                "visibility": test.visibility,
                "output": test.output,
                "tags": [test.check_id],
            }
            for test in result.tests
        ],
        "extra_data": {
            "assignment": result.assignment,
            "submission": result.submission,
            "student": result.shown,
            "status": result.status.value,
            "max_score": result.max_score,
            "metrics": {test.check_id: dict(test.metrics) for test in result.tests},
            "training_loss": list(result.training_loss),
            "provenance": dict(result.provenance),
            **({"term": result.term.to_dict()} if result.term is not None else {}),
        },
    }


def from_gradescope(data: dict[str, Any]) -> AssignmentResult:
    """The inverse of `to_gradescope`, for results written by this grader (extra_data holds what Gradescope drops)."""
    extra = data["extra_data"]
    metrics = extra.get("metrics", {})
    tests = tuple(
        TestResult.from_dict({**test, "check_id": test["tags"][0], "metrics": metrics.get(test["tags"][0], {})})
        for test in data["tests"]
    )
    return AssignmentResult(
        assignment=extra["assignment"],
        submission=extra["submission"],
        status=SubmissionStatus(extra["status"]),
        tests=tests,
        execution_time=float(data["execution_time"]),
        output=data["output"],
        provenance={k: v for k, v in extra.get("provenance", {}).items() if k != SIGNATURE},
        training_loss=tuple(float(x) for x in extra.get("training_loss", ())),
        student="" if extra.get("student") == extra["submission"] else str(extra.get("student", "")),
        term=TermRecord.from_dict(extra["term"]) if extra.get("term") else None,
    )


def _signed_bytes(data: dict[str, Any]) -> bytes:
    """The result as signed: its canonical JSON without the signature itself."""
    unsigned = json.loads(json.dumps(data))
    unsigned.get("extra_data", {}).get("provenance", {}).pop(SIGNATURE, None)
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with this host's signature (`grader.course_key`) in its provenance."""
    data["extra_data"]["provenance"][SIGNATURE] = course_key.sign(_signed_bytes(data))
    return data


def read_trusted(path: Path) -> AssignmentResult | None:
    """A results.json this grader wrote on this host, or None: one without a valid signature (written by anything
    else, student code included, or changed since) is never trusted as a cached result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        signature = data["extra_data"]["provenance"].get(SIGNATURE)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not course_key.verify(_signed_bytes(data), signature):
        return None
    try:
        return from_gradescope(data)
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def read(path: Path) -> AssignmentResult:
    """Read a results.json this grader wrote; ValueError (with the path) for anything else."""
    try:
        return from_gradescope(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"{path}: not a results.json written by this grader ({exc})") from None


def write(result: AssignmentResult, folder: Path) -> Path:
    """Atomic (`grader.atomic`): a half-written results.json never looks complete."""
    return atomic.write_text(folder / FILENAME, json.dumps(sign(to_gradescope(result)), indent=2, sort_keys=False))
