"""The attacks of a student who has read the grader (the `attack: true` examples in solutions/<id>/examples/), graded
as a class next to an honest classmate, in each way the local backend isolates student code: as root in namespaces,
as root with a user of its own and no namespaces (what the platforms' containers allow), and as an unprivileged
grader in namespaces of its own. Each attack loses exactly what its expectations say, and nothing it did outlives
its run: the session survives, the honest classmate is graded, no result is rewritten afterwards, and a rerun trusts
only what the grader signed. tests/test_docker_backend.py and tests/test_docker_platforms.py replay them in
containers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.data import datasets

from .conftest import ROOT
from .test_examples import EXPECTED, SOLUTIONS, example_path

ATTACKS = {a: sorted(n for n, e in cases.items() if e.get("attack")) for a, cases in EXPECTED.items()}
ATTACKS = {assignment: names for assignment, names in ATTACKS.items() if names}
LISTEN = ("127.0.0.1", 47613)
TOKEN = b"grader-network-test"
UNPRIVILEGED = 65534
DAEMON_WAIT_S = 6


@pytest.fixture(scope="module")
def listener() -> Iterator[None]:
    """What `network_from_subprocess` reaches for: it trains only when this answers. A control connection proves it
    does answer, so the example's failure in the sandbox is the sandbox's doing."""
    server = socket.create_server(LISTEN)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(TOKEN)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with socket.create_connection(LISTEN, timeout=5) as control:
        assert control.recv(64) == TOKEN
    yield
    stop.set()
    thread.join()
    server.close()


def check_attack(assignment: str, name: str, result: dict[str, Any]) -> None:
    """One attack's results.json held to its expectations."""
    expected = EXPECTED[assignment][name]
    assert result["extra_data"]["status"] == expected.get("status", "graded"), result["output"]
    lost = sorted(test["tags"][0] for test in result["tests"] if test["status"] == "failed")
    assert lost == sorted(expected["loses"]), {test["tags"][0]: test["output"] for test in result["tests"]}
    outputs = {test["tags"][0]: test["output"] for test in result["tests"]}
    for check_id, phrase in expected["says"].items():
        assert phrase in outputs[check_id], outputs[check_id]


def _private_data(folder: Path, fashion: datasets.Dataset) -> Path:
    """The dataset where only root may read it, as the platforms' exports keep it."""
    copy = datasets.import_folder("fashion-mnist", fashion.source, folder)
    for path in (folder, *folder.rglob("*")):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return copy.parent


