"""Finding submissions: a file, or a folder holding the assignment's entry file (`submission.py`), or a whole class
in one folder (`discover`): a Gradescope export, GitHub Classroom clones, or plain folders and files."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grader.job import Submission

GRADESCOPE_METADATA = "submission_metadata.yml"
_GRADESCOPE_FOLDER = re.compile(r"submission_(\d+)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")
_SKIPPED = frozenset({"__pycache__"})
_NAME_CHARS = 100
ACCEPTED_LAYOUTS = (
    "a Gradescope export (submission_metadata.yml and submission_<number>/ folders); "
    "GitHub Classroom clones (<assignment>-<username>/ repositories); "
    "or one folder per student holding {entry}, and/or one <student>.py file per student"
)


class SubmissionError(Exception):
    """A submission path that cannot be graded as given; the message says what was expected."""


@dataclass(frozen=True)
class Missing:
    """A student whose folder holds no gradable file: their omission, graded 0 with `reason`."""

    name: str
    reason: str


@dataclass(frozen=True)
class Roster:
    """A class folder: `layout` is "gradescope", "github-classroom" or "folders"; names are unique across both lists."""

    layout: str
    submissions: tuple[Submission, ...]
    missing: tuple[Missing, ...]


def find_submission(path: Path, entry: str) -> Submission:
    """A folder is named after itself; a file after its stem, or its folder when it is the entry file itself."""
    if path.is_dir():
        candidate = path / entry
        if not candidate.is_file():
            raise SubmissionError(f"{path}: a submission folder must hold {entry}")
        return Submission(path.resolve().name, candidate.resolve())
    if path.is_file():
        if path.suffix != ".py":
            raise SubmissionError(f"{path}: a submission file must be a .py file")
        name = path.resolve().parent.name if path.name == entry else path.stem
        return Submission(name, path.resolve())
    raise SubmissionError(f"{path}: no such file or folder")


def unique_names(submissions: list[Submission]) -> list[Submission]:
    """Two submissions with the same name would overwrite each other's results: suffix the later ones."""
    taken = {submission.name for submission in submissions}
    seen: set[str] = set()
    named = []
    for submission in submissions:
        name, count = submission.name, 1
        while name in seen or (count > 1 and name in taken):
            count += 1
            name = f"{submission.name}-{count}"
        seen.add(name)
        named.append(submission if name == submission.name else Submission(name, submission.entry))
    return named


def safe_name(raw: str) -> str:
    """A name usable as a results folder: [A-Za-z0-9._@+-] only, never hidden, never empty."""
    name = _UNSAFE.sub("_", raw.strip())[:_NAME_CHARS]
    if name.startswith("."):
        name = "_" + name[1:]
    return name or "unnamed"


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in _SKIPPED)


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def _walk(folder: Path) -> Iterator[Path]:
    """Every file below `folder`, hidden folders and __pycache__ skipped, symlinked folders not entered."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED)
        yield from (Path(current) / name for name in sorted(files))


def _checked(path: Path, root: Path, shown: str) -> Path | str:
    if not _inside(path, root):
        return f"{shown} is a symbolic link pointing outside the submitted folder; it was not followed"
    if not path.resolve().is_file():
        return f"{shown} is not a regular file"
    return path.resolve()


def locate_entry(folder: Path, entry: str, assignment_id: str, root: Path | None = None) -> Path | str:
    """The student's entry file in `folder`, or the reason there is none.

    Looked for at `assignments/<id>/<entry>` (where the course skeleton has it), then `<entry>`, then the one `<entry>`
    anywhere below outside hidden folders. Nothing resolving outside `root` (default: `folder`) is followed."""
    root = (root or folder).resolve()
    if not _inside(folder, root):
        return f"{folder.name} is a symbolic link pointing outside the class folder; it was not followed"
    for candidate in (folder / "assignments" / assignment_id / entry, folder / entry):
        if candidate.is_file() or candidate.is_symlink():
            return _checked(candidate, root, f"{folder.name}/{candidate.relative_to(folder)}")
    files = [path.relative_to(folder) for path in _walk(folder)]
    matches = [path for path in files if path.name == entry]
    if len(matches) == 1:
        return _checked(folder / matches[0], root, f"{folder.name}/{matches[0]}")
    if matches:
        listed = ", ".join(str(path) for path in matches)
        return f"several {entry} files in {folder.name}/ ({listed}): keep one, at assignments/{assignment_id}/{entry}"
    python = [str(path) for path in files if path.suffix == ".py"]
    found = f"found only: {', '.join(python[:5])}" if python else "it holds no Python file"
    return f"no {entry} in {folder.name}/ ({found})"


def _student(name: str, folder: Path, entry: str, assignment_id: str, root: Path) -> Submission | Missing:
    located = locate_entry(folder, entry, assignment_id, root)
    return Submission(name, located) if isinstance(located, Path) else Missing(name, located)


class _MetadataLoader(yaml.SafeLoader):
    """SafeLoader that reads any other tag (a Ruby object in a Rails export) as plain data, never as an object."""


def _plain(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_MetadataLoader.add_multi_constructor("!", _plain)
_MetadataLoader.add_multi_constructor("tag:yaml.org,2002:ruby/", _plain)


def _field(record: dict[Any, Any], key: str) -> str:
    """Gradescope writes Ruby symbols (`:sid:`), which YAML reads as ':sid'; plain keys are accepted too."""
    value = record.get(f":{key}", record.get(key))
    return "" if value is None else str(value).strip()


def _submitter_id(submitter: dict[Any, Any]) -> str:
    return _field(submitter, "sid") or _field(submitter, "email").partition("@")[0] or _field(submitter, "name")


def _gradescope_name(record: object, folder_name: str) -> str:
    """Each submitter's sid, else email local-part, else name; a group joins them with '+'."""
    submitters = record.get(":submitters", record.get("submitters")) if isinstance(record, dict) else None
    ids = [_submitter_id(s) for s in submitters if isinstance(s, dict)] if isinstance(submitters, list) else []
    return safe_name("+".join(i for i in ids if i) or folder_name)


