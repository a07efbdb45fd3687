"""Grading on a Dask cluster: a scheduler and two workers started as real processes with Dask's own commands on this
machine grade a class exactly as the local session does; a worker killed with SIGKILL mid-task loses nothing; a
worker running a different grader is refused; an unreachable scheduler is a usage error. The task and the
coordinator's Remote are also checked on their own, with a stand-in client."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader import cli
from grader.bench.cluster import start_scheduler, start_worker, stop
from grader.cluster import coordinator as cluster
from grader.cluster import task as cluster_task
from grader.cluster.task import Digests
from grader.data import datasets
from grader.grading import GradeOptions
from grader.job import Submission
from grader.outputs import gradescope
from grader.results import AssignmentResult, Status, SubmissionStatus
from grader.session import class_session as session
from grader.spec import AssignmentSpec, load_spec

from .conftest import ROOT

ASSIGNMENT = "02_torch_loop"
SOLUTION = ROOT / "solutions" / ASSIGNMENT
STUDENTS = {
    "reference": SOLUTION / "submission.py",
    "no_zero_grad": SOLUTION / "examples" / "no_zero_grad.py",
    "softmax_dim0": SOLUTION / "examples" / "softmax_dim0.py",
    "linear64": SOLUTION / "examples" / "linear64.py",
    # Attacks by a student who has read the grader, on a worker as on the coordinator's own machine.
    "forges_results": SOLUTION / "examples" / "forges_results.py",
    "kills_the_grader": SOLUTION / "examples" / "kills_the_grader.py",
}
ATTACKS = ("forges_results", "kills_the_grader")
SMOKE = ["--profile", "smoke", "--dataset", "fashion-mnist"]


@dataclass(frozen=True)
class Dask:
    address: str
    nannies: tuple[subprocess.Popen[bytes], ...]


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_spec(ASSIGNMENT)


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for name, source in STUDENTS.items():
        (folder / name).mkdir()
        shutil.copyfile(source, folder / name / "submission.py")
    return folder


@pytest.fixture(scope="module")
def dask(tmp_path_factory: pytest.TempPathFactory, fashion: datasets.Dataset) -> Iterator[Dask]:
    """`dask scheduler` and two `dask worker ADDRESS --nthreads 1`, each worker under its nanny."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler, address = start_scheduler(folder)
    nannies = (start_worker(address, folder, "one"), start_worker(address, folder, "two"))
    try:
        yield Dask(address, nannies)
    finally:
        stop([*nannies, scheduler])


