"""Writes what the sandbox observes, one step at a time, so a crash or a timeout keeps every earlier observation."""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from grader.sandbox.cells import CellMap, format_frames

# Captured before student code is imported: a submission that monkeypatches numpy cannot change what we write.
_asarray = np.asarray
_save = np.save
_savez = np.savez

TRACEBACK_LINES = 25


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
    tmp.replace(path)


def describe_exception(exc: BaseException, student_dir: Path | None = None, cells: CellMap | None = None) -> str:
    """The traceback from the student's first frame on, with the student's paths shortened, as a terminal shows it;
    a notebook's frames name their cell and line (`cells`)."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
        if student_dir is not None:
            prefix = str(student_dir)
            first = next((i for i, f in enumerate(frames) if f.filename.startswith(prefix)), len(frames))
            frames = frames[first:]
        lines = ["Traceback (most recent call last):\n", *format_frames(frames, cells)] if frames else []
        lines += traceback.format_exception_only(exc)
    except Exception:  # a hostile __str__ must not take the sandbox down
        return f"{type(exc).__name__} (its message could not be shown)"
    text = "".join(lines).rstrip()
    if student_dir is not None:
        text = text.replace(f"{student_dir}/", "")
    return "\n".join(text.splitlines()[-TRACEBACK_LINES:])


class StepFailed(Exception):
    """Raised inside a step when the student's result is unusable: the id of a message for the student (the host's
    catalogue words it, grader/messages/sandbox.py) and its parameters, plain JSON values."""

    def __init__(self, message_id: str, **params: str | int | float) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params


class Recorder:
    """Records steps as `steps/<name>.json` and arrays as `.npy`/`.npz` in the artifacts folder."""

    def __init__(self, folder: Path, student_dir: Path | None = None, cells: CellMap | None = None) -> None:
        self.folder = folder
        self.student_dir = student_dir
        self.cells = cells
        self.records: dict[str, dict[str, Any]] = {}
        """Each step's record as written, kept in memory for the status line (`grader.sandbox.__main__`)."""
        self._progress: dict[str, Any] = {}
        self._progress_lock = threading.Lock()
        (folder / "steps").mkdir(parents=True, exist_ok=True)

    def write_json(self, name: str, payload: Mapping[str, Any]) -> None:
        _atomic_write(self.folder / name, json.dumps(payload, default=str).encode())

    def save_array(self, name: str, array: object) -> None:
        tmp = self.folder / f".{name}.tmp.npy"
        _save(tmp, _asarray(array), allow_pickle=False)
        tmp.replace(self.folder / f"{name}.npy")

    def save_arrays(self, name: str, arrays: Mapping[str, object]) -> None:
        tmp = self.folder / f".{name}.tmp.npz"
        _savez(tmp, **{key: _asarray(value) for key, value in arrays.items()})
        tmp.replace(self.folder / f"{name}.npz")

    def count(self, step: str, **counts: int) -> None:
        """Training counts (`grader.sandbox.progress`) added to progress.json while `step` is the step running, for
        the host's progress line only. Framework callbacks call it, some from threads of their own, so it writes
        through a file of its own under a lock, and never raises: a lost count costs nothing."""
        with self._progress_lock:
            if self._progress.get("step") != step:
                return
            tmp = self.folder / ".progress.json.count.tmp"
            try:
                tmp.write_bytes(json.dumps({**self._progress, **counts}).encode())
                tmp.replace(self.folder / "progress.json")
            except OSError:
                pass

    def skip(self, name: str, message_id: str, **params: str | int | float) -> None:
        """Record a step not run, and why: a message id and its parameters, as for StepFailed."""
        reason = {"error": message_id, "error_id": message_id, "error_params": params}
        self.write_json(f"steps/{name}.json", {"name": name, "status": "skipped", **reason, "seconds": 0.0})

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        """Run one contract step; whatever it raises (SystemExit included) is recorded, never propagated."""
        with self._progress_lock:
            self._progress = {"step": name, "started": time.time()}
            self.write_json("progress.json", self._progress)
        facts: dict[str, Any] = {}
        started = time.perf_counter()
        status, error, said = "ok", None, {}
        try:
            yield facts
        except StepFailed as exc:
            status, error = "error", exc.message_id
            said = {"error_id": exc.message_id, "error_params": exc.params}
        except SystemExit as exc:
            status, error = "error", "sandbox.sys_exit"
            said = {"error_id": error, "error_params": {"code": repr(exc.code)}}
        except BaseException as exc:  # student code may raise anything, KeyboardInterrupt included
            status, error = "error", describe_exception(exc, self.student_dir, self.cells)
        record = {"name": name, "status": status, "error": error, **said, "seconds": time.perf_counter() - started}
        self.records[name] = record
        self.write_json(f"steps/{name}.json", {**record, "facts": facts})
