"""The job as the sandbox sees it: a folder laid out by the host, described by plain JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader.sandbox.cells import CellMap
from grader.sandbox.layout import artifacts_dir, normalize, work_dir


@dataclass(frozen=True)
class SandboxJob:
    """What to run: read from `<job>/job.json`; data under `<job>/data`, observations written to `<job>/artifacts`."""

    root: Path
    probe: str
    submission: Path
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

    @property
    def artifacts(self) -> Path:
        return artifacts_dir(self.root)

    @property
    def workdir(self) -> Path:
        return work_dir(self.root)

    @classmethod
    def read(cls, root: Path) -> SandboxJob:
        raw = json.loads((root / "job.json").read_text(encoding="utf-8"))
        submission = root / str(raw["submission"])
        error = raw.get("import_error")
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
            shown_as=str(raw.get("shown_as", submission.name)),
            cells=CellMap.from_json(submission, raw.get("notebook")),
            import_error=None if error is None else str(error),
        )

    def canonical(self, pixels: np.ndarray) -> np.ndarray:
        """The course note's preprocessing, applied by the grader so training never depends on the student's."""
        return normalize(pixels, self.mean, self.std)

    def arrays(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        with np.load(self.root / "data" / f"{name}.npz", allow_pickle=False) as data:
            return data["x"], data["y"]
