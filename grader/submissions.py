"""Finding submissions: a file, or a folder holding the assignment's entry file (`submission.py`)."""

from __future__ import annotations

from pathlib import Path

from grader.job import Submission


class SubmissionError(Exception):
    """A submission path that cannot be graded as given; the message says what was expected."""


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
    seen: dict[str, int] = {}
    named = []
    for submission in submissions:
        count = seen.get(submission.name, 0)
        seen[submission.name] = count + 1
        named.append(submission if count == 0 else Submission(f"{submission.name}-{count + 1}", submission.entry))
    return named
