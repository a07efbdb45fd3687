"""The grading process never oversubscribes the machine however many jobs run, and a stalled session says where.

The stall seen on a 16-core machine (8 jobs, each thread's NumPy calling a 16-thread OpenBLAS pool) does not reproduce
on 2 cores, so these tests guard the mechanism itself: inside a session every BLAS pool of this process is held at one
thread while many submissions are scored at once, the scores are exactly those computed alone, and a session where
nothing finishes writes every thread's stack.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from grader.data import datasets
from grader.grading import GradeOptions, not_graded, spec_checks
from grader.job import Submission
from grader.outputs import gradescope
from grader.results import AssignmentResult, SubmissionStatus
from grader.session import class_session as session
from grader.session import host_threads
from grader.spec import AssignmentSpec, load_spec
from grader.verification.reference import FORWARDS

from .conftest import ROOT

SMOKE = GradeOptions(profile="smoke")
STUDENTS = 16


@pytest.fixture
def spec() -> AssignmentSpec:
    return load_spec("02_torch_loop")


def _weights(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    shapes = [(128, 784), (128,), (10, 128), (10,)]
    return [rng.standard_normal(shape).astype(np.float32) / 10 for shape in shapes]


def _accuracy(seed: int, images: np.ndarray, labels: np.ndarray) -> float:
    """What an accuracy check does on the host: the reference forward pass over held-out images."""
    predictions = FORWARDS["torch_mlp"](_weights(seed), images).argmax(axis=1)
    return float((predictions == labels).mean())


def test_every_blas_pool_holds_one_thread_while_many_submissions_are_scored_at_once(
    spec: AssignmentSpec, fashion: datasets.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images, labels = fashion.x_test[:2000], fashion.y_test[:2000]
    alone = {i: _accuracy(i, images, labels) for i in range(STUDENTS)}
    seen_pools: list[dict[str, int]] = []
    lock = threading.Lock()

    def score(spec: AssignmentSpec, submission: Submission, *args: object, **kwargs: object) -> AssignmentResult:
        with lock:
            seen_pools.append(host_threads.blas_pools())
        accuracy = _accuracy(int(submission.name), images, labels)
        base = not_graded(spec.id, submission.name, "x", spec_checks(spec))
        tests = tuple(t.__class__(**{**t.__dict__, "metrics": {"accuracy": accuracy}}) for t in base.tests)
        return AssignmentResult(spec.id, submission.name, SubmissionStatus.GRADED, tests, 0.1, "graded")

    monkeypatch.setattr(session, "grade_submission", score)
    roster = [Submission(str(i), tmp_path / f"{i}.py") for i in range(STUDENTS)]
    for submission in roster:
        submission.entry.write_text("# student code\n", encoding="utf-8")
    with threadpool_limits(limits=4, user_api="blas"):  # as a many-core machine would have it
        before = host_threads.blas_pools()
        graded = session.Session(spec, "fashion-mnist", SMOKE, tmp_path / "out", jobs=8).run(roster)
        after = host_threads.blas_pools()
    assert before and set(before.values()) >= {4}
    assert len(seen_pools) == STUDENTS and all(set(pools.values()) == {1} for pools in seen_pools)
    assert after == before  # restored when the session ends
    measured = {int(g.result.submission): g.result.tests[0].metrics["accuracy"] for g in graded}
    assert measured == alone  # bit for bit what each scores alone


def test_a_session_with_no_progress_writes_every_threads_stack_and_says_where(
    spec: AssignmentSpec, fashion: datasets.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def stuck_in_scoring(spec: AssignmentSpec, submission: Submission, *a: object, **k: object) -> AssignmentResult:
        release.wait(30)
        return not_graded(spec.id, submission.name, "released", spec_checks(spec))

    monkeypatch.setattr(session, "grade_submission", stuck_in_scoring)
    said: list[str] = []

    def notify(text: str) -> None:
        said.append(text)
        release.set()

    entry = tmp_path / "ana.py"
    entry.write_text("# student code\n", encoding="utf-8")
    out = tmp_path / "out"
    graded = session.Session(spec, "fashion-mnist", SMOKE, out, stall_timeout_s=1.0, notify=notify, retries=0).run(
        [Submission("ana", entry)]
    )
    assert graded[0].result.status is SubmissionStatus.NOT_GRADED  # the batch still ends with a result
    log = (out / "stalls.log").read_text(encoding="utf-8")
    assert "No submission finished" in log and "stuck_in_scoring" in log and "Thread" in log
    assert len(said) == 1 and str(out / "stalls.log") in said[0]


def test_a_session_that_progresses_leaves_no_stall_log(
    spec: AssignmentSpec, fashion: datasets.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        session, "grade_submission", lambda spec, s, *a, **k: not_graded(spec.id, s.name, "x", spec_checks(spec))
    )
    entry = tmp_path / "ana.py"
    entry.write_text("# student code\n", encoding="utf-8")
    session.Session(spec, "fashion-mnist", SMOKE, tmp_path / "out", stall_timeout_s=30).run([Submission("ana", entry)])
    assert not (tmp_path / "out" / "stalls.log").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("assignment", "examples"),
    [("02_torch_loop", ("no_zero_grad.py", "softmax_dim0.py")), ("01_tf_quickstart", ("no_dropout.py",))],
)
def test_one_job_or_eight_give_the_same_scores_and_metrics(
    tmp_path: Path, fashion: datasets.Dataset, assignment: str, examples: tuple[str, ...]
) -> None:
    """A real class: the reference and flawed submissions, graded one at a time and eight at a time."""
    from grader.cli import main

    solutions = ROOT / "solutions" / assignment
    sources = [solutions / "submission.py", *(solutions / "examples" / name for name in examples)]
    folder = tmp_path / "class"
    for index, source in enumerate(sources):
        (folder / f"s{index}").mkdir(parents=True)
        (folder / f"s{index}" / "submission.py").write_bytes(source.read_bytes())
    common = ["grade", assignment, str(folder), "--profile", "smoke", "--dataset", "fashion-mnist"]
    scored = {}
    for jobs in (1, 8):
        out = tmp_path / f"jobs{jobs}"
        assert main([*common, "--out", str(out), "--jobs", str(jobs)]) == 0
        scored[jobs] = {
            p.parent.name: [(t.check_id, t.score, dict(t.metrics)) for t in gradescope.read(p).tests]
            for p in sorted(out.glob(f"{assignment}/*/results.json"))
        }
    assert scored[1] == scored[8]
    assert len(scored[1]) == len(sources)


def test_a_cluster_worker_holds_its_pools_for_good() -> None:
    with threadpool_limits(limits=4, user_api="blas"):
        host_threads.hold()
        assert set(host_threads.blas_pools().values()) == {1}