@pytest.fixture(scope="module")
def local(spec: AssignmentSpec, class_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The class graded by the local session, two at a time, as the two workers grade it."""
    submissions = [Submission(name, class_folder / name / "submission.py") for name in STUDENTS]
    out = tmp_path_factory.mktemp("local")
    graded = session.Session(spec, "fashion-mnist", GradeOptions(profile="smoke"), out, jobs=2).run(submissions)
    return {g.result.submission: g.result for g in graded}


def _grade_on(address: str, folder: Path, out: Path, *extra: str) -> int:
    return cli.main(["grade", ASSIGNMENT, str(folder), "--out", str(out), *SMOKE, "--scheduler", address, *extra])


def _results(out: Path) -> dict[str, AssignmentResult]:
    return {path.parent.name: gradescope.read(path) for path in (out / ASSIGNMENT).glob("*/results.json")}


def _same_grades(result: AssignmentResult, expected: AssignmentResult) -> None:
    assert result.status is SubmissionStatus.GRADED
    assert [(t.check_id, t.score, t.metrics) for t in result.tests] == [
        (t.check_id, t.score, t.metrics) for t in expected.tests
    ]
    assert [result.provenance[k] for k in ("threads", "cpus")] == [expected.provenance[k] for k in ("threads", "cpus")]


@pytest.mark.slow
def test_a_class_graded_on_the_cluster_equals_the_local_session(
    dask: Dask, class_folder: Path, local: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _grade_on(dask.address, class_folder, tmp_path) == cli.OK
    assert f"{ASSIGNMENT} (2 at a time)" in capsys.readouterr().out  # --jobs defaults to the cluster's threads
    results = _results(tmp_path)
    assert sorted(results) == sorted(STUDENTS)
    assert {r.score for r in results.values()} != {results["reference"].score}  # the examples lose points
    for name, result in results.items():
        _same_grades(result, local[name])
        worker = result.provenance["worker"]
        assert worker["host"] == socket.gethostname() and worker["address"].startswith("tcp://127.0.0.1:")
        assert result.output.endswith(f"Graded on {worker['host']} (Dask worker {worker['address']}).")
    assert (tmp_path / ASSIGNMENT / "gradebook.csv").is_file()
    expected = yaml.safe_load((SOLUTION / "examples" / "expected.yaml").read_text(encoding="utf-8"))
    for name in ATTACKS:  # each loses what its expectations say, no more: the worker and its classmates are intact
        lost = sorted(t.check_id for t in results[name].tests if t.status is Status.FAILED)
        assert lost == sorted(expected[name]["loses"]), results[name].output


def _executing(client: Any) -> dict[str, tuple[int, list[str]]]:
    """Each worker's process id and the keys it is running right now, asked of the worker itself."""

    def running(dask_worker: Any) -> tuple[int, list[str]]:
        return os.getpid(), sorted(str(task.key) for task in dask_worker.state.executing)

    return client.run(running)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.slow
def test_a_worker_killed_mid_task_loses_nothing(
    dask: Dask, class_folder: Path, local: dict[str, Any], tmp_path: Path
) -> None:
    from distributed import Client

    outcome: list[int] = []
    grading = threading.Thread(target=lambda: outcome.append(_grade_on(dask.address, class_folder, tmp_path)))
    with Client(dask.address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)
        grading.start()
        victim: tuple[str, int, str] | None = None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:
            busy = {w: (pid, keys) for w, (pid, keys) in _executing(client).items() if keys}
            if busy:
                time.sleep(1.0)  # well into training, far from its end (a grading takes about 5 s here)
                for worker, (pid, keys) in _executing(client).items():
                    if worker in busy and keys == busy[worker][1]:
                        victim = (worker, pid, keys[0])
                        break
            time.sleep(0.1)
        assert victim is not None, "no worker was seen running a submission"
        address, pid, key = victim
        assert pid not in {n.pid for n in dask.nannies} and _parent(pid) in {n.pid for n in dask.nannies}
        os.kill(pid, signal.SIGKILL)  # the worker process itself; its nanny starts a new one
        grading.join(timeout=240)
    assert outcome == [cli.OK]
    killed = next(name for name in STUDENTS if key.startswith(f"grade-{ASSIGNMENT}-{name}-"))
    results = _results(tmp_path)
    assert sorted(results) == sorted(STUDENTS)
    for name, result in results.items():
        _same_grades(result, local[name])
        assert result.provenance["attempts"] == 1
        assert not (tmp_path / ASSIGNMENT / name / "history").exists()  # one result each, nothing replaced
    assert results[killed].provenance["worker"]["address"] != address


@pytest.mark.slow
def test_a_worker_with_another_grader_is_refused(
    class_folder: Path, fashion: datasets.Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The worker imports a copy of the grader with one file changed (PYTHONPATH), so its source digest really
    differs; the session retries once, and records `not_graded` with the reason and the worker's host."""
    copy = tmp_path / "other-grader"
    shutil.copytree(ROOT / "grader", copy / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments", copy / "assignments")
    with (copy / "grader" / "grading.py").open("a", encoding="utf-8") as changed:
        changed.write("\n# one line more than the coordinator's\n")
    scheduler, address = start_scheduler(tmp_path / "dask")
    worker = start_worker(address, tmp_path / "dask", "other", env={**os.environ, "PYTHONPATH": str(copy)})
    try:
        code = _grade_on(address, class_folder / "reference", tmp_path / "out")
    finally:
        stop([worker, scheduler])
    assert code == cli.HARNESS_FAILED
    result = gradescope.read(tmp_path / "out" / ASSIGNMENT / "reference" / "results.json")
    assert result.status is SubmissionStatus.NOT_GRADED and result.provenance["attempts"] == 2
    assert result.provenance["worker"]["host"] == socket.gethostname()
    ours = cluster_task.source_digest()[:12]
    assert "set up differently from the machine that runs the grading session (grader source" in result.output
    assert f"instead of {ours})" in result.output and "dataset" not in result.output.split("(grader source")[1]
    assert "not graded" in capsys.readouterr().out


def test_an_unreachable_scheduler_is_a_usage_error(
    class_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1.0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    assert _grade_on(address, class_folder, tmp_path) == cli.USAGE
    error = capsys.readouterr().err
    assert f"error: cannot reach a Dask scheduler at {address}" in error
    assert "`dask scheduler`" in error and f"`dask worker {address} --nthreads 1`" in error
    assert not (tmp_path / ASSIGNMENT).exists()


def test_a_scheduler_without_workers_is_a_usage_error(
    class_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1.0)
    scheduler, address = start_scheduler(tmp_path / "dask")
    try:
        assert _grade_on(address, class_folder, tmp_path / "out") == cli.USAGE
    finally:
        stop([scheduler])
    assert f"error: no worker is connected to the scheduler at {address}" in capsys.readouterr().err


@pytest.mark.slow
def test_cuda_needs_a_worker_that_offers_a_gpu(
    dask: Dask, class_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _grade_on(dask.address, class_folder, tmp_path, "--device", "cuda") == cli.USAGE
    assert "start the workers of the GPU hosts with `--resources GPU=1`" in capsys.readouterr().err
    assert not (tmp_path / ASSIGNMENT).exists()


# --- the Remote and the task on their own ------------------------------------------------------------------------


class FakeFuture:
    def __init__(self, answer: dict[str, Any] | BaseException) -> None:
        self.answer, self.cancelled = answer, False

    def result(self) -> dict[str, Any]:
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer

    def cancel(self) -> None:
        self.cancelled = True


class FakeClient:
    """Stands in for distributed.Client: records each submission and answers with the same outcome."""

    def __init__(self, answer: dict[str, Any] | BaseException) -> None:
        self.answer, self.calls, self.futures = answer, [], []

    def submit(self, func: Any, *args: Any, **kwargs: Any) -> FakeFuture:
        self.calls.append((func, args, kwargs))
        self.futures.append(FakeFuture(self.answer))
        return self.futures[-1]


def _remote(spec: AssignmentSpec, client: FakeClient, device: str = "cpu") -> cluster.Remote:
    options = GradeOptions(profile="smoke", device=device)
    return cluster.Remote(client, spec, "fashion-mnist", options, Digests("a", "b", "c", "d"), 2, {"gpu-7": 4})


REFUSED = {"worker": {"host": "gpu-7", "address": "tcp://10.0.0.7:4000"}, "not_graded": "refused"}


@pytest.mark.parametrize(("device", "resources"), [("cuda", {"GPU": 1}), ("cpu", None)])
def test_cuda_tasks_ask_for_a_gpu(spec: AssignmentSpec, device: str, resources: dict[str, int] | None) -> None:
    client = FakeClient(REFUSED)
    result = _remote(spec, client, device)(Submission("ana", STUDENTS["reference"]))
    ((func, _, kwargs),) = client.calls
    assert func is cluster_task.grade and kwargs["resources"] == resources and kwargs["pure"] is False
    assert result.status is SubmissionStatus.NOT_GRADED and result.provenance["worker"]["host"] == "gpu-7"


def test_the_payload_is_plain_data_with_the_files_as_bytes(spec: AssignmentSpec, tmp_path: Path) -> None:
    folder = tmp_path / "ana"
    folder.mkdir()
    shutil.copyfile(STUDENTS["reference"], folder / "submission.py")
    (folder / "helpers.py").write_text("SIZE = 128\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not sent", encoding="utf-8")
    payload = _remote(spec, FakeClient(REFUSED)).payload(Submission("ana", folder / "submission.py"))
    assert dict(payload["files"]) == {
        "helpers.py": b"SIZE = 128\n",
        "submission.py": STUDENTS["reference"].read_bytes(),
    }

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | bytes | int | float)

    assert plain(payload)
    assert payload["options"]["cpus"] is None and payload["host_cpus"] == {"gpu-7": 4}
    assert payload["expected"]["dataset"] == "d"


def test_a_task_lost_with_its_workers_is_not_graded_and_retried_once(spec: AssignmentSpec, tmp_path: Path) -> None:
    from distributed import KilledWorker

    lost = KilledWorker("grade-x", type("WorkerState", (), {"address": "tcp://10.0.0.7:4000"})(), 3)
    client = FakeClient(lost)
    remote = _remote(spec, client)
    graded = session.Session(spec, "fashion-mnist", remote.options, tmp_path, remote=remote).run(
        [Submission("ana", STUDENTS["reference"])]
    )
    (outcome,) = graded
    assert outcome.result.status is SubmissionStatus.NOT_GRADED and outcome.attempts == 2
    assert "stopped before it finished" in outcome.result.output
    keys = [kwargs["key"] for _, _, kwargs in client.calls]
    assert len(set(keys)) == 2 and all(f.cancelled for f in client.futures)


def test_the_task_names_every_digest_that_differs(spec: AssignmentSpec, fashion: datasets.Dataset) -> None:
    remote = _remote(spec, FakeClient(REFUSED))
    expected = Digests(cluster_task.source_digest(), cluster_task.spec_digest(spec), "docker-cpu:sha256:0123", "f" * 64)
    payload = {**remote.payload(Submission("ana", STUDENTS["reference"])), "expected": asdict(expected)}
    answer = cluster_task.grade(payload)
    assert answer["worker"] == {"host": socket.gethostname(), "address": ""}
    reason = answer["not_graded"]
    assert "grader source" not in reason and "assignment spec" not in reason
    assert f"dataset {fashion.checksum[:12]} instead of ffffffffffff" in reason
    assert "grading environment python==" in reason and "instead of docker-cpu:sha256:0123; dataset" in reason
