"""Reads what the sandbox wrote, as data only: JSON, and arrays loaded with `allow_pickle=False`.

Anything that is not a regular file of a known name and a sane size is refused, so a submission cannot smuggle in a
symlink to a host file, a device, or a pickle.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MAX_ARTIFACT_BYTES = 64 * 1024 * 1024
_NAME = re.compile(r"^[a-z_]+\.(json|npy|npz)$")


class ArtifactError(Exception):
    """An artifact that cannot be trusted or read; the message says which and why."""


def _checked(path: Path) -> Path:
    if not _NAME.match(path.name):
        raise ArtifactError(f"{path.name}: unexpected artifact name")
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise ArtifactError(f"{path.name}: missing") from None
    if stat.S_ISLNK(info.st_mode):
        raise ArtifactError(f"{path.name}: is a symbolic link; refused")
    if not stat.S_ISREG(info.st_mode):
        raise ArtifactError(f"{path.name}: is not a regular file; refused")
    if info.st_size > MAX_ARTIFACT_BYTES:
        raise ArtifactError(f"{path.name}: {info.st_size} bytes is over the {MAX_ARTIFACT_BYTES} byte limit; refused")
    return path


def read_json(path: Path) -> Any:
    try:
        return json.loads(_checked(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{path.name}: not valid JSON ({exc})") from None


def read_array(path: Path) -> np.ndarray:
    try:
        array = np.load(_checked(path), allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise ArtifactError(f"{path.name}: not a plain numeric array ({exc})") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise ArtifactError(f"{path.name}: not a plain numeric array")
    return array


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(_checked(path), allow_pickle=False) as bundle:
            arrays = {key: bundle[key] for key in bundle.files}
    except (ValueError, OSError, KeyError) as exc:
        raise ArtifactError(f"{path.name}: not a bundle of plain numeric arrays ({exc})") from None
    for key, array in arrays.items():
        if array.dtype.kind not in "biuf":
            raise ArtifactError(f"{path.name}: entry {key!r} is not numeric")
    return arrays


@dataclass(frozen=True)
class Step:
    """One contract step as observed: ok, error, skipped, interrupted (the process died in it) or not_reached."""

    name: str
    status: str
    error: str | None = None
    seconds: float = 0.0
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Observation:
    """The sandbox's artifacts folder, read lazily; every read goes through the checks above."""

    def __init__(self, folder: Path, ending: str | None) -> None:
        self.folder = folder
        self.ending = ending
        self._running = self._current_step()

    def _current_step(self) -> str | None:
        try:
            progress = read_json(self.folder / "progress.json")
        except ArtifactError:
            return None
        step = progress.get("step") if isinstance(progress, dict) else None
        return step if isinstance(step, str) and step != "done" else None

    def step(self, name: str) -> Step:
        try:
            raw = read_json(self.folder / "steps" / f"{name}.json")
        except ArtifactError as exc:
            if "missing" not in str(exc):
                return Step(name, "error", f"the grader refused this step's record: {exc}")
            if self._running == name:
                return Step(name, "interrupted", self.ending or "the process stopped during this step")
            return Step(name, "not_reached", self._why_not_reached())
        if not isinstance(raw, dict):
            return Step(name, "error", "the grader could not read this step's record")
        facts = raw.get("facts") if isinstance(raw.get("facts"), dict) else {}
        error = raw.get("error")
        return Step(name, str(raw.get("status")), None if error is None else str(error), float(raw.get("seconds", 0)), facts)

    def _why_not_reached(self) -> str:
        if self._running is not None:
            return f"not reached: the process stopped during `{self._running}` ({self.ending})"
        return f"not reached ({self.ending})" if self.ending else "not reached"

    def array(self, name: str) -> np.ndarray:
        return read_array(self.folder / f"{name}.npy")

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        return read_arrays(self.folder / f"{name}.npz")

    def environment(self) -> dict[str, Any]:
        try:
            data = read_json(self.folder / "environment.json")
        except ArtifactError:
            return {}
        return data if isinstance(data, dict) else {}
