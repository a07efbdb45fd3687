"""The class roster (`--roster roster.csv`): who is enrolled, so that a student with no submission is listed as
`missing` rather than forgotten, and a submission by no one on the roster is flagged for the instructor to look at.

Columns (first line; any case, any order): `student_id`, `name`, `email`, `github` (the GitHub username). Each row
needs at least one of them. A submission is the student's when anything it is known by (its folder, the Gradescope
sid or e-mail, the Classroom username) equals one of the row's values, without regard to case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.term.keys import TableError, keys_of, read_table

COLUMNS = ("student_id", "name", "email", "github")
_ALIASES = {
    "id": "student_id",
    "sid": "student_id",
    "student id": "student_id",
    "e-mail": "email",
    "username": "github",
}
_ALIASES |= {"github_username": "github", "github username": "github"}


@dataclass(frozen=True)
class Enrolled:
    student_id: str = ""
    name: str = ""
    email: str = ""
    github: str = ""

    @property
    def keys(self) -> set[str]:
        return keys_of((self.student_id, self.name, self.email, self.github))

    @property
    def folder_name(self) -> str:
        """The results folder of a student with no submission: what a submission by them would most likely be called."""
        return self.github or self.student_id or self.email.partition("@")[0] or self.name

    @property
    def shown(self) -> str:
        return self.name or self.folder_name


@dataclass(frozen=True)
class ClassRoster:
    students: tuple[Enrolled, ...]

    def find(self, keys: set[str]) -> Enrolled | None:
        return next((student for student in self.students if student.keys & keys), None)

    def unmatched(self, known: Sequence[set[str]]) -> list[Enrolled]:
        """The enrolled students none of `known` (each a submission's keys) belongs to."""
        return [student for student in self.students if not any(student.keys & keys for keys in known)]


def read_roster(path: Path) -> ClassRoster:
    rows = read_table(path, required=(), what="roster")
    students = []
    problems = []
    for number, row in rows:
        fields = {_ALIASES.get(name, name): value for name, value in row.items()}
        student = Enrolled(**{column: fields.get(column, "") for column in COLUMNS})
        if not student.keys:
            problems.append(f"line {number}: no {', '.join(COLUMNS)}")
        students.append(student)
    if not rows:
        raise TableError(f"{path}: the roster lists nobody; its first line names the columns ({', '.join(COLUMNS)})")
    if problems:
        raise TableError(f"{path}: " + "; ".join(problems))
    return ClassRoster(tuple(students))
