"""`grader`: grade, check, validate, data and calibrate, each a short pipeline of plain functions.

Exit codes: 0 grading worked (whatever the student scored); 1 the harness could not grade something; 2 usage errors;
`check` adds 3: a visible check failed. `run` passes on the student's program's own exit code (124: time limit).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader import images, similarity
from grader.cluster.coordinator import ClusterError
from grader.data import datasets
from grader.data.choice import DatasetChoiceError, choose_dataset
from grader.grading import GradeOptions, grade_submission, not_graded, spec_checks
from grader.isolation import Mode, available
from grader.job import Submission
from grader.messages import DEFAULT_LANG, LANGS, render, say
from grader.names import typed_path
from grader.notebooks.convert import conversion_notes
from grader.platforms.cli import add_export_parser, cmd_export
from grader.platforms.github_classroom.ci import run_classroom
from grader.results import AssignmentResult, Status, SubmissionStatus
from grader.runners import RUNNERS
from grader.session import batch
from grader.spec import AssignmentSpec, SpecError, load_spec
from grader.student.console import print_checks, print_lines, progress_view
from grader.student.run import TIMED_OUT, RunError, RunRequest, entry_file, run_dataset, run_student
from grader.submissions import Accepted, Missing, SubmissionError, find_submission, listing, submission_notes
from grader.term.options import TermSetupError, add_term_options, term_policy

console = Console(width=None if Console().is_terminal else 160)

OK, HARNESS_FAILED, USAGE, CHECKS_FAILED = 0, 1, 2, 3
PROFILES = ("smoke", "full")
TABLE_ROWS = 40


def _error(message: str) -> None:
    """Plain stderr, never wrapped: error messages hold paths and commands people copy."""
    print(f"error: {message}", file=sys.stderr)


class UsageError(Exception):
    """Bad input from the user: printed without a traceback, exit code 2."""


def _add_lang(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help=f"language of {what} (default: en)")


def _add_run_options(parser: argparse.ArgumentParser, profile: str) -> None:
    parser.add_argument("--profile", choices=PROFILES, default=profile, help=f"training profile (default: {profile})")
    parser.add_argument(
        "--dataset", choices=sorted(datasets.DATASETS), help="dataset to grade on (default: the spec's)"
    )
    parser.add_argument("--seed", type=int, help="override the spec's seed")
    parser.add_argument("--backend", choices=list(RUNNERS), default="local", help="where student code runs")
    parser.add_argument("--data-dir", type=Path, help="dataset cache (default: $GRADER_DATA_DIR or ~/.cache/grader)")
    parser.add_argument("--time-limit", type=float, help="seconds per submission (default: the profile's)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where PyTorch trains (default: cpu)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser(
        "grade",
        help="grade submissions or a whole class; writes OUT/<assignment>/<student>/results.json and, for a class, "
        "a gradebook, JUnit and a report in OUT/<assignment>/",
    )
    grade.add_argument("assignment", help="an id under assignments/ or a path to an assignment folder")
    grade.add_argument(
        "submissions",
        nargs="+",
        type=Path,
        help="files, folders holding submission.py, or class folders (a folder or file per student, "
        "a GitHub Classroom or a Gradescope export)",
    )
    grade.add_argument("--out", type=Path, default=Path("results"), help="output folder (default: ./results)")
    grade.add_argument(
        "--jobs",
        type=int,
        help="submissions graded at once; CPUs are split between them (default: 1, or with --scheduler every worker "
        "thread of the cluster)",
    )
    grade.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade each submission as a task on a running Dask cluster, e.g. tcp://HOST:8786 (workers: `dask worker "
        "ADDRESS --nthreads 1`, plus `--resources GPU=1` on GPU hosts); cache, retries and outputs stay here",
    )
    grade.add_argument("--force", action="store_true", help="regrade even the submissions already graded as they are")
    grade.add_argument(
        "--per-gpu",
        type=int,
        metavar="N",
        help="with --device cuda: submissions are spread over the host's GPUs, at most N at once on each "
        "(default: the jobs spread evenly)",
    )
    grade.add_argument(
        "--stall-timeout",
        type=float,
        metavar="SECONDS",
        help="when no submission finishes for this long, write every thread's stack to OUT/<assignment>/stalls.log "
        "(default: twice the time limit plus 60 s)",
    )
    grade.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("gradescope", "prairielearn"),
        help="per-student results formats (repeatable; default: gradescope)",
    )
    grade.add_argument("--lang", choices=("en", "ko"), default="en", help="language of the feedback files")
    grade.add_argument(
        "--reveal",
        action="store_true",
        help="after the due date: feedback.md and prairielearn.json show the checks graded after the due date in full "
        "(default: their title and points only; `hidden` checks never)",
    )
    _add_run_options(grade, "full")
    add_term_options(grade)
    similarity.add_options(grade)

    classroom = commands.add_parser(
        "classroom", help="CI: grade one student repository and report points the GitHub Classroom way"
    )
    classroom.add_argument("assignment")
    classroom.add_argument("repo", type=Path, help="the student's repository (a checkout)")
    classroom.add_argument("--out", type=Path, default=Path("results"), help="where results.json goes")
    classroom.add_argument("--profile", choices=PROFILES, default="full")
    classroom.add_argument("--backend", choices=list(RUNNERS), default="local")
    classroom.add_argument("--dataset", choices=sorted(datasets.DATASETS))
    classroom.add_argument("--data-dir", type=Path)
    _add_lang(classroom, "the check messages")

    check = commands.add_parser(
        "check",
        help="students: run the visible checks on your submission",
        description="Run the visible checks on your submission and say, for each, what was expected and found.",
        epilog=f"Exit status: {OK} every visible check passed; {CHECKS_FAILED} a visible check failed; "
        f"{HARNESS_FAILED} the grader could not grade the submission (not your fault); {USAGE} usage error.",
    )
    check.add_argument("assignment")
    check.add_argument("submission", nargs="?", type=Path, help="a file or folder (default: the current folder)")
    _add_run_options(check, "smoke")
    _add_lang(check, "the messages")

    run = commands.add_parser(
        "run",
        help="students: run your own file as __main__, with the course data served offline",
        description="Run your file's `if __name__ == \"__main__\":` block (or a notebook's code cells, top to bottom, "
        "its Colab-only lines skipped) in grader-run/<assignment>/ beside your file, with the dataset served the "
        "grader's way, so tf.keras.datasets.mnist.load_data() and torchvision.datasets.MNIST(root='./data', "
        "download=True) work offline. Your output streams as it comes. The folder, with what your program saved, is "
        "kept; an earlier run's folder is renamed <assignment>.1, .2, ...",
        epilog=f"Exit status: your program's own; {TIMED_OUT} when the time limit stopped it; 128+N when signal N "
        f"killed it; {USAGE} usage error.",
    )
    run.add_argument("assignment")
    run.add_argument(
        "submission", nargs="?", type=Path, help="a .py or .ipynb file, or a folder holding one (default: this folder)"
    )
    run.add_argument("--profile", choices=PROFILES, default="smoke", help="smoke: a small training subset (default)")
    run.add_argument("--dataset", choices=sorted(datasets.DATASETS), help="dataset to serve (default: the spec's)")
    run.add_argument("--data-dir", type=Path, help="dataset cache (default: $GRADER_DATA_DIR or ~/.cache/grader)")
    run.add_argument("--time-limit", type=float, help="seconds before your program is stopped (default: the profile's)")
    run.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="cpu hides any GPU (default: cpu)")
    _add_lang(run, "the grader's own lines")

    validate = commands.add_parser("validate", help="check assignment specs without running anything")
    validate.add_argument("assignments", nargs="+")

    data = commands.add_parser("data", help="manage the local MNIST / Fashion-MNIST cache")
    data.add_argument("--data-dir", type=Path)
    data_commands = data.add_subparsers(dest="data_command", required=True)
    data_commands.add_parser("list", help="where each dataset is found")
    fetch = data_commands.add_parser("fetch", help="download from the standard mirrors, checksums verified")
    fetch.add_argument("name", choices=sorted(datasets.DATASETS))
    fetch.add_argument("--mirror", action="append", help="try this mirror first (repeatable)")
    imported = data_commands.add_parser("import", help="copy verified IDX files from a local folder")
    imported.add_argument("name", choices=sorted(datasets.DATASETS))
    imported.add_argument("folder", type=Path)

    image = commands.add_parser("image", help="build the grading images (Docker)")
    image_commands = image.add_subparsers(dest="image_command", required=True)
    base = image_commands.add_parser("base", help="debootstrap a Debian base image, for hosts that cannot pull")
    base.add_argument("--tag", default=images.BASE_IMAGE)
    base.add_argument("--rebuild", action="store_true", help="build it again even if the image exists")
    locked = image_commands.add_parser("lock", help="resolve docker/VARIANT/requirements.in into a hashed lock")
    locked.add_argument("variant", choices=images.VARIANTS)
    built = image_commands.add_parser("build", help="build the cpu or cuda grading image, offline")
    built.add_argument("variant", choices=images.VARIANTS)
    built.add_argument("--base", help="base image (default: the Dockerfile's pinned python:3.11-slim)")

    calibrate = commands.add_parser("calibrate", help="grade the reference over several seeds to set thresholds")
    calibrate.add_argument("assignment")
    calibrate.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    calibrate.add_argument("--margin", type=float, default=0.02)
    _add_run_options(calibrate, "smoke")
    add_export_parser(commands)
    return parser


def _spec(ref: str) -> AssignmentSpec:
    try:
        return load_spec(ref)
    except SpecError as exc:
        raise UsageError(str(exc)) from None


def _dataset_name(spec: AssignmentSpec, args: argparse.Namespace) -> str:
    """`--dataset`, else the spec's default when installed, else an installed one, said once at the top."""
    try:
        choice = choose_dataset(spec, args.dataset, args.data_dir)
    except DatasetChoiceError as exc:
        raise UsageError(str(exc)) from None
    if choice.note is not None:
        print_lines(console, render(choice.note, getattr(args, "lang", DEFAULT_LANG)))
    return choice.name


