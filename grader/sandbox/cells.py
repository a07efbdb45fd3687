"""Where a line of the graded module came from, when the submission is a notebook: `submission.ipynb, cell 7, line 3`.

The host writes the map into job.json as plain data; tracebacks use it so a student never sees a line number of a file
the grader generated.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CellMap:
    """`module`: the generated file; `file`: the notebook's name; `lines[i]`: (cell, line) of the module's line i+1."""

    module: Path
    file: str
    lines: tuple[tuple[int, int], ...]

    @classmethod
    def from_json(cls, module: Path, raw: object) -> CellMap | None:
        if not isinstance(raw, dict):
            return None
        lines = tuple((int(cell), int(line)) for cell, line in raw.get("lines", []))
        return cls(module, str(raw.get("file", "submission.ipynb")), lines)

    def where(self, filename: str, lineno: int | None) -> str | None:
        """`"submission.ipynb", cell 7, line 3` for a line of the module, None for any other file."""
        if filename != str(self.module) or lineno is None or not 1 <= lineno <= len(self.lines):
            return None
        cell, line = self.lines[lineno - 1]
        return f'"{self.file}", cell {cell}, line {line}'


def format_frames(frames: Sequence[traceback.FrameSummary], cells: CellMap | None) -> list[str]:
    """`traceback.format_list`, with the notebook's frames named by cell and line as Jupyter numbers them."""
    out = []
    for frame in frames:
        where = cells.where(frame.filename, frame.lineno) if cells else None
        if where is None:
            out += traceback.format_list([frame])
            continue
        code = f"    {frame.line.strip()}\n" if frame.line else ""
        out.append(f"  File {where}, in {frame.name}\n{code}")
    return out
