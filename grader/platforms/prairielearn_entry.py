"""PrairieLearn's side of an export: the question's external-grading entry point,
`python -m grader.platforms.prairielearn_entry`, run in the grading image for each submission.

PrairieLearn's contract (docs.prairielearn.com, "External grading"): /grade/tests holds the question's tests/ folder
(here the spec and the export's settings), /grade/student the student's files, /grade/data/data.json the submission's
data (with `gradable`), and the entry point must create /grade/results and write results.json there. A submission
that PrairieLearn or the grader finds unusable (no file, an ambiguous one) is `gradable: false` with the reason in
`format_errors`: the student loses no attempt and is told what to fix. Problems of the autograder's own are
`gradable: false` as well (`grader.outputs.prairielearn`), never a zero.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader import atomic
from grader.data import datasets
from grader.grading import not_graded
from grader.messages import Text, say
from grader.outputs.prairielearn import FILENAME, to_prairielearn
from grader.platforms.entry import SetupError, crashed, export_lang, find_files, grade, load_setup
from grader.submissions import Accepted

ROOT = Path("/grade")
NAME = "student"
PLATFORM = "prairielearn"


def _format_errors(data: dict[str, Any]) -> list[str]:
    """PrairieLearn's own format errors (`{element: [message, ...]}`), each once."""
    errors = data.get("format_errors")
    found: list[str] = []
    for value in errors.values() if isinstance(errors, dict) else []:
        found += [str(item) for item in (value if isinstance(value, list) else [value])]
    return list(dict.fromkeys(found))


def not_gradable(text: Text, errors: list[str], lang: str) -> dict[str, Any]:
    return {"gradable": False, "message": text.render(lang), "format_errors": errors, "tests": []}


def grade_prairielearn(root: Path, run_as: str | None) -> dict[str, Any]:
    """PrairieLearn's results for the job in `root`."""
    lang = export_lang(root / "tests")
    try:
        data = json.loads((root / "data" / "data.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}  # the job has no data.json to honour: grade the files PrairieLearn sent
    if isinstance(data, dict) and data.get("gradable") is False:
        return not_gradable(say("platforms.not_gradable"), _format_errors(data), lang)
    try:
        setup = load_setup(root / "tests", PLATFORM)
    except SetupError as exc:
        return to_prairielearn(not_graded("", NAME, exc.text.render(lang), [], lang), lang)
    found = find_files(root / "student", Accepted.of(setup.spec))
    if isinstance(found, Text):
        return not_gradable(found, [found.render(lang)], lang)
    return to_prairielearn(grade(setup, NAME, found, datasets.default_cache_dir(), run_as), lang)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.platforms.prairielearn_entry", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="PrairieLearn's /grade folder")
    parser.add_argument("--run-as", help="when started as root, run the grading as this user")
    args = parser.parse_args(argv)
    lang = export_lang(args.root / "tests")
    try:
        payload = grade_prairielearn(args.root, args.run_as)
    except Exception:  # the last resort: PrairieLearn reports a job without results.json as a failure, no reason
        payload = to_prairielearn(crashed("", NAME, lang), lang)
    atomic.write_text(args.root / "results" / FILENAME, json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
