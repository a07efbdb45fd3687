"""What both platform entry points share: read the export, find the student's file, grade it, and turn every failure
into a result that says what to do.

Both platforms start the grader as root (Gradescope always; PrairieLearn because its /grade folder is root's alone).
Student code must not run as root there, where it could rewrite the results file or the installed grader: given a
user to run as, the grading runs in a child process under that user, on copies of its inputs, and hands back a
results.json that the root process reads as data. That keeps the platform's own files (results, the installed
grader) out of the student's reach; the child and the student's code share that user, so the score itself is as safe
as the local backend keeps it: from accidents, not from a determined attacker (README, "How it is built"). Run as
`python -m grader.platforms.entry REQUEST OUT`, this module is that child.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from grader import datasets
from grader.grading import GradeOptions, grade_submission, not_graded, spec_checks
from grader.messages import DEFAULT_LANG, Text, say
from grader.platforms.settings import ASSIGNMENT_DIR, PlatformSettings, SettingsError
from grader.results import AssignmentResult, gradescope
from grader.spec import AssignmentSpec, SpecError, load_spec
from grader.submissions import Accepted, locate_entry, visible_files

CHILD_MARGIN_S = 300
"""How long the grading child may run past the student's time limit (imports, the dataset, the checks)."""
STDERR_TAIL = 2000
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
        located = locate_entry(folder, accepted)
        if not isinstance(located, Text) or located.id != "submission.none":
            return located  # found; or several files of one name, a link out of the folder: already says what to do
        files = [path for path in visible_files(folder) if path.is_file() and not path.is_symlink()]
    code = [path for path in files if path.suffix in accepted.suffixes]
    if len(code) == 1:
        return code
    shown = ", ".join(str(path.relative_to(folder)) for path in (code or files)[:LISTED_FILES])
    if code:
        return say("platforms.several_files", files=shown, accepted=accepted.listed)
    found = say("platforms.found_other", files=shown) if files else say("platforms.empty")
    return say("platforms.no_file", accepted=accepted.listed, found=found)


@dataclass(frozen=True)
class GradeRequest:
    """One grading, as plain data: what the root process hands the child it runs as the unprivileged user."""

    spec_folder: Path
    name: str
    files: tuple[Path, ...]
    dataset: str
    data_dir: Path
    profile: str
    time_limit_s: float
    lang: str

    def to_json(self) -> str:
        data = asdict(self)
        data.update(spec_folder=str(self.spec_folder), data_dir=str(self.data_dir))
        data["files"] = [str(path) for path in self.files]
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> GradeRequest:
        data = json.loads(text)
        paths = {"spec_folder": Path(data["spec_folder"]), "data_dir": Path(data["data_dir"])}
        return cls(**{**data, **paths, "files": tuple(Path(path) for path in data["files"])})


def request_for(setup: Setup, name: str, files: list[Path], data_dir: Path) -> GradeRequest:
    settings = setup.settings
    folder = setup.spec.folder or Path()
    return GradeRequest(
        folder, name, tuple(files), settings.dataset, data_dir, settings.profile, setup.time_limit_s, settings.lang
    )


def grade_here(request: GradeRequest) -> AssignmentResult:
    """Grade in this process, with the local backend: the platform's container is the sandbox's outer wall."""
    spec = load_spec(request.spec_folder)
    submission = Accepted.of(spec).pick(request.name, list(request.files))
    try:
        dataset = datasets.load(request.dataset, request.data_dir)
    except datasets.DatasetError as exc:
        reason = say("platforms.dataset_missing", dataset=request.dataset, problem=str(exc)).render(request.lang)
        return not_graded(spec.id, request.name, reason, spec_checks(spec, request.lang), request.lang)
    options = GradeOptions(profile=request.profile, time_limit_s=request.time_limit_s, lang=request.lang)
    return grade_submission(spec, submission, dataset, options)


def grade(request: GradeRequest, spec: AssignmentSpec, run_as: str | None) -> AssignmentResult:
    """As `run_as` when this process is root and a user is named; in this process otherwise (a platform that starts
    the grader unprivileged already keeps student code away from root). `spec` is the request's, loaded already."""
    if run_as and os.geteuid() == 0:
        return _grade_as(request, spec, run_as)
    return grade_here(request)


def _grade_as(request: GradeRequest, spec: AssignmentSpec, user: str) -> AssignmentResult:
    lang = request.lang

    def failed(reason: str) -> AssignmentResult:
        return not_graded(spec.id, request.name, reason, spec_checks(spec, lang), lang)

    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return failed(say("platforms.no_user", user=user).render(lang))
    with tempfile.TemporaryDirectory(prefix="grader-platform-") as tmp:
        work = Path(tmp)
        spec_folder = Path(shutil.copytree(request.spec_folder, work / ASSIGNMENT_DIR))
        (work / "submission").mkdir()
        files = tuple(Path(shutil.copyfile(path, work / "submission" / path.name)) for path in request.files)
        (work / "out").mkdir()
        copied = replace(request, spec_folder=spec_folder, files=files)
        (work / "request.json").write_text(copied.to_json(), encoding="utf-8")
        for path in (work, *work.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid)
        command = [sys.executable, "-m", "grader.platforms.entry", str(work / "request.json"), str(work / "out")]
        environment = {**os.environ, "HOME": str(work), "USER": user, "LOGNAME": user}
        try:
            child = subprocess.run(
                command,
                user=account.pw_uid,
                group=account.pw_gid,
                extra_groups=[],
                env=environment,
                cwd=work,
                capture_output=True,
                text=True,
                timeout=spec.wall_time_s(request.time_limit_s) + CHILD_MARGIN_S,
                check=False,
            )
            code, stderr = child.returncode, child.stderr
        except (subprocess.TimeoutExpired, OSError) as exc:
            code, stderr = None, str(exc)
        try:
            return gradescope.read(work / "out" / gradescope.FILENAME)
        except ValueError:
            return failed(say("platforms.no_result", code=code).render(lang) + "\n\n" + stderr[-STDERR_TAIL:])


def crashed(assignment: str, name: str, lang: str = DEFAULT_LANG) -> AssignmentResult:
    """The last resort of an entry point: the grader's own failure as a result, its traceback kept for the
    instructor."""
    error = traceback.format_exc()
    last = error.strip().splitlines()[-1] if error.strip() else "unknown error"
    reason = say("platforms.crashed", error=last).render(lang)
    return not_graded(assignment, name, f"{reason}\n\n{error}", [], lang)


def _child(request_file: Path, out: Path) -> int:
    """The unprivileged child: grade the request and write results.json into `out`."""
    request = GradeRequest.from_json(request_file.read_text(encoding="utf-8"))
    try:
        result = grade_here(request)
    except Exception:  # whatever failed, the parent must get a result that says so
        result = crashed("", request.name, request.lang)
    gradescope.write(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1]), Path(sys.argv[2])))
