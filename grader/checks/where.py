"""Where in the student's file the sandbox saw a fault: `evaluate`, line 62 of a `.py`, or cell 7, line 3 of a
notebook (the graded module's line mapped back to its cell by `notebooks.ModuleSource`).

The place is recorded in the student's process (`sandbox.torch_common.student_place`), so it is read as data that may
be forged: a Python qualified name of at most MAX_FUNCTION characters and a line inside the graded module, or no place
at all, never an error. A place only points the student somewhere; it decides no points.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.messages import Text, say
from grader.notebooks.convert import ModuleSource, source_lines

if TYPE_CHECKING:
    from grader.job import Job

MAX_FUNCTION = 120
_PART = r"(?:[^\W\d]\w*|<\w+>)"
_QUALNAME = re.compile(rf"{_PART}(?:\.{_PART})*")
_INSIDE = ".<locals>.<"
"""What a comprehension, generator expression or lambda adds to its function's name: the function is what to read."""


@dataclass(frozen=True)
class Located:
    function: str
    place: Text
    """`line 62`, or `cell 7, line 3` in a notebook, in the reader's language."""


def read_place(raw: object) -> tuple[str, int] | None:
    """(function, module line) of a recorded place, None for anything the probe cannot have written."""
    if not isinstance(raw, dict):
        return None
    function, line = raw.get("function"), raw.get("line")
    if not isinstance(function, str) or len(function) > MAX_FUNCTION or not _QUALNAME.fullmatch(function):
        return None
    if type(line) is not int or line < 1:
        return None
    return function.split(_INSIDE)[0], line


def _in_file(job: Job, line: int) -> Text | None:
    """A line of the graded module as the student's file numbers it; None for a line the file does not have."""
    notebook = job.settings.get("notebook")
    if isinstance(notebook, Mapping):  # the host's own map (`notebooks.write_module`), never the sandbox's
        module = ModuleSource(str(notebook.get("file", "")), "", tuple(map(tuple, notebook.get("lines", ()))))
        found = module.location(line)
        return None if found is None else say("where.cell", cell=found[0], line=found[1])
    try:  # a `.py` is graded as an exact copy: its lines are the module's
        count = len(source_lines(job.submission.entry.read_bytes().decode("utf-8", errors="replace")))
    except OSError:
        return None
    return say("where.line", line=line) if line <= count else None


def locate(job: Job, raw: object) -> Located | None:
    """The function and the place in the student's file of a recorded place, None when it points nowhere real."""
    place = read_place(raw)
    if place is None:
        return None
    where = _in_file(job, place[1])
    return None if where is None else Located(place[0], where)


def model_call(job: Job, facts: Mapping[str, Any], state: str) -> Text | str:
    """Where a step first called the model in `state` (`train_mode`, `eval_mode`, `grad_enabled`), as the probe's
    `seen_at` fact records it: a fragment for inside a sentence, or nothing when there is no place to show."""
    seen = facts.get("seen_at")
    found = locate(job, seen.get(state)) if isinstance(seen, Mapping) else None
    return "" if found is None else say("where.model_call", function=found.function, place=found.place)
