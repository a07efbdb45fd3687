"""Backends that run the sandbox next to student code; looked up by name (`--backend`)."""

from __future__ import annotations

from grader.registry import Registry
from grader.runners.base import HarnessError, Progress, ProgressCallback, Runner, RunOutcome
from grader.runners.docker import DockerCudaRunner, DockerRunner
from grader.runners.local import LocalRunner

RUNNERS: Registry[type[Runner]] = Registry("backend")
RUNNERS.add("local", LocalRunner)
RUNNERS.add("docker-cpu", DockerRunner)
RUNNERS.add("docker-cuda", DockerCudaRunner)

__all__ = ["RUNNERS", "HarnessError", "Progress", "ProgressCallback", "RunOutcome", "Runner"]
