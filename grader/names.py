"""How students' names are spelled: as people write them (`display_name`: 김철수, whatever bytes the file system kept)
and as a results folder (`safe_name`: path-safe, still 김철수). Every output shows the first and maps the second back
to it."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.@+-]")
_NAME_BYTES = 200
_LEGACY_ENCODINGS = ("cp949",)
"""How a name that is not UTF-8 is most likely spelled: a zip made on a Korean Windows machine."""


def is_utf8(name: str) -> bool:
    """The name's bytes are UTF-8 (a name that is not comes back from the file system with surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_name(raw: str) -> str:
    """A name as people read it: NFC Unicode; a name that is not UTF-8 (its bytes kept by the file system) is read as
    a Korean Windows zip would have written it, else shown with its bytes escaped."""
    data = os.fsencode(raw)
    for encoding in ("utf-8", *_LEGACY_ENCODINGS):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return unicodedata.normalize("NFC", text).strip()
    return data.decode("utf-8", "backslashreplace").strip()


def safe_name(raw: str) -> str:
    """A name usable as a results folder: letters and digits of any script (김철수), `._@+-`, nothing hidden, never
    empty, at most 200 bytes of UTF-8. Every output maps it back to the student's own spelling (`label`)."""
    name = _UNSAFE.sub("_", display_name(raw))
    while len(name.encode()) > _NAME_BYTES:
        name = name[:-1]
    if name.startswith("."):
        name = "_" + name[1:]
    return name or "unnamed"


def typed_path(path: Path) -> str:
    """A path as the user would type it from here: relative to the current folder when inside it."""
    absolute = path.absolute()
    return str(absolute.relative_to(Path.cwd())) if absolute.is_relative_to(Path.cwd()) else str(absolute)
