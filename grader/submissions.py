"""Finding submissions: a file, or a folder holding one of the assignment's entry files (`submission.py`,
`submission.ipynb`), or a whole class in one folder (`discover`): a Gradescope export, GitHub Classroom clones, or
plain folders and files. Where a folder holds several accepted files, the spec's order of preference decides, except
that a file left exactly as the assignment's skeleton never wins over one the student edited."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from grader.job import Submission, unusable_helpers
from grader.messages import Either, Text, say
from grader.names import display_name, safe_name
from grader.spec import AssignmentSpec
from grader.term.submitted import last_commit, recorded

GRADESCOPE_METADATA = "submission_metadata.yml"
_GRADESCOPE_FOLDER = re.compile(r"submission_(\d+)")
_SKIPPED = frozenset({"__pycache__"})
ACCEPTED_LAYOUTS = (
    "a Gradescope export (submission_metadata.yml and submission_<number>/ folders); "
    "GitHub Classroom clones (<assignment>-<username>/ repositories); "
    "or one folder per student holding {entry}, and/or one <student>.py or <student>.ipynb file per student"
)


class SubmissionError(Exception):
    """A submission path that cannot be graded as given; the message says what was expected."""


@dataclass(frozen=True)
class Missing:
    """A student whose folder holds no gradable file (or one refused, such as a link out of their folder): their
    omission, graded 0 with `reason`."""

    name: str
    reason: Text
    label: str = ""


@dataclass(frozen=True)
class Roster:
    """A class folder: `layout` is "gradescope", "github-classroom" or "folders"; names are unique across both lists.
    `unrecognised`: what the folder holds that is nobody's submission (a stray `roster.csv`), for the session to say."""

    layout: str
    submissions: tuple[Submission, ...]
    missing: tuple[Missing, ...]
    unrecognised: tuple[str, ...] = ()


@dataclass(frozen=True)
class Accepted:
    """The file names a submission may use, in order of preference, and the skeletons students start from."""

    names: tuple[str, ...]
    assignment_id: str
    skeletons: Path | None = None

    @classmethod
    def of(cls, spec: AssignmentSpec) -> Accepted:
        return cls(spec.entries, spec.id, spec.folder)

    @property
    def suffixes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(Path(name).suffix for name in self.names))

    @property
    def listed(self) -> str:
        return " or ".join(self.names)

    @property
    def worded(self) -> Either:
        """The accepted names for a student's message, in its language."""
        return Either(self.names)

    def rank(self, path: Path) -> int:
        """Preference of a file: by its name when it is an accepted name, else by its suffix (`alice.ipynb`)."""
        if path.name in self.names:
            return self.names.index(path.name)
        same = [i for i, name in enumerate(self.names) if Path(name).suffix == path.suffix]
        return same[0] if same else len(self.names)

    def is_skeleton(self, path: Path) -> bool:
        """The file is byte for byte the skeleton of its kind that the assignment hands out."""
        if self.skeletons is None:
            return False
        skeleton = next((self.skeletons / n for n in self.names if Path(n).suffix == path.suffix), None)
        try:
            return skeleton is not None and skeleton.is_file() and skeleton.read_bytes() == path.read_bytes()
        except OSError:
            return False

    def pick(self, name: str, files: list[Path], label: str = "") -> Submission:
        """One submission out of the accepted files found together: the preferred one that is not the unchanged
        skeleton (the skeleton only when nothing else is there)."""
        ordered = sorted(files, key=self.rank)
        skeletons = tuple(path for path in ordered if self.is_skeleton(path))
        edited = [path for path in ordered if path not in skeletons] or ordered
        chosen = edited[0]
        others = tuple(path for path in ordered if path != chosen)
        return Submission(name, chosen, others, tuple(path for path in skeletons if path != chosen), label)


def submission_notes(spec: AssignmentSpec, submission: Submission) -> tuple[Text, ...]:
    """Which file was graded, and why that one when the folder held others."""
    entry = display_name(submission.entry.name)
    notes = [say("submission.graded_file", file=entry)]
    if submission.others:
        others = ", ".join(display_name(path.name) for path in submission.others)
        if set(submission.others) <= set(submission.skeletons):
            notes.append(say("submission.chose_edited", file=entry, others=others))
        else:
            accepted = ", ".join(spec.entries)
            notes.append(say("submission.chose_preferred", file=entry, others=others, accepted=accepted))
    notes += [
        say("submission.helper_not_utf8", file=display_name(path.name)) for path in unusable_helpers(spec, submission)
    ]
    return tuple(notes)


def entry_files(folder: Path, accepted: Accepted) -> list[Path]:
    """The accepted files directly in `folder`."""
    return [folder / name for name in accepted.names if (folder / name).is_file()]


