"""GitHub Classroom CI: grade a student's own repository on push and report it the way GitHub Classroom reads it.

Reporting follows classroom-resources/autograding-grading-reporter: a step output `result` holding base64 of
`{"version": 1, "status": "pass|fail|error", "max_score": N, "tests": [...]}`, read by the reporter from the env var
`<STEP_ID>_RESULTS`. The log also carries `Points <score>/<max>`, the text the autograding actions put on the check run.
"""

from __future__ import annotations

import base64
import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from grader.data import datasets
from grader.data.choice import DatasetChoiceError, choose_dataset
from grader.grading import GradeOptions, grade_submission, missing_result, not_graded, spec_checks
from grader.job import Submission
from grader.messages import DEFAULT_LANG, Text, say
from grader.outputs import gradescope
from grader.outputs.term_text import term_lines
from grader.outputs.visibility import shown
from grader.results import AssignmentResult, Status, SubmissionStatus, TestResult
from grader.runners import RUNNERS
from grader.spec import AssignmentSpec, SpecError, load_spec
from grader.submissions import Accepted, links_out, locate_entry, safe_name
from grader.term.clock import parse_moment
from grader.term.lateness import LatePolicy
from grader.term.policy import TermPolicy, apply
from grader.term.submitted import last_commit

GRADED, NOT_GRADED = 0, 1  # as `grader grade`: 1 when the harness could not grade (2 is a usage error)
RESULT_VERSION = 1
SUMMARY_MESSAGE_CHARS = 300
MARK_WIDTH = 5


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def _message(test: TestResult, lang: str) -> str:
    """Checks hidden until the due date count in the score, but their details stay out of the student's CI log."""
    if test.visibility != "visible":
        return say("classroom.withheld_details", visibility=test.visibility).render(lang)
    return test.output


def _word(message_id: str, lang: str) -> str:
    return say(message_id).render(lang)


def classroom_result(result: AssignmentResult, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The JSON the grading reporter decodes. A not_graded result is an `error` whose max_score is 0 throughout: the
    reporter then sends GitHub Classroom no points at all, rather than a zero the student did not earn."""
    graded = result.status is not SubmissionStatus.NOT_GRADED
    tests = [
        {
            "name": test.name,
            "status": ("pass" if test.status is Status.PASSED else "fail") if graded else "error",
            "score": _number(test.score) if graded else 0,
            "max_score": _number(test.max_score) if graded else 0,
            "message": _message(test, lang) if graded else f"{_word('classroom.not_earned', lang)}\n{test.output}",
            "test_code": test.check_id,
            "filename": "",
            "line_no": 0,
            "duration": 0,
        }
        for test in result.tests
    ]
    if not graded:
        status = "error"
    else:
        scored = [test for test in result.tests if test.max_score > 0]
        status = "pass" if all(test.status is Status.PASSED for test in scored) else "fail"
    max_score = _number(result.max_score) if graded else 0
    return {"version": RESULT_VERSION, "status": status, "max_score": max_score, "tests": tests}


def encode(result: AssignmentResult, lang: str = DEFAULT_LANG) -> str:
    return base64.b64encode(json.dumps(classroom_result(result, lang)).encode("utf-8")).decode("ascii")


def _cell(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > SUMMARY_MESSAGE_CHARS:
        flat = flat[: SUMMARY_MESSAGE_CHARS - 1] + "…"
    return flat.replace("|", "\\|")


def _padded(mark: str) -> str:
    """The mark and the spaces that line the check names up in the log, counting a Hangul syllable as two columns."""
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in mark)
    return mark + " " * max(1, MARK_WIDTH + 1 - width)


def _markdown(result: AssignmentResult, lang: str) -> str:
    graded = result.status is not SubmissionStatus.NOT_GRADED
    if graded:
        score, max_score = f"{result.score:g}", f"{result.max_score:g}"
        heading = say("classroom.heading", assignment=result.assignment, score=score, max_score=max_score)
        title = f"### {heading.render(lang)}"
    else:
        heading = say("classroom.not_graded", assignment=result.assignment).render(lang)
        title = f"### {heading}\n\n{_word('classroom.not_earned', lang)}\n\n```\n{result.output.strip()}\n```"
    columns = (_word(f"classroom.column.{name}", lang) for name in ("check", "result", "points", "details"))
    rows = [f"| {' | '.join(columns)} |", "|---|---|---|---|"]
    shown, withheld = _shown(result, lang)
    icons = {"pass": "✅", "fail": "❌", "error": "⚠️"}
    for test in shown:
        mark = f"{icons[test['status']]} {_word('classroom.mark.' + test['status'], lang)}"
        points = f"{test['score']:g}/{test['max_score']:g}" if graded else "—"
        rows.append(f"| {_cell(test['name'])} | {mark} | {points} | {_cell(test['message'])} |")
    if withheld:
        rows.append(f"| {_cell(say('prairielearn.withheld', count=withheld).render(lang))} | — | — | |")
    return "\n".join([title, "", *rows, ""]) + "\n"


def _shown(result: AssignmentResult, lang: str) -> tuple[list[dict[str, Any]], int]:
    """The reporter's tests a student may read in the log now, and how many are withheld until the due date (their
    points still reach GitHub Classroom, through the encoded result only)."""
    tests = classroom_result(result, lang)["tests"]
    kept = [entry for test, entry in zip(result.tests, tests, strict=True) if shown(test)]
    return kept, len(tests) - len(kept)


def report(result: AssignmentResult, env: Mapping[str, str], stream: TextIO, lang: str = DEFAULT_LANG) -> None:
    """A short summary and `Points <score>/<max>` on `stream`; the reporter's `result` output and a Markdown table
    appended to the files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY when those are set. Checks shown after the
    due date are one line in the log and the summary, without their results."""
    graded = result.status is not SubmissionStatus.NOT_GRADED
    tests, withheld = _shown(result, lang)
    for test in tests:
        mark = _padded(_word(f"classroom.mark.{test['status']}", lang).upper())
        points = f"{test['score']:g}/{test['max_score']:g}" if graded else _word("classroom.not_graded_points", lang)
        print(f"{mark}{test['name']} ({points})", file=stream)
        if graded and test["status"] != "pass" and test["message"]:
            print("      " + test["message"].replace("\n", "\n      "), file=stream)
    if withheld:
        later = _padded(_word("classroom.mark.later", lang).upper())
        print(f"{later}{say('prairielearn.withheld', count=withheld).render(lang)}", file=stream)
    print("", file=stream)
    if graded:
        print(result.output.splitlines()[0] if result.output else result.assignment, file=stream)
        for line in term_lines(result, lang, frozenset(test.check_id for test in result.tests if not shown(test))):
            print(line, file=stream)
        print(f"Points {result.final_score:g}/{result.max_score:g}", file=stream)  # the autograding actions' marker
    else:
        heading = say("classroom.not_graded", assignment=result.assignment).render(lang)
        print(f"{heading}. {_word('classroom.not_earned', lang)}", file=stream)
        print(result.output, file=stream)
    if env.get("GITHUB_OUTPUT"):
        with Path(env["GITHUB_OUTPUT"]).open("a", encoding="utf-8") as out:
            out.write(f"result={encode(result, lang)}\n")
    if env.get("GITHUB_STEP_SUMMARY"):
        with Path(env["GITHUB_STEP_SUMMARY"]).open("a", encoding="utf-8") as summary:
            summary.write(_markdown(result, lang))


def _grade(
    spec: AssignmentSpec,
    submission: Submission,
    profile: str,
    backend: str,
    dataset: str | None,
    data_dir: Path | None,
    lang: str = "en",
) -> AssignmentResult:
    """Every problem of the grader's own (dataset, profile, backend) is a not_graded result, never an exception."""
    problem = None
    if profile not in spec.profiles:
        problem = say("classroom.unknown_profile", profile=repr(profile), known=", ".join(spec.profiles))
    elif backend not in RUNNERS:
        problem = say("classroom.unknown_backend", backend=repr(backend), known=", ".join(RUNNERS))
    if problem:
        return not_graded(spec.id, submission.name, problem.render(lang), spec_checks(spec, lang), lang)
    try:
        loaded = datasets.load(choose_dataset(spec, dataset, data_dir).name, data_dir)
    except (DatasetChoiceError, datasets.DatasetError) as exc:
        return not_graded(spec.id, submission.name, str(exc), spec_checks(spec, lang), lang)
    return grade_submission(spec, submission, loaded, GradeOptions(profile=profile, backend=backend, lang=lang))