def _options(args: argparse.Namespace) -> GradeOptions:
    """The grading options of `grade`, `check` and `calibrate` (which has no `--lang`: its messages are not read)."""
    return GradeOptions(
        profile=args.profile,
        seed=args.seed,
        backend=args.backend,
        device=args.device,
        time_limit_s=args.time_limit,
        lang=getattr(args, "lang", DEFAULT_LANG),
    )


def _grade_one(
    spec: AssignmentSpec, submission: Submission, dataset_name: str, options: GradeOptions, data_dir: Path | None
) -> AssignmentResult:
    """One submission, for `check`; it ends with a result even when the dataset itself is missing."""
    try:
        dataset = datasets.load(dataset_name, data_dir)
    except datasets.DatasetError as exc:
        _error(str(exc))
        return not_graded(spec.id, submission.name, str(exc), spec_checks(spec, options.lang), options.lang)
    with progress_view(console, submission.shown, options.lang) as progress:
        return grade_submission(spec, submission, dataset, options, progress=progress)


def _table(spec: AssignmentSpec, results: list[AssignmentResult], lang: str) -> Table:
    table = Table(title=f"{spec.id}: {spec.title_in(lang)}")
    table.add_column("submission")
    for check in spec.checks:
        table.add_column(check.id, justify="center")
    table.add_column("score", justify="right")
    table.add_column("time", justify="right")
    for result in results:
        marks = ["[green]✓[/green]" if t.status is Status.PASSED else "[red]✗[/red]" for t in result.tests]
        score = f"{result.score:g}/{result.max_score:g}"
        if result.final_score != result.score:  # adjusted or late: the verified points, then the course's
            score = f"{result.score:g} → {result.final_score:g}/{result.max_score:g}"
        if result.status is SubmissionStatus.NOT_GRADED:
            score = "[yellow]not graded[/yellow]"
        elif result.status is SubmissionStatus.MISSING:
            marks, score = ["·" for _ in result.tests], "[yellow]missing[/yellow]"
        table.add_row(result.shown, *marks, score, f"{result.execution_time:.1f}s")
    return table


