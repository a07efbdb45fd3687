"""What the host and the sandbox must agree on: the job folder's layout and the canonical input preprocessing.

NumPy and the standard library only, so the host can import it without importing anything that runs student code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PROBE_NAMES = frozenset(
    {"keras_mlp", "torch_loop", "lightning_module", "keras_save", "keras_inspect", "keras_load", "torch_save",
     "torch_inspect", "torch_load"}
)  # fmt: skip
"""The sandbox's probes by name (grader/sandbox/probes.py registers exactly these), so a spec is checked without
importing them."""
HANDOFF_IN = "handoff"
"""The folder, under the job root, where a run finds an earlier run's saved file (read-only)."""
HANDOFF_OUT = "outbox"
"""The folder, under the job root, where the saving run writes its file for the host to take."""
PROBE_ROWS = 20
"""Held-out images the probe feeds the model (softmax sums, agreement with the reference); the host cuts them."""
TORCHVISION = "torchvision"
"""The folder, under the job root, holding torchvision's IDX files; each run sees them as `./data` (read-only)."""
SCRATCH = "tmp"
"""The folder, under the job root, a run without a private /tmp gets as its TMPDIR."""
STATUS_MARKER = "\x1egrader-sandbox-status "
"""Starts the line the sandbox prints once it is confined and prepared, before any student code runs: the first such
line in the run's output is the sandbox's own, so the host tells its own failures from the student's by it."""


def artifacts_dir(root: Path) -> Path:
    """Where the sandbox writes its observations (JSON, .npy, .npz) and the host reads them."""
    return root / "artifacts"


def work_dir(root: Path) -> Path:
    """The student process's working directory (the course note's `./data` lives here)."""
    return root / "work"


def normalize(pixels: np.ndarray, mean: float, std: float) -> np.ndarray:
    """(pixels / 255 - mean) / std in float32: x / 255.0 for Keras, ToTensor + Normalize((0.5,), (0.5,)) for torch."""
    return ((pixels / np.float32(255.0) - np.float32(mean)) / np.float32(std)).astype(np.float32)