def _gradescope(folder: Path, root: Path, entry: str, assignment_id: str) -> list[Submission | Missing]:
    path = folder / GRADESCOPE_METADATA
    try:
        # Not safe_load: a Ruby-tagged value must not make the whole export unreadable; this loader builds data only.
        metadata = yaml.load(path.read_text(encoding="utf-8"), Loader=_MetadataLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SubmissionError(f"{path}: cannot read the Gradescope metadata: {exc}") from None
    if not isinstance(metadata, dict):
        raise SubmissionError(f"{path}: expected one entry per submission_<number> folder")
    folders = {p.name: p for p in _visible(folder) if _GRADESCOPE_FOLDER.fullmatch(p.name) and p.is_dir()}
    keys = {str(k) for k in metadata if _GRADESCOPE_FOLDER.fullmatch(str(k))} | set(folders)
    found: list[Submission | Missing] = []
    for key in sorted(keys, key=lambda k: int(k.partition("_")[2])):
        name = _gradescope_name(metadata.get(key), key)
        if key in folders:
            found.append(_student(name, folders[key], entry, assignment_id, root))
        else:
            found.append(Missing(name, f"{key} is listed in {GRADESCOPE_METADATA} but has no folder in the export"))
    return found


def _classroom_prefix(folders: list[Path], loose_files: bool, root: Path) -> str | None:
    """GitHub Classroom names each clone `<assignment-prefix>-<username>`; None when this is not that layout."""
    names = [p.name for p in folders]
    common = os.path.commonprefix(names) if len(names) >= 2 else ""  # noqa: RUF071 (names, not paths)
    prefix = common[: common.rfind("-") + 1]
    cloned = any(_inside(p, root) and os.path.lexists(p / ".git") for p in folders)
    return prefix if cloned or (prefix and not loose_files) else None


def discover(folder: Path, entry: str, assignment_id: str) -> Roster:
    """Every student in a class folder, the layout detected from what is there; raises SubmissionError when empty."""
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: no such folder")
    root = folder.resolve()
    entries = _visible(folder)
    folders = [p for p in entries if p.is_dir()]
    files = [p for p in entries if p.suffix == ".py" and not p.is_dir()]
    found: list[Submission | Missing]
    if (folder / GRADESCOPE_METADATA).is_file():
        layout, found = "gradescope", _gradescope(folder, root, entry, assignment_id)
    elif (prefix := _classroom_prefix(folders, bool(files), root)) is not None:
        layout = "github-classroom"
        found = [_student(safe_name(p.name[len(prefix) :]), p, entry, assignment_id, root) for p in folders]
    else:
        layout = "folders"
        found = [_student(safe_name(p.name), p, entry, assignment_id, root) for p in folders]
        for path in files:
            checked = _checked(path, root, path.name)
            name = safe_name(path.stem)
            found.append(Submission(name, checked) if isinstance(checked, Path) else Missing(name, checked))
    if not found:
        accepted = ACCEPTED_LAYOUTS.format(entry=entry)
        raise SubmissionError(f"{folder}: no submissions found; accepted layouts: {accepted}")
    return _roster(layout, found)


def _roster(layout: str, found: list[Submission | Missing]) -> Roster:
    """Names made unique across submissions and missing students alike: each gets its own results folder."""
    placeholders = [item if isinstance(item, Submission) else Submission(item.name, Path()) for item in found]
    named = unique_names(placeholders)
    submissions = tuple(n for n, item in zip(named, found, strict=True) if isinstance(item, Submission))
    missing = tuple(
        Missing(n.name, item.reason) for n, item in zip(named, found, strict=True) if isinstance(item, Missing)
    )
    return Roster(layout, submissions, missing)