def find_submission(path: Path, accepted: Accepted) -> Submission | Missing:
    """A folder is named after itself; a file after its stem, or its folder when it is an entry file itself. A link
    that leads out of the student's own folder is refused (Missing, the reason naming the link), never followed."""
    if path.is_dir():
        found = entry_files(path, accepted)
        if not found:
            raise SubmissionError(f"{path}: a submission folder must hold {accepted.listed}")
        label = display_name(path.resolve().name)
        refused = links_out(path, path.name) or _all_checked(found, path, path.resolve())
        if isinstance(refused, Text):
            return Missing(safe_name(label), refused, label)
        return accepted.pick(safe_name(label), refused, label)
    if path.is_file():
        if path.suffix not in accepted.suffixes:
            raise SubmissionError(f"{path}: a submission file must be a {' or '.join(accepted.suffixes)} file")
        label = display_name(path.absolute().parent.name if path.name in accepted.names else path.stem)
        checked = _checked(path, path.absolute().parent.resolve(), path.name)
        if isinstance(checked, Text):
            return Missing(safe_name(label), checked, label)
        return Submission(safe_name(label), checked, label=label)
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
        named.append(submission if name == submission.name else replace(submission, name=name))
    return named


def links_out(folder: Path, shown: str) -> Text | None:
    """The first link in `folder` (any depth, hidden files included) that leads out of it, worded for the student:
    a submission must be the student's own files, not a way to another student's or to the host's."""
    root = folder.resolve()
    for current, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            path = Path(current) / name
            if path.is_symlink() and not _inside(path, root):
                return say("submission.link_outside", shown=f"{shown}/{path.relative_to(folder)}")
    return None


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in _SKIPPED)


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def visible_files(folder: Path) -> Iterator[Path]:
    """Every file below `folder` a student would call theirs: hidden files and folders and __pycache__ skipped,
    symlinked folders not entered."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED)
        yield from (Path(current) / name for name in sorted(files) if not name.startswith("."))


def _checked(path: Path, root: Path, shown: str) -> Path | Text:
    if not _inside(path, root):
        return say("submission.link_outside", shown=shown)
    if not path.resolve().is_file():
        return say("submission.not_regular", shown=shown)
    return path.resolve()


def locate_entry(folder: Path, accepted: Accepted) -> list[Path] | Text:
    """The student's accepted files in `folder` (one or more, for `Accepted.pick`), or the reason there is none.

    Looked for at `assignments/<id>/` (where the course skeleton has them), then at the top, then as the one file of
    each accepted name anywhere below outside hidden folders. Nothing resolving outside `folder` is followed."""
    root = folder.resolve()
    for place in (folder / "assignments" / accepted.assignment_id, folder):
        found = [place / name for name in accepted.names if (place / name).is_file() or (place / name).is_symlink()]
        if found:
            return _all_checked(found, folder, root)
    files = [path.relative_to(folder) for path in visible_files(folder)]
    located = []
    for name in accepted.names:
        matches = [path for path in files if path.name == name]
        if len(matches) > 1:
            listed = ", ".join(str(path) for path in matches)
            where = f"assignments/{accepted.assignment_id}/{name}"
            return say("submission.several", name=name, folder=folder.name, listed=listed, where=where)
        located += [folder / path for path in matches]
    if located:
        return _all_checked(located, folder, root)
    code = [str(path) for path in files if path.suffix in accepted.suffixes]
    kinds = Either(tuple(f"*{suffix}" for suffix in accepted.suffixes))
    if code:
        found = say("submission.found_only", files=listing(code))
    elif files:
        found = say("submission.holds_only", kinds=kinds, files=listing([str(path) for path in files]))
    else:
        found = say("submission.empty")
    return say("submission.none", accepted=accepted.worded, folder=folder.name, found=found)


def listing(names: list[str], shown: int = 5) -> str | Text:
    """The first few names, and how many more: what a folder held, in one line."""
    listed = ", ".join(names[:shown])
    return listed if len(names) <= shown else say("submission.more", listed=listed, count=len(names) - shown)


def _all_checked(paths: list[Path], folder: Path, root: Path) -> list[Path] | Text:
    checked = [_checked(path, root, f"{folder.name}/{path.relative_to(folder)}") for path in paths]
    problem = next((c for c in checked if isinstance(c, Text)), None)
    return problem if problem is not None else [c for c in checked if isinstance(c, Path)]


def _student(raw: str, folder: Path, accepted: Accepted) -> Submission | Missing:
    """One student's folder, with that folder as the only place its files may lead to: a link to a classmate's file
    is refused like a link to the host's."""
    label = display_name(raw)
    if folder.is_symlink():
        return Missing(safe_name(label), say("submission.folder_is_link", folder=folder.name), label)
    located = links_out(folder, folder.name) or locate_entry(folder, accepted)
    if isinstance(located, Text):
        return Missing(safe_name(label), located, label)
    return accepted.pick(safe_name(label), located, label)


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
    return "+".join(i for i in ids if i) or folder_name


