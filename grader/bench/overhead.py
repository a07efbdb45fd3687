"""Harness overhead, measured side by side in one run (`nox -s bench -- overhead`): one submission graded end to end
against the same contract calls run plainly in a container of the same image, with the same container settings.

The graded run is what an instructor, Gradescope, PrairieLearn or `grader check` waits for: `grader grade <reference>
--backend docker-cpu` in a fresh process (imports, dataset, job folder, container, recording, checks, results). The
plain run is the container alone (`grader.bench.plain`: the same data, calls and epochs, nothing observed), its job
folder laid out beforehand. Two measures: wall-clock time (what one waits, noisy on a shared machine) and CPU time (the
containers' cgroup counters plus the processes started here, which other load on the machine barely moves).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.calibration import SOLUTIONS_DIR
from grader.data import datasets
from grader.job import Submission, prepare
from grader.outputs import gradescope
from grader.results import SubmissionStatus
from grader.runners.docker import CGROUP_PARENT_ENV, DockerRunner
from grader.spec import load_spec

ASSIGNMENTS = ("01_tf_quickstart", "02_torch_loop", "03_lightning_module")
CGROUP_ROOT = Path("/sys/fs/cgroup")


class Cgroup:
    """A cgroup parent for one run's containers. A parent's CPU counter keeps the time of children that have exited,
    so the containers' CPU time can be read after they are removed (cgroup v1 cpuacct or v2 cpu.stat)."""

    def __init__(self) -> None:
        self.name = f"grader-bench-{uuid.uuid4().hex[:8]}"
        self.path = f"/{self.name}"

    def cpu_seconds(self) -> float:
        v1 = CGROUP_ROOT / "cpuacct" / self.name / "cpuacct.usage"
        if v1.is_file():
            return int(v1.read_text()) / 1e9
        stat = dict(line.split() for line in (CGROUP_ROOT / self.name / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def release(self) -> None:
        for folder in (*CGROUP_ROOT.glob(f"*/{self.name}"), CGROUP_ROOT / self.name):
            if folder.is_dir():
                folder.rmdir()


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock seconds of `command`, and the CPU seconds of it and the processes it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:6])} ... exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


@dataclass(frozen=True)
class Sample:
    graded_wall: float
    plain_wall: float
    graded_cpu: float
    plain_cpu: float


def _graded(assignment: str, profile: str, dataset: datasets.Dataset) -> tuple[float, float]:
    """`grader grade` on the reference, as a fresh process into a fresh folder (nothing cached)."""
    reference = SOLUTIONS_DIR / assignment / load_spec(assignment).entry
    cgroup = Cgroup()
    try:
        with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
            out = Path(tmp) / "out"
            command = [sys.executable, "-m", "grader", "grade", assignment, str(reference), "--out", str(out)]
            command += ["--backend", "docker-cpu", "--profile", profile, "--dataset", dataset.name]
            wall, host_cpu = _timed(command, {**os.environ, CGROUP_PARENT_ENV: cgroup.path})
            [results] = out.rglob(gradescope.FILENAME)
            result = gradescope.read(results)
            if result.status is not SubmissionStatus.GRADED or result.score != result.max_score:
                raise SystemExit(f"{assignment} ({profile}) did not earn full marks:\n{result.output}")
        return wall, host_cpu + cgroup.cpu_seconds()
    finally:
        cgroup.release()


def _plain(assignment: str, profile: str, dataset: datasets.Dataset) -> tuple[float, float]:
    """The contract calls alone, in a container started the way the docker-cpu backend starts one."""
    spec = load_spec(assignment)
    reference = Submission("reference", SOLUTIONS_DIR / assignment / spec.entry)
    cgroup = Cgroup()
    try:
        with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
            job = prepare(spec, reference, dataset, profile, spec.seed, Path(tmp))
            job.artifacts.chmod(0o777)
            container = f"grader-bench-{uuid.uuid4().hex[:8]}"
            command = DockerRunner(cgroup_parent=cgroup.path).command(job, container, entry="grader.bench.plain")
            wall, host_cpu = _timed([*command[:2], "--rm", *command[2:]])
        return wall, host_cpu + cgroup.cpu_seconds()
    finally:
        cgroup.release()


def measure(assignment: str, profile: str, dataset: datasets.Dataset, repeat: int) -> Sample:
    """Graded and plain runs alternate, each going first in every other pair, so a slow spell of a shared machine
    hits both; medians are reported. One untimed smoke pair first warms the page cache: the first container of a
    multi-gigabyte image reads it from disk."""
    _graded(assignment, "smoke", dataset)
    _plain(assignment, "smoke", dataset)
    graded, plain = [], []
    for pair in range(repeat):
        if pair % 2:
            plain.append(_plain(assignment, profile, dataset))
            graded.append(_graded(assignment, profile, dataset))
        else:
            graded.append(_graded(assignment, profile, dataset))
            plain.append(_plain(assignment, profile, dataset))
    return Sample(
        graded_wall=statistics.median(wall for wall, _ in graded),
        plain_wall=statistics.median(wall for wall, _ in plain),
        graded_cpu=statistics.median(cpu for _, cpu in graded),
        plain_cpu=statistics.median(cpu for _, cpu in plain),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=list(ASSIGNMENTS))
    parser.add_argument("--profiles", nargs="+", default=["smoke", "full"], choices=["smoke", "full"])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; medians are reported")
    args = parser.parse_args(argv)
    dataset = datasets.load(args.dataset)
    print(f"{'':32} {'wall-clock (s)':^24}  {'CPU time (s)':^24}")
    header = f"{'graded':>8} {'plain':>8} {'ratio':>6}"
    print(f"{'assignment':22} {'profile':9} {header}  {header}")
    for profile in args.profiles:
        for assignment in args.assignments:
            m = measure(assignment, profile, dataset, args.repeat)
            wall = f"{m.graded_wall:8.2f} {m.plain_wall:8.2f} {m.graded_wall / m.plain_wall:5.2f}x"
            cpu = f"{m.graded_cpu:8.2f} {m.plain_cpu:8.2f} {m.graded_cpu / m.plain_cpu:5.2f}x"
            print(f"{assignment:22} {profile:9} {wall}  {cpu}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
