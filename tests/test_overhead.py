"""What keeps one submission cheap to grade: a dataset load that does not inflate the archives again, one docker call
to learn about the image, a runner that notices the container's exit at once, and no download code imported."""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from grader.data import datasets
from grader.data.datasets import DatasetFile, DatasetInfo
from grader.job import Job, Submission, prepare
from grader.runners.base import POLL_S, wait_for
from grader.runners.docker import CGROUP_PARENT_ENV, DockerRunner
from grader.spec import load_spec

from .conftest import ROOT

NAMES = tuple(file.filename for file in datasets.DATASETS["mnist"].files)


def _tiny(folder: Path) -> DatasetInfo:
    """A four-file dataset published as .gz archives in `folder`, its descriptor pinning each archive and content."""
    rng = np.random.default_rng(0)
    arrays = [
        rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, 30, dtype=np.uint8),
        rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, 10, dtype=np.uint8),
    ]
    folder.mkdir(parents=True)
    files = []
    for role, name, array in zip(datasets.ROLES, NAMES, arrays, strict=True):
        datasets.write_idx(folder / name, array, compress=True)
        raw = (folder / name).read_bytes()
        content_sha256 = hashlib.sha256(gzip.decompress(raw)).hexdigest()
        files.append(DatasetFile(role, name, hashlib.md5(raw).hexdigest(), content_sha256))
    return DatasetInfo("tiny", "Tiny digits", (), tuple(files), (folder,))


def _refuse_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> bytes:
        raise AssertionError("the archive was inflated again")

    monkeypatch.setattr(datasets.gzip, "decompress", refuse)


def test_a_second_load_reads_the_unpacked_copy_not_the_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = _tiny(tmp_path / "system")
    first = datasets.load("tiny", tmp_path / "cache", info=info)
    assert len(list((tmp_path / "cache" / ".unpacked").glob("*.idx"))) == 4
    _refuse_inflating(monkeypatch)
    second = datasets.load("tiny", tmp_path / "cache", info=info)
    assert second.checksum == first.checksum
    assert second.source == tmp_path / "system"
    np.testing.assert_array_equal(second.x_train, first.x_train)
    np.testing.assert_array_equal(second.y_test, first.y_test)


def test_a_damaged_unpacked_copy_is_not_used(tmp_path: Path) -> None:
    info = _tiny(tmp_path / "system")
    first = datasets.load("tiny", tmp_path / "cache", info=info)
    for copy in (tmp_path / "cache" / ".unpacked").glob("*.idx"):
        data = bytearray(copy.read_bytes())
        data[-1] ^= 0xFF
        copy.write_bytes(bytes(data))
    again = datasets.load("tiny", tmp_path / "cache", info=info)
    assert again.checksum == first.checksum
    np.testing.assert_array_equal(again.x_train, first.x_train)


def test_the_archives_themselves_are_still_verified(tmp_path: Path) -> None:
    info = _tiny(tmp_path / "system")
    datasets.load("tiny", tmp_path / "cache", info=info)
    datasets.write_idx(tmp_path / "system" / NAMES[1], np.zeros(30, dtype=np.uint8), compress=True)
    with pytest.raises(datasets.DatasetError, match="not a genuine"):
        datasets.load("tiny", tmp_path / "cache", info=info)


def test_a_cache_that_cannot_be_written_still_loads(tmp_path: Path) -> None:
    info = _tiny(tmp_path / "system")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    dataset = datasets.load("tiny", blocked, info=info)
    assert dataset.x_train.shape == (30, 28, 28)


def test_grading_imports_no_download_code() -> None:
    probe = "import sys, grader.grading; print(sorted({'urllib.request', 'http.client'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _job(root: Path, dataset: datasets.Dataset) -> Job:
    spec = load_spec("01_tf_quickstart")
    submission = Submission("reference", ROOT / "solutions" / "01_tf_quickstart" / "submission.py")
    return prepare(spec, submission, dataset, "smoke", spec.seed, root)


@pytest.fixture
def fake_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `docker` command that logs its arguments, describes one image and runs every container to a clean exit; the
    engine counts as running."""
    log = tmp_path / "docker.log"
    script = tmp_path / "bin" / "docker"
    script.parent.mkdir()
    labels = '{"grader.lock_sha256":"lock","grader.source_sha256":"source"}'
    script.write_text(
        f'#!/bin/sh\necho "$*" >> {log}\n[ "$1 $2" = "image inspect" ] && echo \'sha256:feed 1234 {labels}\'\nexit 0\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr("grader.runners.docker.engine_available", lambda: None)
    return log


def test_a_clean_run_costs_three_docker_calls(fake_docker: Path, tmp_path: Path, fashion: datasets.Dataset) -> None:
    outcome = DockerRunner(image="grader-cpu:test").run(_job(tmp_path / "job", fashion))
    assert (outcome.exit_code, outcome.memory_exceeded) == (0, False)
    run = outcome.backend_info
    assert (run["image_id"], run["lock_sha256"], run["grader_source_sha256"]) == ("sha256:feed", "lock", "source")
    calls = fake_docker.read_text(encoding="utf-8").splitlines()
    assert [call.split()[0] for call in calls] == ["image", "run", "rm"]


def test_the_runner_sees_the_container_exit_at_once() -> None:
    process = subprocess.Popen(["true"])
    started = time.monotonic()
    assert wait_for(process, 60.0, (), None, process.kill) == (False, False)
    assert time.monotonic() - started < POLL_S


def test_containers_go_under_the_cgroup_parent_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fashion: datasets.Dataset
) -> None:
    job = _job(tmp_path, fashion)
    monkeypatch.delenv(CGROUP_PARENT_ENV, raising=False)
    assert "--cgroup-parent" not in DockerRunner().command(job, "c")
    monkeypatch.setenv(CGROUP_PARENT_ENV, "/grader-bench")
    command = DockerRunner().command(job, "c")
    assert command[command.index("--cgroup-parent") + 1] == "/grader-bench"
