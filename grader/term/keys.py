"""How a student is recognised across the roster, the submissions, `extensions.csv` and `adjustments.csv`: by any
of their id, GitHub username, e-mail (or its local part) and name, compared without case and Unicode form, and the
one CSV reader those files share (a BOM from a spreadsheet, header names in any case, a clear error per problem)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

MAX_BYTES = 5_000_000
"""A roster or adjustments file is a few kilobytes; anything past this is not one."""


class TableError(ValueError):
    """A CSV file the course gave that cannot be used as it is; the message names the file and what to fix."""


def key_of(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def keys_of(values: Iterable[str]) -> set[str]:
    """Every non-empty key, with an e-mail's local part as well (Gradescope names a student by it)."""
    keys = set()
    for value in values:
        key = key_of(value)
        if key:
            keys.add(key)
            if "@" in key:
                keys.add(key.partition("@")[0])
    return keys


def read_table(path: Path, required: Sequence[str], what: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of `path` as (line number, {lower-case header: stripped value}); blank rows skipped."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TableError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB; is this the {what} file?")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TableError(f"{path}: no such {what} file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TableError(f"{path}: cannot read the {what} file as UTF-8 text ({exc})") from None
    reader = csv.reader(text.splitlines())
    header = [key_of(name) for name in next(reader, [])]
    absent = [name for name in required if name not in header]
    if absent:
        raise TableError(
            f"{path}: the {what} file needs the column(s) {', '.join(absent)} in its first line (found: "
            f"{', '.join(header) or 'nothing'})"
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((number, {name: cell.strip() for name, cell in zip(header, cells, strict=False)}))
    return rows