def _warn_if_unisolated(backend: str, lang: str) -> None:
    """Said once when the local backend can only keep student code apart as the grader's own user."""
    if backend != "local":
        return
    mode, problem = available()
    if mode is Mode.PROCESS:
        print_lines(console, render(say("cli.weak_isolation", problem=problem or ""), lang))


def cmd_grade(args: argparse.Namespace) -> int:
    spec = _spec(args.assignment)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.per_gpu is not None and args.per_gpu < 1:
        raise UsageError("--per-gpu must be at least 1")
    if args.stall_timeout is not None and args.stall_timeout <= 0:
        raise UsageError("--stall-timeout must be a positive number of seconds")
    try:
        collected = batch.collect(args.submissions, spec)
    except SubmissionError as exc:
        raise UsageError(str(exc)) from None
    formats = tuple(dict.fromkeys(["gradescope", *(args.formats or [])]))
    try:
        policy, remembered = term_policy(spec, args, batch.assignment_folder(args.out, spec))
    except TermSetupError as exc:
        raise UsageError(str(exc)) from None
    for line in remembered:
        console.print(line, markup=False)
    options = batch.BatchOptions(
        args.out,
        args.jobs,
        args.force,
        formats,
        args.lang,
        args.data_dir,
        args.reveal,
        args.stall_timeout,
        args.scheduler,
        args.per_gpu,
        policy,
        similarity=similarity.options_from(args),
    )
    dataset_name = _dataset_name(spec, args)
    _warn_if_unisolated(args.backend, args.lang)
    if collected.unrecognised:
        listed = listing(list(collected.unrecognised), shown=10)
        print_lines(console, render(say("submission.unrecognised", files=listed), args.lang))
    if datasets.locate(dataset_name, args.data_dir) is None:
        try:
            datasets.load(dataset_name, args.data_dir)  # fails at once, with the message that names the fix
        except datasets.DatasetError as exc:
            _error(f"{exc}\nEvery submission gets a 'not graded' result until then.")
    try:
        results = batch.grade_class(spec, collected, dataset_name, _options(args), options, console)
    except ClusterError as exc:
        raise UsageError(str(exc)) from None
    if len(results) <= TABLE_ROWS:
        console.print(_table(spec, results, args.lang))
    counts = {status: sum(r.status is status for r in results) for status in SubmissionStatus}
    folder = batch.assignment_folder(args.out, spec)
    where = f"results in {folder}/<student>/"
    if collected.is_class or policy.roster is not None:
        where += f", class outputs in {folder}/ ({', '.join(batch.CLASS_FILES)})"
    console.print(
        f"{counts[SubmissionStatus.GRADED]} graded, {counts[SubmissionStatus.MISSING]} missing (no submission), "
        f"{counts[SubmissionStatus.NOT_GRADED]} not graded; {where}",
        markup=False,
    )
    return HARNESS_FAILED if counts[SubmissionStatus.NOT_GRADED] else OK


