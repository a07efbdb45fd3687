"""When a submission was handed in, from what its layout records: a Gradescope export's `:created_at:` and a GitHub
Classroom clone's last commit.

A commit's date is written by the student's own machine, so it can be set to anything: use the Classroom time for
lateness only where that is acceptable, and prefer Gradescope's, which its server records. Git runs with every
repository setting that could start a program turned off, since the clone is the student's.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

from grader.term.clock import MomentError, parse_moment

GIT_TIMEOUT_S = 10.0
_SAFE = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "safe.directory=*",
)


def recorded(value: object) -> datetime | None:
    """A time a layout wrote, or None when it wrote none or something unreadable (not a reason to refuse work)."""
    if value is None or value == "":
        return None
    try:
        return parse_moment(value)
    except MomentError:
        return None


def last_commit(folder: Path) -> datetime | None:
    """The committer date of the clone's HEAD; None when it is not a git clone or git cannot tell."""
    if not (folder / ".git").exists():
        return None
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "HOME": os.devnull,
    }
    try:
        done = subprocess.run(
            ["git", *_SAFE, "-C", str(folder), "--no-pager", "log", "-1", "--format=%cI", "HEAD"],
            capture_output=True, text=True, timeout=GIT_TIMEOUT_S, env=env, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return recorded(done.stdout.strip()) if done.returncode == 0 else None
