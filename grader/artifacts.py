"""Reads what the sandbox wrote, as data only: JSON, and plain numeric arrays (`.npy`, `.npz`), never a pickle.

Student code shares the sandbox's process, so every artifact is read as hostile: anything that is not a regular file
of a known name and a sane size is refused (a link to a host file, a hard link, a device), JSON is bounded in depth
and in the digits of its numbers, and an array's size is read from its header and checked before a byte of it is
allocated, so a small file that declares gigabytes (a zip bomb in an `.npz`) is refused, not inflated.
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
from typing import IO, Any, Protocol

import numpy as np

from grader.messages import CATALOGUE, Text, placeholders, say

MAX_ARTIFACT_BYTES = 64 * 1024 * 1024
MAX_ARRAY_BYTES = 64 * 1024 * 1024
"""What the arrays of one artifact may take once read (an `.npz` inflated), across all its members."""
MAX_MEMBERS = 256
MAX_JSON_DEPTH = 32
MAX_DIGITS = 40
NUMERIC_KINDS = "biuf"
_NAME = re.compile(r"^[A-Za-z_]+\.(json|npy|npz)$")
_MEMBER = re.compile(r"^[A-Za-z0-9_]{1,64}\.npy$")


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
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ARTIFACT_BYTES or info.st_nlink != 1:
        os.close(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ArtifactError(f"{path.name}: is not a regular file; refused")
        if info.st_nlink != 1:
            raise ArtifactError(f"{path.name}: is a hard link to another file; refused")
        raise ArtifactError(f"{path.name}: {info.st_size} bytes is over the {MAX_ARTIFACT_BYTES} byte limit; refused")
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_ARTIFACT_BYTES + 1)


class _NotNumeric(ArtifactError):
    """An array of strings, dates or records: data, but not what a check compares."""


class _Objects(_NotNumeric):
    """An array of Python objects: loading it would run a pickle."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits")
    return int(text)


def nesting_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in parsed JSON, without recursion; counting stops past `limit`."""
    deepest, frontier = 0, [(value, 1)]
    while frontier:
        item, depth = frontier.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            frontier += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return deepest


def parse_json(raw: bytes, name: str) -> Any:
    """JSON written next to student code: numbers of at most MAX_DIGITS digits, nesting of at most MAX_JSON_DEPTH."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_int=_integer)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ArtifactError(f"{name}: not valid JSON within the grader's bounds ({exc})") from None
    if nesting_depth(value) > MAX_JSON_DEPTH:
        raise ArtifactError(f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels; refused")
    return value


def read_json(path: Path) -> Any:
    return parse_json(_read_bytes(path), path.name)


def _bounded_array(stream: IO[bytes], name: str, budget: int) -> np.ndarray:
    """One `.npy` from `stream`: its header read and checked first (a plain numeric dtype, a size within `budget`),
    then exactly that many bytes."""
    try:
        version = np.lib.format.read_magic(stream)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = reader(stream, max_header_size=10000)
    except (ValueError, OSError, EOFError) as exc:
        raise ArtifactError(f"{name}: not a plain numeric array ({exc})") from None
    if dtype.hasobject:
        raise _Objects(f"{name}: not a plain numeric array (it holds Python objects, which only a pickle can load)")
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None:
        raise _NotNumeric(f"{name}: not a plain numeric array (dtype {dtype})")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    size = count * dtype.itemsize
    if count < 0 or size > budget:
        raise ArtifactError(f"{name}: declares {size} bytes of array, over the {budget} byte limit; refused")
    data = stream.read(size + 1)
    if len(data) != size:
        raise ArtifactError(f"{name}: holds {len(data)} bytes where its header declares {size}; refused")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C").copy()


def read_array(path: Path) -> np.ndarray:
    return _bounded_array(io.BytesIO(_read_bytes(path)), path.name, MAX_ARRAY_BYTES)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """An `.npz`: each member's declared size is checked before it is inflated, against one budget for them all."""
    budget = MAX_ARRAY_BYTES
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(_read_bytes(path))) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_MEMBERS:
                raise ArtifactError(f"{path.name}: {len(members)} arrays, over the {MAX_MEMBERS} limit; refused")
            for member in members:
                if not _MEMBER.match(member.filename) or member.file_size > budget + 4096:
                    raise ArtifactError(f"{path.name}: member {member.filename!r} refused (name or declared size)")
                key = member.filename.removesuffix(".npy")
                with bundle.open(member) as stream:
                    try:
                        array = _bounded_array(stream, f"{path.name}:{member.filename}", budget)
                    except _Objects:
                        raise ArtifactError(f"{path.name}: not a bundle of plain numeric arrays ({key!r})") from None
                    except _NotNumeric:
                        raise ArtifactError(f"{path.name}: entry {key!r} is not numeric") from None
                budget -= array.nbytes
                arrays[key] = array
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise ArtifactError(f"{path.name}: not a bundle of plain numeric arrays ({exc})") from None
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


class Observations(Protocol):
    """What checks read: one run's observations (`Observation`) or several runs' (`stages.StagedObservation`)."""

    def step(self, name: str) -> Step: ...

    def array(self, name: str) -> np.ndarray: ...

    def arrays(self, name: str) -> dict[str, np.ndarray]: ...

    def environment(self) -> dict[str, Any]: ...


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
