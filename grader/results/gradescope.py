"""Gradescope's results.json: top-level score, execution_time, output, tests[] (each tagged with its check id) and
extra_data carrying the provenance that makes a grade reproducible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.results.model import AssignmentResult

FILENAME = "results.json"


def to_gradescope(result: AssignmentResult) -> dict[str, Any]:
    return {
        "score": result.score,
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
            "status": result.status.value,
            "max_score": result.max_score,
            "metrics": {test.check_id: dict(test.metrics) for test in result.tests},
            "provenance": dict(result.provenance),
        },
    }


def write(result: AssignmentResult, folder: Path) -> Path:
    """Written to a temporary name then renamed, so a half-written results.json never looks complete."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILENAME
    tmp = folder / f".{FILENAME}.tmp"
    tmp.write_text(json.dumps(to_gradescope(result), indent=2, sort_keys=False), encoding="utf-8")
    tmp.replace(target)
    return target
