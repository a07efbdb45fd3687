"""The local backend keeps the grader safe from what student code does: exits, floods, memory and network use."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from grader.results import Status, SubmissionStatus
from grader.runners.base import OutputCap
from grader.runners.local import sandbox_environment

from .conftest import Grade, reference_source, write_submission

IMPORT_HEADER = "import numpy as np\nimport tensorflow as tf\n"


def _lost(result: object) -> list[str]:
    return sorted(t.check_id for t in result.tests if t.status is Status.FAILED)  # type: ignore[attr-defined]


def _outputs(result: object) -> dict[str, str]:
    return {t.check_id: t.output for t in result.tests}  # type: ignore[attr-defined]


def test_output_cap_keeps_head_and_tail() -> None:
    stream = io.BytesIO(b"A" * 1000 + b"B" * 100_000 + b"C" * 10)
    cap = OutputCap(stream, head=100)
    text = cap.text()
    assert cap.total == 101_010
    assert text.startswith("A" * 100)
    assert text.endswith("C" * 10)
    assert "bytes of output not kept" in text
    assert len(text) < 20_000


def test_sys_exit_at_import_is_an_error_not_a_pass(tmp_path: Path, grade: Grade) -> None:
    path = write_submission(tmp_path, "exits", "import sys\nsys.exit(0)\n" + reference_source())
    result = grade(path)
    assert result.score == 0
    assert "sys.exit(0)" in _outputs(result)["runs"]


def test_os_exit_mid_training_keeps_earlier_checks(tmp_path: Path, grade: Grade) -> None:
    source = reference_source().replace(
        "    model.fit(x_train, y_train, epochs=epochs)\n", "    import os\n    os._exit(0)\n"
    )
    result = grade(write_submission(tmp_path, "os_exit", source))
    assert result.status is SubmissionStatus.GRADED
    assert _lost(result) == ["accuracy", "runs"]
    assert "ended the process early (exit code 0)" in _outputs(result)["runs"]


def test_printing_100_mb_is_capped(tmp_path: Path, grade: Grade) -> None:
    flood = "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * (1 << 20))\nprint('score: 100')\n"
    result = grade(write_submission(tmp_path, "flood", flood + reference_source()))
    assert result.score == 10
    assert result.provenance["run"]["output_bytes"] > 100 * (1 << 20)
    assert len(result.output) < 10_000


def test_memory_bomb_hits_the_memory_limit(tmp_path: Path, grade: Grade) -> None:
    bomb = "blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 28))\n"
    result = grade(write_submission(tmp_path, "bomb", IMPORT_HEADER + bomb))
    assert result.status is SubmissionStatus.GRADED
    assert result.score == 0
    assert "MemoryError" in _outputs(result)["runs"]


def test_network_is_refused(tmp_path: Path, grade: Grade) -> None:
    source = "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:9/', timeout=2)\n"
    result = grade(write_submission(tmp_path, "network", source))
    assert result.score == 0
    assert "network access is disabled while grading" in _outputs(result)["runs"]


def test_course_note_download_code_runs_offline(tmp_path: Path, grade: Grade) -> None:
    """`mnist.load_data()` written as in the note gets the grader's dataset without touching the network."""
    source = reference_source().replace("mnist = tf.keras.datasets.mnist", "mnist = tf.keras.datasets.fashion_mnist")
    result = grade(write_submission(tmp_path, "fashion_loader", source))
    assert result.score == 10


@pytest.mark.parametrize(
    ("device", "host_value", "expected"),
    [("cpu", None, ""), ("cpu", "0", ""), ("cuda", None, None), ("cuda", "1", "1")],
)
def test_gpus_are_hidden_on_cpu_and_left_as_the_host_set_them_on_cuda(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, device: str, host_value: str | None, expected: str | None
) -> None:
    if host_value is None:
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    else:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", host_value)
    job = SimpleNamespace(seed=7, workdir=tmp_path, device=device, threads=1, gpu=None)
    assert sandbox_environment(job).get("CUDA_VISIBLE_DEVICES") == expected  # type: ignore[arg-type]


GRADER_PARENT = """
import sys
from pathlib import Path
from grader.data import datasets
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.spec import load_spec
print("ready", flush=True)
grade_submission(load_spec("02_torch_loop"), Submission("loop", Path(sys.argv[1])), datasets.load("fashion-mnist"),
                 GradeOptions(profile="smoke", time_limit_s=600))
"""


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.parametrize("mode", ["namespaces", "process"])
def test_the_students_process_dies_with_the_grader(tmp_path: Path, mode: str) -> None:
    """A grader killed with SIGKILL (a cluster worker) takes its sandbox with it: no endless loop left behind."""
    source = reference_source("02_torch_loop").replace(
        "def train_one_epoch(", "def train_one_epoch(*a, **k):\n    while True: pass\ndef _unused("
    )
    path = write_submission(tmp_path, "loop", source)
    env = {**os.environ, "GRADER_ISOLATION": mode}
    with subprocess.Popen(
        [sys.executable, "-c", GRADER_PARENT, str(path)], stdout=subprocess.PIPE, text=True, env=env
    ) as grader:
        assert grader.stdout is not None and grader.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        sandbox: set[int] = set()
        while time.monotonic() < deadline and not any(_is_sandbox(p) for p in sandbox):
            time.sleep(0.2)
            sandbox = _descendants(grader.pid)
        assert sandbox, "the sandbox never started"
        time.sleep(3)  # into the endless loop
        sandbox = _descendants(grader.pid)
        os.kill(grader.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in sandbox) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in sandbox if _running(pid)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _is_sandbox(pid: int) -> bool:
    return "grader.sandbox" in _cmdline(pid)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan waits for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