def cmd_classroom(args: argparse.Namespace) -> int:
    options = {"profile": args.profile, "backend": args.backend, "dataset": args.dataset, "data_dir": args.data_dir}
    return run_classroom(args.assignment, args.repo, args.out, os.environ, sys.stdout, lang=args.lang, **options)


def cmd_check(args: argparse.Namespace) -> int:
    spec = _spec(args.assignment)
    accepted = Accepted.of(spec)
    path = args.submission or Path.cwd()  # the student's own file, from where they are: never the repository's
    try:
        submission = find_submission(path, accepted)
    except SubmissionError as exc:
        if args.submission is not None:
            raise UsageError(str(exc)) from None
        files = ", ".join(accepted.names)
        problem = say("cli.check_no_file", id=spec.id, folder=str(path), files=files)
        raise UsageError(problem.render(args.lang)) from None
    if isinstance(submission, Missing):  # refused (a link out of the folder): the student's to fix, not graded
        print_lines(console, render(say("submission.missing", reason=submission.reason), args.lang))
        return CHECKS_FAILED
    shown = typed_path(submission.entry)
    if args.submission is None and accepted.is_skeleton(submission.entry):
        raise UsageError(say("cli.check_only_skeleton", id=spec.id, file=shown).render(args.lang))
    print_lines(console, render(say("cli.check_file", file=shown), args.lang))
    options = _options(args)
    for note in (*submission_notes(spec, submission), *conversion_notes(submission.entry)):
        print_lines(console, render(note, args.lang))
    result = _grade_one(spec, submission, _dataset_name(spec, args), options, args.data_dir)
    visible = print_checks(console, result, args.profile, args.lang)
    if result.status is SubmissionStatus.NOT_GRADED:
        console.print(result.output, markup=False)
        return HARNESS_FAILED
    failed = any(t.status is not Status.PASSED and t.max_score > 0 for t in visible)
    return CHECKS_FAILED if failed else OK


