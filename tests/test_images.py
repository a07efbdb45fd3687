"""Image tooling and the Docker backend's errors on a host without a Docker engine (no engine is reached here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader import images
from grader.cli import main
from grader.images import engine_available as real_engine_available

from .conftest import ROOT


def test_no_docker_command_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader.images.shutil.which", lambda name: None)
    reason = real_engine_available()  # the real check: with no docker command it never reaches an engine
    assert reason is not None
    assert "apt-get install docker.io" in reason
    assert images.inspect("grader-cpu:0.1.0") is None


@pytest.mark.pipeline
def test_grading_without_an_engine_is_not_graded_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = "no Docker engine is running: start it (as root: `dockerd &`), or grade with --backend local"
    monkeypatch.setattr("grader.runners.docker.engine_available", lambda: reason)
    out = tmp_path / "out"
    submission = ROOT / "solutions" / "01_tf_quickstart" / "submission.py"
    args = ["--backend", "docker-cpu", "--dataset", "fashion-mnist", "--profile", "smoke", "--out", str(out)]
    assert main(["grade", "01_tf_quickstart", str(submission), *args]) == 1
    result = json.loads((out / "01_tf_quickstart" / "01_tf_quickstart" / "results.json").read_text(encoding="utf-8"))
    assert result["extra_data"]["status"] == "not_graded"
    assert "dockerd" in result["output"]
    assert "not a score you earned" in result["output"]


def test_source_digest_follows_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "grader"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(images, "ROOT", tmp_path)
    first = images.source_sha256()
    (package / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert images.source_sha256() != first


def test_every_variant_has_a_hashed_lock() -> None:
    for variant in images.VARIANTS:
        lines = [
            line
            for line in (images.DOCKER_DIR / variant / images.LOCK).read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        ]
        assert lines
        assert all(" --hash=sha256:" in line and "==" in line for line in lines)
        assert any(line.startswith("torch==2.14.1 ") for line in lines)
