"""Threshold calibration: grade the reference solution over several seeds and record what it reaches.

Thresholds stay a human decision in assignment.yaml; this records the evidence next to the spec (calibration.yaml).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml

from grader import __version__
from grader.data.datasets import Dataset
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.spec import AssignmentSpec

SOLUTIONS_DIR = Path(__file__).resolve().parents[2] / "solutions"
CALIBRATION_FILE = "calibration.yaml"


class CalibrationError(Exception):
    """The reference did not produce an accuracy, so no threshold can be derived."""


@dataclass(frozen=True)
class Calibration:
    assignment: str
    dataset: str
    profile: str
    seeds: tuple[int, ...]
    accuracies: tuple[float, ...]
    margin: float

    @property
    def suggested(self) -> float:
        """The worst seed minus the margin, rounded down to two decimals."""
        return int((min(self.accuracies) - self.margin) * 100) / 100

    def as_dict(self) -> dict[str, object]:
        return {
            "seeds": list(self.seeds),
            "accuracies": [round(a, 4) for a in self.accuracies],
            "mean": round(statistics.fmean(self.accuracies), 4),
            "stdev": round(statistics.pstdev(self.accuracies), 4),
            "min": round(min(self.accuracies), 4),
            "margin": self.margin,
            "suggested_threshold": self.suggested,
            "measured_on": date.today().isoformat(),
            "grader_version": __version__,
        }

    def describe(self) -> str:
        data = self.as_dict()
        rows = "\n".join(f"  seed {s}: {a:.4f}" for s, a in zip(self.seeds, self.accuracies, strict=True))
        return (
            f"{self.assignment} on {self.dataset}, {self.profile} profile:\n{rows}\n"
            f"  mean {data['mean']}, stdev {data['stdev']}, min {data['min']}; "
            f"margin {self.margin} -> suggested threshold {self.suggested}"
        )


def calibrate(
    spec: AssignmentSpec, dataset: Dataset, profile: str, seeds: tuple[int, ...], margin: float, options: GradeOptions
) -> Calibration:
    reference = Submission("reference", SOLUTIONS_DIR / spec.id / spec.entry)
    accuracies = []
    for seed in seeds:
        result = grade_submission(spec, reference, dataset, replace(options, profile=profile, seed=seed))
        metric = next((t.metrics.get("accuracy") for t in result.tests if t.check_id == "accuracy"), None)
        if not isinstance(metric, float):
            raise CalibrationError(f"seed {seed}: the reference produced no accuracy:\n{result.output}")
        accuracies.append(metric)
    calibration = Calibration(spec.id, dataset.name, profile, seeds, tuple(accuracies), margin)
    if spec.folder is not None:
        record(spec.folder / CALIBRATION_FILE, calibration)
    return calibration


def record(path: Path, calibration: Calibration) -> None:
    existing = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = existing if isinstance(existing, dict) else {}
    data.setdefault(calibration.dataset, {})[calibration.profile] = calibration.as_dict()
    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
