"""Every file the host writes for someone else to read (results, reports, gradebooks, datasets, records) is written
here: to a temporary file of its own in the same folder, then renamed over the target, so a reader sees the old file
or the new one, never half of one, and two writers never share a temporary file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once, at import (before any thread starts): os.umask is process-wide
DEFAULT_MODE = 0o666 & ~_UMASK
"""What `open()` would have given the file: a temporary file starts as its owner's alone."""


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> Path:
    """`mode`: the file's permissions (default: as `open()` would create it under this process's umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        temporary.chmod(DEFAULT_MODE if mode is None else mode)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)  # a full disk or an interrupt leaves no partial file behind
        raise
    return path


def write_text(path: Path, text: str, *, encoding: str = "utf-8", mode: int | None = None) -> Path:
    """The text's own line endings are kept (the CSV writer chooses CRLF itself)."""
    return write_bytes(path, text.encode(encoding), mode)
