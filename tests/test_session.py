"""Class sessions: the CPU split, the cache and resume, retries of harness failures, and a batch that always ends."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.data import datasets
from grader.grading import GradeOptions, not_graded, spec_checks
from grader.job import Submission, prepare
from grader.outputs import gradescope
from grader.results import AssignmentResult, SubmissionStatus
from grader.runners.base import thread_environment
from grader.runners.docker import DockerCudaRunner, DockerRunner
from grader.runners.local import sandbox_environment
from grader.session import class_session as session
from grader.spec import AssignmentSpec, load_spec

from .conftest import ROOT

REFERENCE = ROOT / "solutions" / "01_tf_quickstart" / "submission.py"
SMOKE = GradeOptions(profile="smoke")


@pytest.fixture
def spec() -> AssignmentSpec:
    return load_spec("01_tf_quickstart")


@pytest.fixture
def roster(tmp_path: Path) -> list[Submission]:
    """Three students, each a folder holding a copy of the reference."""
    students = []
    for name in ("ana", "ben", "cho"):
        folder = tmp_path / "class" / name
        folder.mkdir(parents=True)
        shutil.copyfile(REFERENCE, folder / "submission.py")
        students.append(Submission(name, folder / "submission.py"))
    return students


class FakeGrader:
    """Stands in for grade_submission: counts calls, and answers from a script of statuses per student."""

    def __init__(self, spec: AssignmentSpec, script: dict[str, list[str]] | None = None) -> None:
        self.spec, self.script, self.calls = spec, script or {}, []

    def __call__(
        self, spec: AssignmentSpec, submission: Submission, *args: object, **kwargs: object
    ) -> AssignmentResult:
        self.calls.append(submission.name)
        plan = self.script.get(submission.name, [])
        outcome = plan.pop(0) if plan else "graded"
        if outcome == "raise":
            raise RuntimeError("the container engine vanished")
        if outcome == "not_graded":
            return not_graded(spec.id, submission.name, "docker could not start the container", spec_checks(spec))
        failed = not_graded(spec.id, submission.name, "x", spec_checks(spec))
        return AssignmentResult(spec.id, submission.name, SubmissionStatus.GRADED, failed.tests, 1.0, "graded")


@pytest.fixture
def fake(spec: AssignmentSpec, monkeypatch: pytest.MonkeyPatch, fashion: datasets.Dataset) -> Iterator[FakeGrader]:
    grader = FakeGrader(spec)
    monkeypatch.setattr(session, "grade_submission", grader)
    yield grader


def _session(spec: AssignmentSpec, out: Path, **kwargs: object) -> session.Session:
    return session.Session(spec, "fashion-mnist", SMOKE, out, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("jobs", "cpus", "share"), [(1, 2, 2), (2, 2, 1), (3, 2, 1), (4, 16, 4), (3, 16, 5)])
def test_cpus_are_split_evenly_between_parallel_jobs(jobs: int, cpus: int, share: int) -> None:
    assert session.split_cpus(jobs, cpus) == share


def test_a_container_gets_its_share_of_cpus_and_the_specs_thread_count(
    spec: AssignmentSpec, fashion: datasets.Dataset, tmp_path: Path
) -> None:
    job = prepare(spec, Submission("ana", REFERENCE), fashion, "smoke", spec.seed, tmp_path, cpus=3)
    command = DockerRunner(cpus=8).command(job, "c")
    assert command[command.index("--cpus") + 1] == "3"
    backstop = command[command.index("timeout") :][:4]  # dies by itself should the grader die first
    assert backstop == ["timeout", "--signal=KILL", f"{int(job.time_limit_s) + 60}", "python"]
    assert spec.limits.threads == 1
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OPENBLAS_NUM_THREADS"):
        assert f"{name}=1" in command  # the spec's count, whatever the share: results do not depend on --jobs
        assert sandbox_environment(job)[name] == "1"
    assert thread_environment(4)["OMP_NUM_THREADS"] == "4"


def test_parallel_sessions_give_each_submission_its_share(spec: AssignmentSpec, tmp_path: Path) -> None:
    assert _session(spec, tmp_path, jobs=2).options.cpus == session.split_cpus(2)
    assert _session(spec, tmp_path, jobs=1).options.cpus is None


def test_cuda_sessions_place_each_attempt_on_one_gpu(
    spec: AssignmentSpec, fake: FakeGrader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, roster: list[Submission]
) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    placed: list[str | None] = []
    together = threading.Barrier(2, timeout=10)  # the first two are graded at the same time

    def grade(spec: AssignmentSpec, submission: Submission, dataset: object, options: GradeOptions) -> object:
        placed.append(options.gpu)
        if len(placed) <= 2:
            together.wait()
        return fake(spec, submission)

    monkeypatch.setattr(session, "grade_submission", grade)
    cuda = session.Session(spec, "fashion-mnist", GradeOptions(profile="smoke", device="cuda"), tmp_path, jobs=2)
    assert cuda.gpus is not None and cuda.gpus.per_gpu == 1
    cuda.run(roster)
    assert sorted(placed[:2]) == ["0", "1"] and len(placed) == 3
    job = prepare(spec, roster[0], cuda.dataset(), "smoke", spec.seed, tmp_path / "job", device="cuda", gpu="1")
    assert sandbox_environment(job)["CUDA_VISIBLE_DEVICES"] == "1"
    assert "device=1" in DockerCudaRunner().command(job, "c")
    assert _session(spec, tmp_path, jobs=2).gpus is None  # on the CPU nothing is placed


def test_unchanged_submissions_are_not_graded_again(
    spec: AssignmentSpec, roster: list[Submission], fake: FakeGrader, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _session(spec, out, jobs=2).run(roster)
    assert sorted(fake.calls) == ["ana", "ben", "cho"]
    assert not any(g.cached for g in first)
    second = _session(spec, out, jobs=2).run(roster)
    assert sorted(fake.calls) == ["ana", "ben", "cho"]
    assert all(g.cached for g in second)
    assert [g.result for g in second] == [gradescope.read(out / s.name / "results.json") for s in roster]


def test_a_changed_submission_a_changed_option_and_force_regrade(
    spec: AssignmentSpec, roster: list[Submission], fake: FakeGrader, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _session(spec, out).run(roster)
    roster[1].entry.write_text(roster[1].entry.read_text() + "\n# edited\n", encoding="utf-8")
    _session(spec, out).run(roster)
    assert fake.calls[3:] == ["ben"]
    session.Session(spec, "fashion-mnist", GradeOptions(profile="smoke", seed=1), out).run(roster[:1])
    assert fake.calls[4:] == ["ana"]
    _session(spec, out, force=True).run(roster[2:])
    assert fake.calls[5:] == ["cho"]


def test_a_helper_file_beside_the_entry_is_part_of_the_key(
    spec: AssignmentSpec, roster: list[Submission], fake: FakeGrader, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _session(spec, out).run(roster[:1])
    (roster[0].folder / "helpers.py").write_text("SCALE = 255.0\n", encoding="utf-8")
    _session(spec, out).run(roster[:1])
    assert fake.calls == ["ana", "ana"]


def test_a_half_written_result_never_counts_as_done(
    spec: AssignmentSpec, roster: list[Submission], fake: FakeGrader, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _session(spec, out).run(roster)
    (out / "ben" / "results.json").unlink()
    (out / "ben" / ".results.json.tmp").write_text('{"score": 10', encoding="utf-8")
    (out / "cho" / "results.json").write_text('{"score": 10, "tests": [', encoding="utf-8")
    _session(spec, out).run(roster)
    assert fake.calls[3:] == ["ben", "cho"]
    assert gradescope.read(out / "cho" / "results.json").status is SubmissionStatus.GRADED


def test_a_harness_failure_is_retried_once_then_reported_as_not_graded_and_never_cached(
    spec: AssignmentSpec, roster: list[Submission], fake: FakeGrader, tmp_path: Path
) -> None:
    fake.script = {"ana": ["not_graded", "graded"], "ben": ["not_graded", "not_graded", "graded"]}
    out = tmp_path / "out"
    ana, ben, cho = _session(spec, out).run(roster)
    assert (ana.attempts, ana.result.status) == (2, SubmissionStatus.GRADED)
    assert (ben.attempts, ben.result.status) == (2, SubmissionStatus.NOT_GRADED)
    assert cho.attempts == 1
    written = gradescope.read(out / "ben" / "results.json")
    assert written.status is SubmissionStatus.NOT_GRADED
    assert "not a score you earned" in written.output
    again = _session(spec, out).run(roster)
    assert [g.cached for g in again] == [True, False, True]
    assert again[1].result.status is SubmissionStatus.GRADED


def test_one_broken_submission_never_stops_the_batch(
    spec: AssignmentSpec, roster: list[Submission], fake: FakeGrader, tmp_path: Path
) -> None:
    fake.script = {"ben": ["raise", "raise"]}
    out = tmp_path / "out"
    results = [g.result for g in _session(spec, out, jobs=2).run(roster)]
    assert [r.status for r in results] == [
        SubmissionStatus.GRADED, SubmissionStatus.NOT_GRADED, SubmissionStatus.GRADED
    ]  # fmt: skip
    assert "the container engine vanished" in results[1].output
    assert (out / "ben" / "results.json").is_file()


def test_a_missing_dataset_ends_every_submission_with_a_not_graded_result(
    spec: AssignmentSpec, roster: list[Submission], tmp_path: Path
) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    results = session.Session(spec, "mnist", SMOKE, tmp_path / "out", data_dir=empty).run(roster)
    assert {g.result.status for g in results} == {SubmissionStatus.NOT_GRADED}
    assert "not found" in results[0].result.output
    assert all((tmp_path / "out" / s.name / "results.json").is_file() for s in roster)


def test_a_real_parallel_session_grades_and_a_rerun_reuses_everything(
    spec: AssignmentSpec, roster: list[Submission], fashion: datasets.Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _session(spec, out, jobs=2).run(roster[:2])
    assert [g.result.score for g in first] == [10, 10]
    assert {g.result.provenance["threads"] for g in first} == {session.split_cpus(2)}
    assert {g.result.provenance["sandbox"]["threads"] for g in first} == {str(session.split_cpus(2))}
    again = _session(spec, out, jobs=2).run(roster[:2])
    assert all(g.cached for g in again)
