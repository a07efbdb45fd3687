"""The code each submission is compared on, read as untrusted data: bounded in size, text only, never run.

A `.py` is compared as written; a notebook as its code cells top to bottom (`notebooks.to_script`, IPython syntax made
inert), every line remembering its cell, so the report can say `cell 3, line 2`. A file that cannot be compared (too
large, binary, not UTF-8, a notebook that cannot be read) becomes a `Skipped` with the reason, and the class goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.job import Submission
from grader.messages import Text, say
from grader.names import display_name
from grader.notebooks.convert import NOTEBOOK_SUFFIX, NotebookError, read_notebook, to_script
from grader.spec import AssignmentSpec
from grader.submissions import Accepted, SubmissionError, discover, entry_files

MAX_SOURCE_BYTES = 1024 * 1024
"""The most code compared per submission: far beyond any assignment's solution, small enough to fingerprint fast."""
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
"""A notebook file may carry megabytes of plots in its outputs; beyond this it is not opened at all."""


@dataclass(frozen=True)
class Source:
    """One submission's code. `key` is unique among everything compared (the results folder's name, or
    `<earlier folder>/<name>` for an earlier term's); `places` holds each line's (cell, line) for a notebook."""

    key: str
    shown: str
    file: str
    code: str
    places: tuple[tuple[int, int], ...] | None = None
    earlier: bool = False

    def place(self, line: int) -> str:
        """Where a 1-based line of `code` is, as the student sees it: `12`, or `3:2` (cell 3, line 2)."""
        if self.places is None:
            return str(line)
        if 1 <= line <= len(self.places):
            cell, in_cell = self.places[line - 1]
            return f"{cell}:{in_cell}"
        return ""


@dataclass(frozen=True)
class Skipped:
    """A submission left out of the comparison, and why (shown in the report, never a score)."""

    shown: str
    file: str
    reason: Text


def read_source(path: Path, key: str, shown: str, *, earlier: bool = False) -> Source | Skipped:
    """The code of `path`, or why it cannot be compared."""
    file = display_name(path.name)
    try:
        if not path.is_file():
            return Skipped(shown, file, say("similarity.not_a_file"))
        if path.suffix == NOTEBOOK_SUFFIX:
            if path.stat().st_size > MAX_NOTEBOOK_BYTES:
                return Skipped(shown, file, _too_large(MAX_NOTEBOOK_BYTES))
            module = to_script(read_notebook(path))
            code, places = module.source, module.lines
        else:
            code, places = _text(path), None
    except NotebookError as exc:
        return Skipped(shown, file, exc.text)
    except _NotText as exc:
        return Skipped(shown, file, exc.reason)
    except (OSError, RecursionError, ValueError) as exc:
        return Skipped(shown, file, say("similarity.unreadable", error=type(exc).__name__))
    if len(code.encode("utf-8", "replace")) > MAX_SOURCE_BYTES:
        return Skipped(shown, file, _too_large(MAX_SOURCE_BYTES))
    # One line ending, as pygments reads the code: copydetect's positions are positions in that text.
    return Source(key, shown, file, code.replace("\r\n", "\n").replace("\r", "\n"), places, earlier)


class _NotText(Exception):
    def __init__(self, reason: Text) -> None:
        super().__init__(reason.render())
        self.reason = reason


def _text(path: Path) -> str:
    """At most MAX_SOURCE_BYTES + 1 bytes are read, whatever the file claims to be."""
    with path.open("rb") as stream:
        data = stream.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise _NotText(_too_large(MAX_SOURCE_BYTES))
    if b"\0" in data:
        raise _NotText(say("similarity.binary"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _NotText(say("similarity.not_utf8")) from None


def _too_large(limit: int) -> Text:
    return say("similarity.too_large", limit=limit // 1024)


def class_sources(submissions: Iterable[Submission]) -> list[Source | Skipped]:
    """The graded file of each submission (not the others beside it: the grader did not grade those)."""
    return [read_source(s.entry, s.name, s.shown) for s in submissions]


def skeleton_sources(spec: AssignmentSpec) -> list[Source]:
    """The files the assignment hands out, whose code every student starts from: left out of every match."""
    if spec.folder is None:
        return []
    found = [read_source(spec.folder / name, f"skeleton/{name}", name) for name in spec.entries]
    return [source for source in found if isinstance(source, Source)]


def earlier_sources(folder: Path, spec: AssignmentSpec) -> list[Source | Skipped]:
    """An earlier term's submissions, in any layout `grader grade` accepts; SubmissionError when there are none."""
    accepted = Accepted.of(spec)
    entries = entry_files(folder, accepted)
    if entries:
        submissions: Sequence[Submission] = [accepted.pick(folder.name, entries, display_name(folder.name))]
    else:
        submissions = discover(folder, accepted).submissions
    if not submissions:
        raise SubmissionError(f"{folder}: no earlier submissions found")
    term = display_name(folder.resolve().name)
    return [read_source(s.entry, f"{term}/{s.name}", f"{term}/{s.shown}", earlier=True) for s in submissions]
