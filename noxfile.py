"""Sessions: `tests` (the suite), `quick` (its unit tests alone), `lint` (ruff), `docs` (the documentation site, built
strictly), `grade` (grade the bundled examples, or pass `grader grade` arguments after `--`), `images` (the Docker
grading images), `calibrate` (re-measure accuracy thresholds on the references)."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
PROJECT = ".[tf,torch,lightning,dev,cluster]"


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (smoke profile; real Fashion-MNIST from Debian's dataset-fashion-mnist)."""
    session.install("-e", PROJECT)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def quick(session: nox.Session) -> None:
    """The unit tests alone, in the tests session's environment: nothing graded through the pipeline, no Docker
    (`pytest --quick`: every test marked `pipeline` is deselected, and one that runs student code anyway fails)."""
    session.notify("tests", posargs=["--quick", *session.posargs])


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "grader", "tests", "noxfile.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs.yml, docs/) into site/; `--strict` turns every warning, a broken link or
    anchor and a page missing from the nav among them, into a failure."""
    session.install("mkdocs>=1.6,<2", "mkdocs-material>=9.5,<10")
    quiet = {"NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner, printed on every build; not a warning
    session.run("mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"), *session.posargs, env=quiet)


def _assignment_first(args: list[str]) -> list[str]:
    """`FOLDER --assignment ID [options]` (the class form) becomes `grader grade ID FOLDER [options]`."""
    for index, arg in enumerate(args):
        if arg == "--assignment" and index + 1 < len(args):
            return [args[index + 1], *args[:index], *args[index + 2 :]]
        if arg.startswith("--assignment="):
            return [arg.split("=", 1)[1], *args[:index], *args[index + 1 :]]
    return args


@nox.session
def grade(session: nox.Session) -> None:
    """Grade the bundled examples (reference + flawed) and print the gradebook; `-- ARGS` grades anything else."""
    session.install("-e", PROJECT)
    if session.posargs:
        session.run("grader", "grade", *_assignment_first(session.posargs))
        return
    for spec in sorted((ROOT / "assignments").glob("*/assignment.yaml")):
        assignment = spec.parent.name
        solution = ROOT / "solutions" / assignment
        examples = sorted(str(p) for p in (solution / "examples").glob("*") if p.suffix in (".py", ".ipynb"))
        session.run(
            "grader", "grade", assignment, str(solution / "submission.py"), *examples,
            "--profile", "smoke", "--dataset", "fashion-mnist", "--time-limit", "60",
            "--out", "results/examples",
        )  # fmt: skip


@nox.session
def images(session: nox.Session) -> None:
    """Build the Debian base (no registry needed) and the CPU grading image; `-- cuda` builds the CUDA one too."""
    session.install("-e", ".")
    session.run("grader", "image", "base")
    for variant in ("cpu", *session.posargs):
        session.run("grader", "image", "build", variant, "--base", "grader-base:bookworm")


@nox.session
def bench(session: nox.Session) -> None:
    """Harness overhead (each reference graded in docker-cpu against the same work run plainly in the same image),
    isolation (each reference graded with student code isolated against the grader's own user), replay (what 02's
    training experiment and its host-side replay add to a smoke and a full grading), class-session
    throughput (`--jobs 2` against `--jobs 1`, a rerun with nothing changed), notebooks (a 5 MB notebook into a
    module; each reference notebook graded against its `.py` twin) and the host's BLAS cap (eight threads multiplying
    matrices, uncapped against capped). `-- overhead|isolation|replay|session|notebook|threads` runs one of them;
    `-- cluster` (not run by default: it trains on the full profile) measures grading on a Dask cluster started here."""
    session.install("-e", ".")
    chosen = session.posargs or ["overhead", "isolation", "replay", "session", "notebook", "threads"]
    if "overhead" in chosen:
        session.run("python", "-m", "grader.bench.overhead")
    if "isolation" in chosen:
        session.install("-e", PROJECT)
        session.run("python", "-m", "grader.bench.isolation")
    if "replay" in chosen:
        session.install("-e", PROJECT)
        session.run("python", "-m", "grader.bench.replay")
    if "session" in chosen:
        session.run("python", "-m", "grader.bench.session")
    if "notebook" in chosen:
        session.install("-e", PROJECT)
        session.run("python", "-m", "grader.bench.notebooks")
    if "threads" in chosen:
        session.run("python", "-m", "grader.bench.threads")
    if "cluster" in chosen:
        session.install("-e", PROJECT)
        session.run("python", "-m", "grader.bench.cluster")


@nox.session
def calibrate(session: nox.Session) -> None:
    """Grade each reference over five seeds per profile and record the figures in calibration.yaml."""
    session.install("-e", PROJECT)
    if session.posargs:
        session.run("grader", "calibrate", *session.posargs)
        return
    for spec in sorted((ROOT / "assignments").glob("*/assignment.yaml")):
        if "id: accuracy" not in spec.read_text(encoding="utf-8"):
            continue  # no threshold: calibration.md holds its tolerances and what the reference measured
        for profile in ("smoke", "full"):
            session.run("grader", "calibrate", spec.parent.name, "--dataset", "fashion-mnist", "--profile", profile)
