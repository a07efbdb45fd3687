"""What both platform entry points share: read the export, find the student's file, grade it, and turn every failure
into a result that says what to do.

Both platforms start the grader as root (Gradescope always; PrairieLearn because its /grade folder is root's alone).
The grader stays root and does the scoring; student code runs only in the sandbox, as the export's unprivileged
account, kept from the grader's files, the results, the dataset and the grader's processes (`grader.isolation`).
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from grader.data import datasets
from grader.grading import GradeOptions, grade_submission, not_graded, spec_checks
from grader.isolation import Isolation, IsolationError
from grader.messages import DEFAULT_LANG, Text, say
from grader.platforms.settings import ASSIGNMENT_DIR, PlatformSettings, SettingsError
from grader.platforms.task_text import dataset_note
from grader.results import AssignmentResult
from grader.runners.local import LocalRunner
from grader.spec import AssignmentSpec, SpecError, load_spec
from grader.submissions import Accepted, links_out, locate_entry, visible_files

LISTED_FILES = 5


class SetupError(Exception):
    """The export inside the platform cannot be used; `text` tells the student it is not their score."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.render())
        self.text = text


@dataclass(frozen=True)
class Setup:
    settings: PlatformSettings
    spec: AssignmentSpec

    @property
    def time_limit_s(self) -> float:
        return self.settings.time_limit_s or self.spec.profiles[self.settings.profile].time_limit_s  # type: ignore[index]


def export_lang(folder: Path) -> str:
    """The language the export asked for, for messages written before (or without) a usable setup."""
    try:
        return PlatformSettings.read(folder).lang
    except SettingsError:
        return DEFAULT_LANG


def load_setup(folder: Path, platform: str) -> Setup:
    """The settings and the assignment spec an export put in `folder`."""
    try:
        settings = PlatformSettings.read(folder)
        spec = load_spec(folder / ASSIGNMENT_DIR)
    except (SettingsError, SpecError) as exc:
        raise SetupError(say("platforms.setup_broken", problem=str(exc).splitlines()[0], platform=platform)) from None
    if settings.profile not in spec.profiles:
        problem = f"unknown profile {settings.profile!r}"
        raise SetupError(say("platforms.setup_broken", problem=problem, platform=platform))
    return Setup(settings, spec)


def find_files(folder: Path, accepted: Accepted) -> list[Path] | Text:
    """The student's files to grade: the accepted names where `locate_entry` finds them (at the top, or under
    assignments/<id>/ in a repository), else the one .py or .ipynb file handed in whatever its name; otherwise why
    there is nothing to grade, worded for the student."""
    files: list[Path] = []
    if folder.is_dir():
        located = links_out(folder, folder.name) or locate_entry(folder, accepted)
        if not isinstance(located, Text) or located.id != "submission.none":
            return located  # found; or several files of one name, a link out of the folder: already says what to do
        files = [path for path in visible_files(folder) if path.is_file() and not path.is_symlink()]
    code = [path for path in files if path.suffix in accepted.suffixes]
    if len(code) == 1:
        return code
    shown = ", ".join(str(path.relative_to(folder)) for path in (code or files)[:LISTED_FILES])
    if code:
        return say("platforms.several_files", files=shown, accepted=accepted.worded)
    found = say("platforms.found_other", files=shown) if files else say("platforms.empty")
    return say("platforms.no_file", accepted=accepted.worded, found=found)


def grade(setup: Setup, name: str, files: list[Path], data_dir: Path, run_as: str | None) -> AssignmentResult:
    """Grade in this process, as the platform started it (root on both): only the sandbox runs student code, as
    `run_as` (the account the export's setup made) when this process is root, in the isolation the platform's
    container allows (`grader.isolation`). The result is computed and written here, by a process student code can
    neither reach nor signal."""
    spec, settings = setup.spec, setup.settings
    lang = settings.lang

    def failed(reason: str) -> AssignmentResult:
        return not_graded(spec.id, name, reason, spec_checks(spec, lang), lang)

    submission = Accepted.of(spec).pick(name, files)
    try:
        dataset = datasets.load(settings.dataset, data_dir)
    except datasets.DatasetError as exc:
        return failed(say("platforms.dataset_missing", dataset=settings.dataset, problem=str(exc)).render(lang))
    try:
        runner = LocalRunner(Isolation.for_host(run_as if os.geteuid() == 0 else None))
    except IsolationError as exc:
        return failed(f"student code cannot be isolated in this container: {exc}")
    options = GradeOptions(
        profile=settings.profile, time_limit_s=setup.time_limit_s, lang=lang, split_key=settings.split_key
    )
    result = grade_submission(spec, submission, dataset, options, runner=runner)
    note = dataset_note(spec, settings.dataset)
    if note is None:
        return result
    summary, _, rest = result.output.partition("\n")  # under the score line, where the dataset is named
    return replace(result, output="\n".join([summary, note.render(lang), *([rest] if rest else [])]))


def crashed(assignment: str, name: str, lang: str = DEFAULT_LANG) -> AssignmentResult:
    """The last resort of an entry point: the grader's own failure as a result, its traceback kept for the
    instructor."""
    error = traceback.format_exc()
    last = error.strip().splitlines()[-1] if error.strip() else "unknown error"
    reason = say("platforms.crashed", error=last).render(lang)
    return not_graded(assignment, name, f"{reason}\n\n{error}", [], lang)
