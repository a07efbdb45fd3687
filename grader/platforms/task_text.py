"""What an export tells students beside the task itself: the task README as a platform shows it, and the dataset the
export grades on when it is not the one the task names.

A task README is written for students who have the repository: it names files beside it (`calibration.md`) and local
commands (`grader check`). The parts that hold only there sit between `<!-- repository only -->` and
`<!-- /repository only -->`, which Markdown viewers hide, and a platform's page leaves them out: its students have the
skeletons they download and the upload, nothing else.
"""

from __future__ import annotations

import itertools
import re

from grader.frameworks import FRAMEWORKS
from grader.messages import LANGS, Text, say
from grader.spec import AssignmentSpec

REPOSITORY_ONLY = re.compile(
    r"^<!-- repository only -->\n.*?^<!-- /repository only -->\n|<!-- repository only -->.*?<!-- /repository only -->",
    re.DOTALL | re.MULTILINE,
)
"""A region on lines of its own (a section, a list item), or within a line (a clause of a table cell)."""
NUMBERED = re.compile(r"^### \d+\. ", re.MULTILINE)
DATASET_NAMES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}


def for_platform(readme: str) -> str:
    """The README without what only the repository's students have, its numbered sections numbered again from 1 in
    each language's part (`## ...`), so that a section left out leaves no gap."""
    parts = re.split(r"(?m)^(?=## )", REPOSITORY_ONLY.sub("", readme))
    return "".join(_renumbered(part) for part in parts)


def _renumbered(part: str) -> str:
    numbers = itertools.count(1)
    return NUMBERED.sub(lambda _: f"### {next(numbers)}. ", part)


def dataset_note(spec: AssignmentSpec, dataset: str) -> Text | None:
    """Said where students read the task when the export grades on another dataset than the task names (Fashion-MNIST
    on a machine without MNIST): the same code runs, on other images, against that dataset's threshold."""
    if dataset == spec.default_dataset:
        return None
    shown, task = DATASET_NAMES.get(dataset, dataset), DATASET_NAMES.get(spec.default_dataset, spec.default_dataset)
    return say("platforms.dataset_instead", dataset=shown, task=task, loader=FRAMEWORKS[spec.framework].note_loader)


def shipped_readme(spec: AssignmentSpec, dataset: str) -> str | None:
    """The task README an export carries: as written, with the dataset note in every language under its title."""
    readme = spec.folder / "README.md" if spec.folder else None
    if readme is None or not readme.is_file():
        return None
    text = readme.read_text(encoding="utf-8")
    note = dataset_note(spec, dataset)
    if note is None:
        return text
    quoted = "\n>\n".join(f"> {note.render(lang)}" for lang in LANGS)
    title, newline, rest = text.partition("\n")
    if not title.startswith("# "):
        return f"{quoted}\n\n{text}"
    return f"{title}{newline}\n{quoted}\n{rest}"
