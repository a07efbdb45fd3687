"""The job as the sandbox sees it: a folder laid out by the host, described by plain JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.sandbox.cells import CellMap
from grader.sandbox.layout import artifacts_dir, normalize, work_dir


@dataclass(frozen=True)
class SandboxJob:
    """What to run: read from `<job>/job.json`; data under `<job>/data`, observations written to `<job>/artifacts`."""

    root: Path
    probe: str
    submission: Path | None
    """None in a run that must not import the student's code (it inspects a file an earlier run saved)."""
    seed: int
    epochs: int
    dataset: str
    train_sample: tuple[int, ...]
    test_sample: tuple[int, ...]
    device: str
    mean: float
    std: float
    shown_as: str = "submission.py"
    """The graded file's name as the student knows it (`submission.ipynb` for a notebook)."""
    cells: CellMap | None = None
    import_error: str | None = None
    """Why the submission cannot be imported, found by the host (a notebook that is not valid, a syntax error)."""
    stage: str = "main"
    handoff_in: Path | None = None
    """The file an earlier run saved, handed over by the host (read-only); None when there is none."""
    handoff_out: Path | None = None
    """Where this run must have the student's code save its file; None when this run saves nothing."""
    experiment: dict[str, Any] | None = None
    """The grader's training experiment (`grader.verification.experiment`): rows, batch size, learning rate."""

    @property
    def artifacts(self) -> Path:
        return artifacts_dir(self.root)

    @property
    def workdir(self) -> Path:
        return work_dir(self.root)

    @classmethod
    def read(cls, root: Path) -> SandboxJob:
        raw = json.loads((root / "job.json").read_text(encoding="utf-8"))
        submission = None if raw.get("submission") is None else root / str(raw["submission"])
        error = raw.get("import_error")
        handoff_in, handoff_out = raw.get("handoff_in"), raw.get("handoff_out")
        return cls(
            root=root,
            probe=str(raw["probe"]),
            submission=submission,
            seed=int(raw["seed"]),
            epochs=int(raw["epochs"]),
            dataset=str(raw["dataset"]),
            train_sample=tuple(int(i) for i in raw["train_sample"]),
            test_sample=tuple(int(i) for i in raw["test_sample"]),
            device=str(raw.get("device", "cpu")),
            mean=float(raw["normalize"]["mean"]),
            std=float(raw["normalize"]["std"]),
            shown_as=str(raw.get("shown_as", "submission.py")),
            cells=None if submission is None else CellMap.from_json(submission, raw.get("notebook")),
            import_error=None if error is None else str(error),
            stage=str(raw.get("stage", "main")),
            handoff_in=None if handoff_in is None else root / str(handoff_in),
            handoff_out=None if handoff_out is None else root / str(handoff_out),
            experiment=raw.get("experiment"),
        )

    @staticmethod
    def handoff_path(path: Path | None) -> Path:
        """`handoff_in` or `handoff_out`, which a saving or loading probe cannot do without: None means the spec's
        handoff does not reach this run, a harness problem, never the student's."""
        if path is None:
            raise RuntimeError("this run was given no handoff file; check `handoff` in assignment.yaml")
        return path

    def canonical(self, pixels: np.ndarray) -> np.ndarray:
        """The course note's preprocessing, applied by the grader so training never depends on the student's."""
        return normalize(pixels, self.mean, self.std)

    def arrays(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        with np.load(self.root / "data" / f"{name}.npz", allow_pickle=False) as data:
            return data["x"], data["y"]
