"""A regraded student's earlier result is kept, not overwritten: `<student>/history/<graded at>-<key>.json`.

The new result records a summary of the one it replaced (`provenance["previous"]`), so the gradebook can show what
changed without reading the history folder.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.outputs import gradescope
from grader.results import AssignmentResult

FOLDER = "history"
KEY_CHARS = 12


def now() -> str:
    """When a result was graded, in UTC, to the second: sortable and the same on every machine."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def archive_previous(folder: Path, new_key: str, force: bool) -> dict[str, Any] | None:
    """Move `folder/results.json` into `folder/history/` unless it holds the same key as the result about to replace it
    (a rerun that changed nothing; `force` archives even that). Returns the summary the new result keeps."""
    current = folder / gradescope.FILENAME
    if not current.is_file():
        return None
    try:
        earlier: AssignmentResult | None = gradescope.read(current)
    except ValueError:
        earlier = None  # unreadable, still kept as it was: nothing is lost
    key = str(earlier.provenance.get("cache_key", "")) if earlier else ""
    if earlier is not None and key == new_key and not force:
        return dict(earlier.provenance.get("previous") or {}) or None
    graded_at = str(earlier.provenance.get("graded_at", "")) if earlier else ""
    graded_at = graded_at or datetime.fromtimestamp(current.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    target = _free_name(folder / FOLDER, f"{graded_at.replace(':', '')}-{_short(key)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    current.replace(target)
    summary: dict[str, Any] = {"graded_at": graded_at, "cache_key": key, "file": f"{FOLDER}/{target.name}"}
    if earlier is not None:
        summary |= {"status": earlier.status.value, "score": earlier.score, "max_score": earlier.max_score}
    return summary


def _short(key: str) -> str:
    return "".join(c for c in key.rpartition(":")[2] if c.isalnum())[:KEY_CHARS] or "nokey"


def _free_name(folder: Path, stem: str) -> Path:
    """Two regrades within one second keep both files."""
    candidate, count = folder / f"{stem}.json", 1
    while candidate.exists():
        count += 1
        candidate = folder / f"{stem}-{count}.json"
    return candidate
