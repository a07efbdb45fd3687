"""What an export fixes for grading inside a platform, written beside the assignment spec it packages.

The platform's container only reads this file, so a grade depends on what the instructor exported (dataset, profile,
language, time limit), never on whatever the container happens to hold.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

SETTINGS_FILE = "grader-platform.json"
ASSIGNMENT_DIR = "assignment"
"""The assignment folder (spec, task, skeletons) inside an export."""
DATA_DIR = "data"
"""The dataset cache inside a Gradescope export (`<name>/` IDX files and their manifest)."""
RUN_AS = "grader"
"""The unprivileged user student code runs as when the platform starts the grader as root."""


class ExportError(Exception):
    """An export that cannot be written; the message says what to do."""


class SettingsError(Exception):
    """The export's settings file is missing or unreadable: the export is incomplete."""


@dataclass(frozen=True)
class PlatformSettings:
    assignment: str
    dataset: str
    profile: str
    lang: str
    time_limit_s: float | None = None
    """Seconds the student's code may run; None: the profile's own limit."""
    split_key: str | None = None
    """The instructor's split key (`grader.course_key`), so the platform holds out the same images as the
    instructor's own grading; the file is root's alone on the platform. None: the platform's own key."""

    def write(self, folder: Path) -> Path:
        path = folder / SETTINGS_FILE
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: Path) -> PlatformSettings:
        path = folder / SETTINGS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise SettingsError(f"{path}: {exc}") from None