def _dated(spec: AssignmentSpec, result: AssignmentResult, repo: Path) -> AssignmentResult:
    """With a due date in the spec: the result's lateness, from the repository's last commit (its date is set by the
    student's machine, so this is advice to the student; the course's gradebook takes its own times)."""
    if spec.due is None or not repo.is_dir():
        return result
    late = spec.due.late
    policy = TermPolicy(late=LatePolicy(parse_moment(spec.due.at), late.per_day, late.cap, late.grace_minutes))
    return apply(policy, [result], {result.submission: last_commit(repo)})[0]


def run_classroom(
    assignment: str,
    repo: Path,
    out: Path,
    env: Mapping[str, str],
    stream: TextIO,
    *,
    profile: str = "full",
    backend: str = "local",
    dataset: str | None = None,
    data_dir: Path | None = None,
    lang: str = "en",
) -> int:
    """Grade the student's repository `repo`, write `out/results.json` (Gradescope format) and report it.

    The entry file (`submission.py` or `submission.ipynb`, the spec's `entries`) is under `assignments/<id>/`, else at
    the top, else the only one in the repository; a repository without one scores 0 (the student's omission).
    Returns 0 when graded, 1 when not graded."""
    name = safe_name(env.get("GITHUB_REPOSITORY", "").rpartition("/")[2] or repo.resolve().name)
    try:
        spec = load_spec(assignment)
    except SpecError as exc:
        result = not_graded(assignment, name, str(exc), [], lang)
    else:
        accepted = Accepted.of(spec)
        located = (links_out(repo, repo.name) or locate_entry(repo, accepted)) if repo.is_dir() else None
        if located is None:
            reason = say("classroom.no_repository", repo=str(repo)).render(lang)
            result = not_graded(spec.id, name, reason, spec_checks(spec, lang), lang)
        elif isinstance(located, Text):
            result = missing_result(spec, name, located, lang)
        else:
            result = _grade(spec, accepted.pick(name, located), profile, backend, dataset, data_dir, lang)
        result = _dated(spec, result, repo)
    gradescope.write(result, out)
    report(result, env, stream, lang)
    return NOT_GRADED if result.status is SubmissionStatus.NOT_GRADED else GRADED