def cmd_run(args: argparse.Namespace) -> int:
    spec = _spec(args.assignment)
    try:
        file = entry_file(args.submission or Path.cwd(), spec)
        choice = run_dataset(spec, args.dataset, args.data_dir)  # worded as serving the data, not grading on it
        if choice.note is not None:
            print_lines(console, render(choice.note, args.lang))
        dataset = datasets.load(choice.name, args.data_dir)
        request = RunRequest(spec, file, dataset, args.profile, args.time_limit, args.device, args.lang)
        return run_student(request, lambda text: print_lines(console, text)).status
    except (RunError, DatasetChoiceError, datasets.DatasetError) as exc:
        raise UsageError(str(exc)) from None


def cmd_validate(args: argparse.Namespace) -> int:
    failed = False
    for ref in args.assignments:
        try:
            spec = load_spec(ref)
        except SpecError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        console.print(f"[green]ok[/green] {spec.id}: {len(spec.checks)} checks, {spec.max_score:g} points")
    return USAGE if failed else OK


def cmd_data(args: argparse.Namespace) -> int:
    if args.data_command == "list":
        for name, where in datasets.status(args.data_dir):
            console.print(f"{name:15} {where}", markup=False)
        return OK
    try:
        if args.data_command == "fetch":
            path = datasets.fetch(args.name, args.data_dir, mirrors=args.mirror)
        else:
            path = datasets.import_folder(args.name, args.folder, args.data_dir)
    except datasets.DatasetError as exc:
        _error(str(exc))
        return HARNESS_FAILED
    console.print(f"{args.name} ready in {path}", markup=False)
    return OK


def cmd_image(args: argparse.Namespace) -> int:
    try:
        if args.image_command == "lock":
            console.print(f"wrote {images.lock(args.variant)}", markup=False)
            return OK
        if args.image_command == "base":
            existing = None if args.rebuild else images.inspect(args.tag)
            info = existing or images.build_base(args.tag)
        else:
            info = images.build(args.variant, args.base)
    except images.ImageError as exc:
        _error(str(exc))
        return HARNESS_FAILED
    size = info.size_bytes / 1e9
    console.print(f"{info.tag}: {info.image_id[:19]}, {size:.2f} GB, built in {info.seconds:.0f} s", markup=False)
    return OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from grader.authoring.calibration import calibrate

    spec = _spec(args.assignment)
    if not any(check.id == "accuracy" for check in spec.checks):
        raise UsageError(
            f"{spec.id} has no accuracy threshold to calibrate; its tolerances and what the reference measured are in "
            f"assignments/{spec.id}/calibration.md"
        )
    name = _dataset_name(spec, args)
    try:
        dataset = datasets.load(name, args.data_dir)
    except datasets.DatasetError as exc:
        raise UsageError(str(exc)) from None
    report = calibrate(spec, dataset, args.profile, tuple(args.seeds), args.margin, _options(args))
    console.print(report.describe(), markup=False)
    return OK


COMMANDS = {
    "grade": cmd_grade,
    "classroom": cmd_classroom,
    "check": cmd_check,
    "run": cmd_run,
    "validate": cmd_validate,
    "data": cmd_data,
    "calibrate": cmd_calibrate,
    "image": cmd_image,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        _error(str(exc))
        return USAGE


if __name__ == "__main__":
    sys.exit(main())