def _gradescope(folder: Path, accepted: Accepted) -> list[Submission | Missing]:
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
        record = metadata.get(key)
        name = _gradescope_name(record, key)
        if key in folders:
            student = _student(name, folders[key], accepted)
            created = recorded(_field(record, "created_at")) if isinstance(record, dict) else None
            found.append(replace(student, submitted_at=created) if isinstance(student, Submission) else student)
        else:
            absent = say("submission.no_export_folder", key=key, metadata=GRADESCOPE_METADATA)
            found.append(Missing(safe_name(name), absent, display_name(name)))
    return found


def _classroom_prefix(folders: list[Path], loose_files: bool, root: Path) -> str | None:
    """GitHub Classroom names each clone `<assignment-prefix>-<username>`; None when this is not that layout."""
    names = [p.name for p in folders]
    common = os.path.commonprefix(names) if len(names) >= 2 else ""  # noqa: RUF071 (names, not paths)
    prefix = common[: common.rfind("-") + 1]
    cloned = any(_inside(p, root) and os.path.lexists(p / ".git") for p in folders)
    return prefix if cloned or (prefix and not loose_files) else None


def discover(folder: Path, accepted: Accepted) -> Roster:
    """Every student in a class folder, the layout detected from what is there; raises SubmissionError when empty."""
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: no such folder")
    root = folder.resolve()
    entries = _visible(folder)
    folders = [p for p in entries if p.is_dir()]
    files = [p for p in entries if p.suffix in accepted.suffixes and not p.is_dir()]
    found: list[Submission | Missing]
    if (folder / GRADESCOPE_METADATA).is_file():
        layout, found = "gradescope", _gradescope(folder, accepted)
        used = {GRADESCOPE_METADATA, *(p.name for p in folders if _GRADESCOPE_FOLDER.fullmatch(p.name))}
    elif (prefix := _classroom_prefix(folders, bool(files), root)) is not None:
        layout = "github-classroom"
        found = [_committed(_student(p.name[len(prefix) :], p, accepted), p) for p in folders]
        used = {p.name for p in folders}
    else:
        layout = "folders"
        found = [_student(p.name, p, accepted) for p in folders]
        found += _loose_files(files, accepted)
        used = {p.name for p in (*folders, *files)}
    if not found:
        raise SubmissionError(
            f"{folder}: no submissions found; accepted layouts: {ACCEPTED_LAYOUTS.format(entry=accepted.listed)}"
        )
    unrecognised = tuple(p.name + ("/" if p.is_dir() else "") for p in entries if p.name not in used)
    return _roster(layout, found, unrecognised)


def _committed(found: Submission | Missing, clone: Path) -> Submission | Missing:
    return replace(found, submitted_at=last_commit(clone)) if isinstance(found, Submission) else found


def _loose_files(files: list[Path], accepted: Accepted) -> list[Submission | Missing]:
    """One student per file stem: `alice.py` and `alice.ipynb` are alice's two files, and one of them is graded. A
    loose file that is a link is refused: it would hand in someone else's file."""
    by_student: dict[str, list[Path]] = {}
    for path in files:
        by_student.setdefault(display_name(path.stem), []).append(path)
    found: list[Submission | Missing] = []
    for label, paths in by_student.items():
        link = next((path for path in paths if path.is_symlink()), None)
        if link is not None:
            found.append(Missing(safe_name(label), say("submission.loose_link", shown=link.name), label))
        else:
            found.append(accepted.pick(safe_name(label), [path.resolve() for path in paths], label))
    return found


def _roster(layout: str, found: list[Submission | Missing], unrecognised: tuple[str, ...]) -> Roster:
    """Names made unique across submissions and missing students alike: each gets its own results folder."""
    placeholders = [
        item if isinstance(item, Submission) else Submission(item.name, Path(), label=item.label) for item in found
    ]
    named = unique_names(placeholders)
    submissions = tuple(n for n, item in zip(named, found, strict=True) if isinstance(item, Submission))
    missing = tuple(
        Missing(n.name, item.reason, item.label)
        for n, item in zip(named, found, strict=True)
        if isinstance(item, Missing)
    )
    return Roster(layout, submissions, missing, unrecognised)
