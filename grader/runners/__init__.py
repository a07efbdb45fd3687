"""Backends that run the sandbox next to student code; looked up by name (`--backend`)."""

from __future__ import annotations

from grader.registry import Registry
from grader.runners.base import Runner, RunOutcome
from grader.runners.local import LocalRunner

RUNNERS: Registry[type[Runner]] = Registry("backend")
RUNNERS.add("local", LocalRunner)

__all__ = ["RUNNERS", "RunOutcome", "Runner"]
