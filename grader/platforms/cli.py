"""`grader export gradescope|prairielearn`: the command line of the platform exports (hooked into `grader.cli`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader import __version__, course_key
from grader.data import datasets
from grader.data.choice import DatasetChoiceError, choose_dataset
from grader.messages import DEFAULT_LANG, LANGS
from grader.platforms.gradescope_export import GradescopeExport, export_gradescope
from grader.platforms.prairielearn_export import PrairieLearnExport, export_prairielearn
from grader.platforms.requirements import RequirementsError
from grader.platforms.settings import ExportError, PlatformSettings
from grader.spec import AssignmentSpec, SpecError, load_spec

OK, USAGE = 0, 2
PROFILES = ("full", "smoke")
PRAIRIELEARN_IMAGE = f"grader-prairielearn:{__version__}"
"""docker/prairielearn/Dockerfile built on the CPU grading image; push it where PrairieLearn can pull it."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="an id under assignments/ or a path to an assignment folder")
    parser.add_argument("--profile", choices=PROFILES, default="full", help="training profile (default: full)")
    parser.add_argument(
        "--dataset", choices=sorted(datasets.DATASETS), help="dataset to grade on (default: the spec's, when here)"
    )
    parser.add_argument("--data-dir", type=Path, help="dataset cache (default: $GRADER_DATA_DIR or ~/.cache/grader)")
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help="language of the results (default: en)")


def add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="package an assignment to grade inside Gradescope or PrairieLearn")
    platforms = export.add_subparsers(dest="platform", required=True)
    gradescope = platforms.add_parser(
        "gradescope", help="an autograder zip (setup.sh, run_autograder, the spec, the grader, the dataset)"
    )
    _common(gradescope)
    gradescope.add_argument("--out", type=Path, help="the zip to write (default: ./<assignment>-gradescope.zip)")
    gradescope.add_argument(
        "--wheelhouse",
        action="store_true",
        help="bundle the wheels too, so setup.sh installs offline (a much larger zip)",
    )
    prairielearn = platforms.add_parser(
        "prairielearn", help="a question folder (info.json, question.html, tests/) graded by the grading image"
    )
    _common(prairielearn)
    prairielearn.add_argument("--out", type=Path, help="the question folder (default: ./<assignment>)")
    prairielearn.add_argument(
        "--image",
        default=PRAIRIELEARN_IMAGE,
        help=f"the grading image PrairieLearn pulls (default: {PRAIRIELEARN_IMAGE})",
    )
    prairielearn.add_argument("--topic", default="Deep learning", help="the question's topic (infoCourse.json)")


def _gradescope(args: argparse.Namespace, spec: AssignmentSpec, settings: PlatformSettings) -> None:
    out = args.out or Path(f"{spec.id}-gradescope.zip")
    written = export_gradescope(GradescopeExport(spec, settings, args.data_dir, args.wheelhouse), out)
    wheels = "wheels bundled" if written.wheels_bundled else "setup.sh downloads their wheels"
    print(
        f"wrote {written.path} ({written.size_bytes / 1e6:.1f} MB): {spec.id} on {settings.dataset}, "
        f"{settings.profile} profile; {written.packages} locked packages for {spec.framework} ({wheels})"
    )
    print(
        "Upload it as the autograder of a Gradescope programming assignment (base image: Ubuntu 22.04), and set "
        f"its timeout above {spec.wall_time_s(spec.profiles[settings.profile].time_limit_s):g} s (the profile's limit"
        f"{f' for each of its {len(spec.stages)} runs' if spec.staged else ''}) plus setup."
    )


def _prairielearn(args: argparse.Namespace, spec: AssignmentSpec, settings: PlatformSettings) -> None:
    question = export_prairielearn(
        PrairieLearnExport(spec, settings, args.image, args.topic), args.out or Path(spec.id)
    )
    print(
        f"wrote {question.folder}/ (uuid {question.uuid}): {spec.id} on {settings.dataset}, {settings.profile} "
        f"profile; image {args.image}, job timeout {question.timeout_s} s"
    )
    if question.shortened:
        per_run = " per run" if spec.staged else ""
        print(
            f"note: student code gets {question.time_limit_s:g} s{per_run}, not the profile's "
            f"{spec.profiles[settings.profile].time_limit_s:g} s: PrairieLearn stops a job after 600 s"
        )
    print("Copy the folder into your course's questions/, and push the image where PrairieLearn pulls it from.")


def cmd_export(args: argparse.Namespace) -> int:
    try:
        spec = load_spec(args.assignment)
        dataset = choose_dataset(spec, args.dataset, args.data_dir).name
        settings = PlatformSettings(spec.id, dataset, args.profile, args.lang, split_key=course_key.split_key())
        (_gradescope if args.platform == "gradescope" else _prairielearn)(args, spec, settings)
    except (SpecError, DatasetChoiceError, ExportError, RequirementsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    return OK
