"""Gradescope's side of an export: `run_autograder` runs `python -m grader.platforms.gradescope_entry` for each
submission, which grades /autograder/submission and always writes /autograder/results/results.json.

Gradescope's contract (gradescope-autograders.readthedocs.io, "Autograder specifications"): the zip is unzipped to
/autograder/source, `setup.sh` runs once as root, then `run_autograder` runs for each submission with the student's
files in /autograder/submission; the score and per-test visibility are read from /autograder/results/results.json.
Gradescope has no "not graded" state, so a problem of the autograder's own scores 0 with a message saying it is not
the student's score, and a submission without a file to grade scores 0 with what to hand in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from grader.data import datasets
from grader.grading import missing_result, not_graded
from grader.messages import Text
from grader.outputs import gradescope
from grader.platforms.entry import SetupError, crashed, export_lang, find_files, grade, load_setup
from grader.platforms.settings import DATA_DIR
from grader.results import AssignmentResult
from grader.submissions import Accepted

ROOT = Path("/autograder")
NAME = "submission"
PLATFORM = "gradescope"


def grade_gradescope(root: Path, run_as: str | None) -> AssignmentResult:
    """Grade `root`/submission with the export in `root`/source."""
    source = root / "source"
    try:
        setup = load_setup(source, PLATFORM)
    except SetupError as exc:
        lang = export_lang(source)
        return not_graded("", NAME, exc.text.render(lang), [], lang)
    spec, lang = setup.spec, setup.settings.lang
    found = find_files(root / "submission", Accepted.of(spec))
    if isinstance(found, Text):
        return missing_result(spec, NAME, found, lang)
    bundled = source / DATA_DIR  # the export's copy; the environment's cache when it has none (a grading image)
    data_dir = bundled if (bundled / setup.settings.dataset).is_dir() else datasets.default_cache_dir()
    return grade(setup, NAME, found, data_dir, run_as)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.platforms.gradescope_entry", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="Gradescope's /autograder folder")
    parser.add_argument("--run-as", help="when started as root, run the grading as this user (setup.sh creates it)")
    args = parser.parse_args(argv)
    try:
        result = grade_gradescope(args.root, args.run_as)
    except Exception:  # the last resort: Gradescope shows nothing useful for a run that leaves no results.json
        result = crashed("", NAME, export_lang(args.root / "source"))
    gradescope.write(result, args.root / "results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
