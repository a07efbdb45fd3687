"""Several sandbox runs of one submission (spec `runs` and `handoff`): each run starts fresh, sees only what it should,
and the saved file reaches later runs only as the host's size-capped, read-only copy of its bytes."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.data import datasets
from grader.isolation import ARTIFACT_QUOTA, output_quota
from grader.job import Job, Submission, prepare
from grader.runners.base import RunOutcome, wait_for
from grader.runners.docker import DockerRunner
from grader.spec import ASSIGNMENTS_DIR, SPEC_FILE, AssignmentSpec, SpecError, parse_spec
from grader.stages import StagedObservation, run_stages, take_file

from .conftest import ROOT

SAVED = b"\x89not-a-model-but-bytes" * 100
RUNS = [
    {"name": "save", "probe": "torch_save"},
    {"name": "inspect", "probe": "torch_inspect", "student_code": False},
    {"name": "load", "probe": "torch_load"},
]


def _raw() -> dict[str, Any]:
    data = yaml.safe_load((ASSIGNMENTS_DIR / "02_torch_loop" / SPEC_FILE).read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    del data["probe"]
    data["runs"] = copy.deepcopy(RUNS)
    data["handoff"] = {"file": "model.pt", "source": "save", "max_mb": 0.01}
    data["checks"] = [{"id": "runs", "points": 1, "params": {"steps": ["save/work", "load/work"]}}]
    return data


@pytest.fixture
def staged_spec() -> AssignmentSpec:
    return parse_spec(_raw(), "staged.yaml", ASSIGNMENTS_DIR / "02_torch_loop")


@pytest.fixture
def job(tmp_path: Path, staged_spec: AssignmentSpec, fashion: datasets.Dataset) -> Job:
    submission = Submission("ana", ROOT / "solutions" / "02_torch_loop" / "submission.py")
    return prepare(staged_spec, submission, fashion, "smoke", staged_spec.seed, tmp_path / "job")


Act = Callable[[Job, dict[str, Any]], None]


class FakeRunner:
    """Does what a sandbox run would do to the job folder, per stage, and remembers what each run was given."""

    name = "fake"

    def __init__(self, acts: dict[str, Act]) -> None:
        self.acts = acts
        self.seen: list[tuple[str, bool, dict[str, Any]]] = []

    def run(self, job: Job, progress: object = None) -> RunOutcome:
        raw = json.loads((job.root / "job.json").read_text(encoding="utf-8"))
        self.seen.append((raw["stage"], job.student_code, raw))
        (job.artifacts / "steps").mkdir(parents=True, exist_ok=True)
        self.acts.get(raw["stage"], lambda *_: None)(job, raw)
        return RunOutcome(0, False, 0.1, f"{raw['stage']} printed this\n", 20)


def _step(job: Job, name: str, **facts: object) -> None:
    record = {"name": name, "status": "ok", "error": None, "seconds": 0.0, "facts": facts}
    (job.artifacts / "steps" / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def _save(job: Job, raw: dict[str, Any]) -> None:
    _step(job, "work", stage="save")
    (job.root / raw["handoff_out"]).write_bytes(SAVED)
    (job.workdir / "model_copy.pt").write_bytes(SAVED)  # left behind: the next run must not find it


def test_each_run_is_fresh_and_gets_the_saved_file_from_the_host(job: Job) -> None:
    def inspect(job: Job, raw: dict[str, Any]) -> None:
        assert raw["submission"] is None and raw["handoff_out"] is None
        assert sorted(p.name for p in job.workdir.iterdir()) == []  # the save run's leftovers are gone
        assert not (job.root / "outbox").exists()
        handed = job.root / raw["handoff_in"]
        assert handed.read_bytes() == SAVED
        assert not os.access(handed, os.W_OK) or os.geteuid() == 0
        assert stat.S_IMODE(handed.stat().st_mode) == 0o444
        _step(job, "work", stage="inspect")

    def load(job: Job, raw: dict[str, Any]) -> None:
        assert raw["submission"] == "submission/submission.py"
        assert list(job.artifacts.rglob("*.json")) == []  # the earlier runs' records are out of its reach
        _step(job, "work", stage="load")

    runner = FakeRunner({"save": _save, "inspect": inspect, "load": load})
    staged = run_stages(job, runner)
    assert [(stage, code) for stage, code, _ in runner.seen] == [("save", True), ("inspect", False), ("load", True)]
    assert runner.seen[0][2]["handoff_out"] == "outbox/model.pt" and runner.seen[0][2]["handoff_in"] is None
    obs = staged.observation
    assert isinstance(obs, StagedObservation)
    assert [obs.step(f"{run}/work").facts["stage"] for run in ("save", "inspect", "load")] == [
        "save",
        "inspect",
        "load",
    ]
    assert staged.handoff is not None and staged.handoff.ok
    assert staged.handoff.facts() == {
        "file": "model.pt", "bytes": len(SAVED), "sha256": hashlib.sha256(SAVED).hexdigest(), "handed_over": True
    }  # fmt: skip
    assert obs.step("elsewhere/work").status == "error"
    assert "names no run" in str(obs.step("elsewhere/work").error.render())  # type: ignore[union-attr]


def test_without_a_saved_file_the_later_runs_are_not_started(job: Job) -> None:
    runner = FakeRunner({"save": lambda job, raw: _step(job, "work")})
    staged = run_stages(job, runner)
    assert [stage for stage, _, _ in runner.seen] == ["save"]
    assert [s.outcome is None for s in staged.outcomes] == [False, True, True]
    step = staged.observation.step("load/work")
    assert step.status == "not_reached"
    assert "no file `model.pt` was saved" in step.error.render()  # type: ignore[union-attr]


def test_a_saved_file_over_the_cap_is_not_handed_over(job: Job) -> None:
    runner = FakeRunner({"save": lambda job, raw: (job.root / raw["handoff_out"]).write_bytes(b"x" * 20000)})
    staged = run_stages(job, runner)
    assert len(runner.seen) == 1
    assert staged.handoff is not None and staged.handoff.size == 20000
    assert "over the 10485 byte limit" in staged.observation.step("inspect/work").error.render()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda p: p.symlink_to("/etc/passwd"), "symbolic link"),
        (lambda p: p.mkdir(), "as a folder"),
        (lambda p: None, "no file `model.pt`"),
        (lambda p: os.mkfifo(p), "not a regular file"),
    ],
)
def test_the_host_takes_only_a_regular_file(tmp_path: Path, make: Callable[[Path], None], phrase: str) -> None:
    source = tmp_path / "outbox" / "model.pt"
    source.parent.mkdir()
    make(source)
    record = take_file(source, tmp_path / "handoff" / "model.pt", 1024)
    assert not record.ok and phrase in record.problem.render()  # type: ignore[union-attr]
    assert not (tmp_path / "handoff" / "model.pt").exists()


def test_a_run_without_student_code_gets_no_submission_mount(job: Job) -> None:
    seen: list[list[str]] = []

    class Recording(FakeRunner):
        def run(self, job: Job, progress: object = None) -> RunOutcome:
            seen.append(DockerRunner(image="img").command(job, "c"))
            return super().run(job, progress)

    run_stages(job, Recording({"save": _save}))
    mounts = [[arg for arg in command if arg.startswith(str(job.root))] for command in seen]
    save, inspect, load = ([m.split(":", 2)[1] + ":" + m.rsplit(":", 1)[1] for m in run] for run in mounts)
    assert "/job/submission:ro" in save and "/job/outbox:rw" in save and not any("handoff" in m for m in save)
    assert "/job/submission:ro" not in inspect and "/job/handoff:ro" in inspect
    assert "/job/submission:ro" in load and "/job/handoff:ro" in load and "/job/outbox:rw" not in load


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda raw: raw.update(probe="torch_loop"), "probe: give either `probe` (one run) or `runs`"),
        (lambda raw: raw["runs"][0].update(probe="nope"), "runs[0].probe: unknown probe 'nope'"),
        (lambda raw: raw["runs"][1].update(name="save"), "runs: each run name may appear once"),
        (lambda raw: raw["runs"][0].update(student_code=False), "runs[0].student_code: the first run"),
        (lambda raw: raw["handoff"].update(source="elsewhere"), "handoff.source: 'elsewhere' is not one of runs"),
        (lambda raw: raw["handoff"].update(source="load"), "handoff.source: the last run has no later run"),
        (lambda raw: raw["runs"][0].update(name="Save Me"), "runs[0].name: String should match"),
        (lambda raw: raw["handoff"].update(file="../escape"), "handoff.file: String should match"),
    ],
)
def test_a_bad_runs_declaration_is_reported_with_its_path(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(SpecError) as error:
        parse_spec(raw)
    assert any(p.startswith(problem) or problem in p for p in error.value.problems), error.value.problems


def test_a_saving_run_that_floods_its_outbox_is_stopped(job: Job) -> None:
    """The outbox is a host folder a run writes in: what it writes there counts against the quota."""
    outbox = job.root / "outbox"
    outbox.mkdir()
    with (outbox / "model.pt").open("wb") as flood:
        flood.truncate(ARTIFACT_QUOTA + 1)
    process = subprocess.Popen(["sleep", "30"])
    started = time.monotonic()
    assert wait_for(process, 30, (output_quota(job),), None, process.kill) == (False, True)
    assert time.monotonic() - started < 5
