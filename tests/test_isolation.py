"""The pieces that keep student code apart from the grader (`grader.isolation`, `grader.sandbox.confine`), each on
its own: the seccomp network filter, the view bubblewrap gives a run, the pool of uids and what is ended after a run,
who may read what, and the status line the host trusts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.isolation import Isolation, IsolationError, Mode, available, refuse_readable_data
from grader.isolation.grants import readable_by
from grader.isolation.identity import Identity, UidPool, end_processes, remove_files, running
from grader.isolation.view import View, bwrap_command
from grader.runners.base import sandbox_status
from grader.sandbox.confine import network_filter
from grader.sandbox.layout import STATUS_MARKER

from .conftest import ROOT

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
CONFINED = """
import socket, subprocess, sys
sys.path.insert(0, sys.argv[1])
from grader.sandbox import confine
confine.apply({"seccomp": True})
socket.socket(socket.AF_UNIX).close()
for family in (socket.AF_INET, socket.AF_INET6):
    try:
        socket.socket(family)
        print("allowed", int(family))
    except PermissionError:
        print("refused", int(family))
child = subprocess.run([sys.executable, "-c", "import socket; socket.socket(socket.AF_INET)"], capture_output=True)
print("child", child.returncode)
"""


def test_the_network_filter_refuses_internet_sockets_to_the_process_and_its_children() -> None:
    done = subprocess.run([sys.executable, "-c", CONFINED, str(ROOT)], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:3] == ["refused 2", "refused 10", "child 1"]


def test_the_network_filter_is_a_program_only_for_known_machines() -> None:
    program = network_filter("x86_64")
    assert program is not None and len(program) == 14
    for index, (code, true, false, _) in enumerate(program):
        if code in (0x15, 0x45):  # every jump lands inside the program
            assert index + 1 + max(true, false) < len(program)
    assert network_filter("sparc64") is None


def test_a_status_line_counts_only_the_first_time() -> None:
    first = STATUS_MARKER + json.dumps({"prepared": True})
    forged = STATUS_MARKER + json.dumps({"prepared": False})
    status, rest = sandbox_status(f"loading\n{first}\nstudent output\n{forged}\n")
    assert status == {"prepared": True}
    assert rest.startswith("loading\nstudent output\n") and STATUS_MARKER in rest
    assert sandbox_status("no line at all")[0] is None


def test_readable_by_follows_every_folder_above(shared_tmp: Path) -> None:
    folder = shared_tmp / "data"
    folder.mkdir(mode=0o755)
    file = folder / "t10k-images"
    file.write_bytes(b"x")
    file.chmod(0o644)
    someone = Identity(61999, 61999)
    assert readable_by(file, someone)
    folder.chmod(0o700)
    assert not readable_by(file, someone)
    folder.chmod(0o750)
    assert readable_by(file, Identity(61999, folder.stat().st_gid))


def test_a_forced_mode_the_host_cannot_give_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_ISOLATION", "nonsense")
    with pytest.raises(IsolationError, match="choose one of"):
        Isolation.for_host()


@ROOT_ONLY
def test_two_runs_never_share_a_uid() -> None:
    pool = UidPool(range(61990, 61992))
    with pool.take() as first, pool.take() as second:
        assert first.uid != second.uid


@ROOT_ONLY
def test_every_process_and_stray_file_of_a_runs_user_ends_with_it(tmp_path: Path) -> None:
    identity = Identity(61995, 61995)
    left = Path("/tmp") / f"grader-test-left-{os.getpid()}"
    daemon = f"setsid sleep 60 </dev/null >/dev/null 2>&1 & echo x > {left}"
    subprocess.run(["sh", "-c", daemon], user=identity.uid, group=identity.gid, extra_groups=[], check=True)
    time.sleep(0.2)
    assert left.exists() and left.stat().st_uid == identity.uid
    assert running(identity.uid)  # the daemon
    end_processes(identity)
    remove_files(identity)
    assert not left.exists()
    assert running(identity.uid) == []


@pytest.mark.skipif(shutil.which("bwrap") is None or available()[0] is not Mode.NAMESPACES, reason="needs bubblewrap")
def test_a_runs_view_hides_the_datasets_and_the_host(tmp_path: Path) -> None:
    hidden = Path("/usr/share/datasets")
    if not hidden.is_dir():
        pytest.skip("no dataset folder to hide here")
    probe = "import os, sys; print(sorted(os.listdir(sys.argv[1])), os.path.exists(sys.argv[2]))"
    command = bwrap_command(
        str(shutil.which("bwrap")), View(mounts=(), hidden=(hidden,), as_user=os.geteuid() != 0),
        [sys.executable, "-I", "-c", probe, str(hidden), str(tmp_path)],
    )  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] False"


def test_without_namespaces_a_readable_dataset_is_refused(shared_tmp: Path) -> None:
    """A user of its own that could read a copy of the test set would be given the held-out images."""
    exposed = shared_tmp / "datasets" / "fashion-mnist"
    exposed.mkdir(parents=True)
    (shared_tmp / "datasets").chmod(0o755)
    exposed.chmod(0o755)
    images = exposed / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(b"x")
    images.chmod(0o644)
    outside = Identity(61998, 61998)
    with pytest.raises(IsolationError, match=r"can read .*t10k-images"):
        refuse_readable_data((shared_tmp / "datasets",), outside)
    images.chmod(0o600)
    refuse_readable_data((shared_tmp / "datasets",), outside)
