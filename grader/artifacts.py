"""Reads what the sandbox wrote, as data only: JSON, and arrays loaded with `allow_pickle=False`.

Anything that is not a regular file of a known name and a sane size is refused, so a submission cannot smuggle in a
symlink to a host file, a device, or a pickle.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.messages import CATALOGUE, Text, placeholders, say

MAX_ARTIFACT_BYTES = 64 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z_]+\.(json|npy|npz)$")


class ArtifactError(Exception):
    """An artifact that cannot be trusted or read; the message says which and why."""


def _read_bytes(path: Path) -> bytes:
    """Open without following links and check the opened file itself, so it cannot be swapped after the check."""
    if not _NAME.match(path.name):
        raise ArtifactError(f"{path.name}: unexpected artifact name")
    parent = path.parent.lstat() if path.parent.exists() else None
    if parent is not None and not stat.S_ISDIR(parent.st_mode):
        raise ArtifactError(f"{path.parent.name}/: is not a plain folder; refused")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ArtifactError(f"{path.name}: missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ArtifactError(f"{path.name}: is a symbolic link; refused") from None
        raise ArtifactError(f"{path.name}: cannot be opened ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ARTIFACT_BYTES:
        os.close(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ArtifactError(f"{path.name}: is not a regular file; refused")
        raise ArtifactError(f"{path.name}: {info.st_size} bytes is over the {MAX_ARTIFACT_BYTES} byte limit; refused")
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_ARTIFACT_BYTES + 1)


def read_json(path: Path) -> Any:
    try:
        return json.loads(_read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ArtifactError(f"{path.name}: not valid JSON ({type(exc).__name__})") from None


def read_array(path: Path) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(_read_bytes(path)), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ArtifactError(f"{path.name}: not a plain numeric array ({exc})") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise ArtifactError(f"{path.name}: not a plain numeric array")
    return array


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(io.BytesIO(_read_bytes(path)), allow_pickle=False) as bundle:
            arrays = {key: bundle[key] for key in bundle.files}
    except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise ArtifactError(f"{path.name}: not a bundle of plain numeric arrays ({exc})") from None
    for key, array in arrays.items():
        if array.dtype.kind not in "biuf":
            raise ArtifactError(f"{path.name}: entry {key!r} is not numeric")
    return arrays


@dataclass(frozen=True)
class Step:
    """One contract step as observed: ok, error, skipped, interrupted (the process died in it) or not_reached.

    `error` says why it is not ok: a catalogue message (the sandbox's `error_id` and `error_params`, or the host's own
    words), or a traceback as Python printed it."""

    name: str
    status: str
    error: Text | str | None = None
    seconds: float = 0.0
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def sandbox_error(record: dict[str, Any]) -> Text | str | None:
    """A step record's error as the sandbox worded it: its `sandbox.*` id with exactly that message's parameters,
    each a plain JSON value, else the `error` text as written (a traceback, or words the host gave the sandbox)."""
    message_id, params = record.get("error_id"), record.get("error_params")
    if (
        isinstance(message_id, str)
        and message_id.startswith("sandbox.")
        and message_id in CATALOGUE
        and isinstance(params, dict)
        and set(params) == placeholders(CATALOGUE[message_id].en)
        and all(isinstance(value, str | int | float) for value in params.values())
    ):
        return Text(message_id, params)
    error = record.get("error")
    return None if error is None else str(error)


class Observation:
    """The sandbox's artifacts folder, read lazily; every read goes through the checks above."""

    def __init__(self, folder: Path, ending: Text | str | None) -> None:
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
                return Step(name, "error", say("step.record_refused", problem=str(exc)))
            if self._running == name:
                return Step(name, "interrupted", self.ending or say("step.interrupted"))
            return Step(name, "not_reached", self._why_not_reached())
        if not isinstance(raw, dict):
            return Step(name, "error", say("step.record_unreadable"))
        facts = raw.get("facts") if isinstance(raw.get("facts"), dict) else {}
        seconds = raw.get("seconds")
        seconds = float(seconds) if isinstance(seconds, int | float) else 0.0
        return Step(name, str(raw.get("status")), sandbox_error(raw), seconds, facts)

    def _why_not_reached(self) -> Text:
        if self._running is not None:
            return say("step.not_reached_during", step=self._running, ending=self.ending)
        return say("step.not_reached_after", ending=self.ending) if self.ending else say("step.not_reached")

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