def grade_class(assignment: str, out: Path, env: dict[str, str], wrapper: list[str], extra: list[str]) -> str:
    """`grader grade` over the assignment's attacks and the honest reference, two at a time; returns its output."""
    honest = SOLUTIONS / assignment / "submission.py"
    files = [str(honest), *(str(example_path(assignment, name)) for name in ATTACKS[assignment])]
    command = [sys.executable, "-m", "grader", "grade", assignment, *files, "--out", str(out), "--jobs", "2"]
    command += ["--profile", "smoke", "--dataset", "fashion-mnist", *extra]
    done = subprocess.run([*wrapper, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _result(out: Path, assignment: str, name: str) -> dict[str, Any]:
    return json.loads((out / assignment / name / "results.json").read_text(encoding="utf-8"))


def assert_attacks_fail(out: Path, env: dict[str, str], mode: str, wrapper: list[str], extra: list[str]) -> None:
    """Every attack loses what it must; the honest classmate keeps full marks; the daemon rewrote nothing; the rerun
    grades nothing again and shows the grader's own scores."""
    for assignment in ATTACKS:
        grade_class(assignment, out, env, wrapper, extra)
        honest = _result(out, assignment, assignment)  # the reference, named after its folder
        assert honest["score"] == 10, honest["output"]
        assert honest["extra_data"]["provenance"]["run"]["isolation"] == mode
        for name in ATTACKS[assignment]:
            check_attack(assignment, name, _result(out, assignment, name))
    time.sleep(DAEMON_WAIT_S)  # longer than the daemon waits before it rewrites what it finds
    assert _result(out, "02_torch_loop", "daemon_rewrites_results")["score"] == 7
    again = grade_class("02_torch_loop", out, env, wrapper, extra)
    assert "daemon_rewrites_results: 7/10 (cached)" in again and "02_torch_loop: 10/10 (cached)" in again
    assert not any(Path("/tmp").glob(".cache-model-weights.pt")), "a run's file outlived it"


@pytest.mark.slow
def test_attacks_fail_as_root_in_namespaces(tmp_path: Path, listener: None) -> None:
    env = {**os.environ, "GRADER_ISOLATION": "namespaces"}
    assert_attacks_fail(tmp_path / "out", env, "namespaces", [], [])


@pytest.mark.slow
def test_attacks_fail_as_root_with_a_user_of_their_own(
    tmp_path: Path, listener: None, fashion: datasets.Dataset
) -> None:
    """No namespaces, as in a platform's container: the run's own uid, the dataset root's alone, seccomp. The grader
    runs where Debian's world-readable copy of the dataset is hidden, as a platform's image has none; with it in
    view, it refuses to grade (tested in tests/test_isolation.py)."""
    bwrap = shutil.which("bwrap")
    if os.geteuid() != 0 or bwrap is None:
        pytest.skip("a user of its own needs the grader to run as root (and bubblewrap to hide Debian's dataset)")
    data = _private_data(tmp_path / "data", fashion)
    hide = [bwrap, "--dev-bind", "/", "/", "--tmpfs", "/usr/share/datasets", *_interpreter_in_view(), "--"]
    env = {**os.environ, "GRADER_ISOLATION": "user"}
    assert_attacks_fail(tmp_path / "out", env, "user", hide, ["--data-dir", str(data)])


def _interpreter_in_view() -> list[str]:
    """This machine's Python may live in root's home (mode 0700), which no other user can enter: shown instead as an
    empty folder holding only the interpreter, read-only. A platform's image keeps it under /opt, readable by all."""
    pyenv = Path(sys.base_prefix).resolve()
    if not pyenv.is_relative_to("/root"):
        return []
    folders = [p for p in reversed(pyenv.parents) if p.is_relative_to("/root") and p != Path("/root")]
    parents = [arg for folder in folders for arg in ("--perms", "0755", "--dir", str(folder))]
    return ["--perms", "0755", "--tmpfs", "/root", *parents, "--ro-bind", str(pyenv), str(pyenv)]


def unprivileged_wrapper(home: Path) -> list[str]:
    """Runs the grader as uid 65534, in a mount namespace that only makes the interpreter reachable (see above).
    Nothing else changes: the grader runs without any privilege and isolates student code with what such a user
    has."""
    bwrap = shutil.which("bwrap")
    if os.geteuid() != 0 or bwrap is None:
        pytest.skip("needs root and bubblewrap to start an unprivileged grader here")
    view = [bwrap, "--dev-bind", "/", "/", *_interpreter_in_view()]
    setpriv = ["setpriv", "--reuid", str(UNPRIVILEGED), "--regid", str(UNPRIVILEGED), "--clear-groups"]
    return [*view, "--", *setpriv, "env", f"HOME={home}"]


@pytest.mark.slow
def test_attacks_fail_as_an_unprivileged_grader(shared_tmp: Path, listener: None) -> None:
    out, home = shared_tmp / "out", shared_tmp / "home"
    for folder in (out, home):
        folder.mkdir()
        folder.chmod(0o777)
    env = {key: value for key, value in os.environ.items() if key != "GRADER_ISOLATION"}
    assert_attacks_fail(out, env, "namespaces", unprivileged_wrapper(home), [])
    run = _result(out, "02_torch_loop", "02_torch_loop")["extra_data"]["provenance"]["run"]
    assert run["user"] == "the grader's own"
