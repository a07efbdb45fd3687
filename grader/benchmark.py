"""Harness overhead, measured side by side in one run (`nox -s bench`): grading a reference in docker-cpu against
running the same submission's contract functions plainly in the same image, with the same container settings.

The graded run is everything an instructor waits for (job preparation, container, recording, checks, scoring);
the plain run is the container alone doing the same training with nothing observed. Two measures: wall-clock time
(what one waits, noisy on a shared machine) and CPU time (the containers' cgroup counters plus the grader's own
process, which other load on the machine barely moves).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader import datasets
from grader.calibration import SOLUTIONS_DIR
from grader.grading import GradeOptions, grade_submission
from grader.job import Job, Submission, prepare
from grader.results import SubmissionStatus
from grader.runners.docker import DockerRunner
from grader.spec import load_spec

ASSIGNMENTS = ("01_tf_quickstart", "02_torch_loop", "03_lightning_module")
CGROUP_ROOT = Path("/sys/fs/cgroup")


class AccountedDockerRunner(DockerRunner):
    """docker-cpu with its containers under one cgroup parent. A parent's CPU counter keeps the time of children that
    have exited, so the containers' CPU time can be read after they are removed (cgroup v1 cpuacct or v2 cpu.stat)."""

    def __init__(self) -> None:
        super().__init__()
        self.parent = f"grader-bench-{uuid.uuid4().hex[:8]}"

    def command(self, job: Job, container: str, entry: str = "grader.sandbox") -> list[str]:
        command = super().command(job, container, entry)
        return [*command[:2], "--cgroup-parent", f"/{self.parent}", *command[2:]]

    def cpu_seconds(self) -> float:
        v1 = CGROUP_ROOT / "cpuacct" / self.parent / "cpuacct.usage"
        if v1.is_file():
            return int(v1.read_text()) / 1e9
        stat = dict(line.split() for line in (CGROUP_ROOT / self.parent / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def release(self) -> None:
        for folder in (*CGROUP_ROOT.glob(f"*/{self.parent}"), CGROUP_ROOT / self.parent):
            if folder.is_dir():
                folder.rmdir()


@dataclass(frozen=True)
class Sample:
    graded_wall: float
    plain_wall: float
    graded_cpu: float
    plain_cpu: float


def measure_once(assignment: str, profile: str, dataset: datasets.Dataset) -> Sample:
    spec = load_spec(assignment)
    reference = Submission("reference", SOLUTIONS_DIR / assignment / spec.entry)
    graded_runner, plain_runner = AccountedDockerRunner(), AccountedDockerRunner()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        options = GradeOptions(profile=profile, backend="docker-cpu")
        result = grade_submission(spec, reference, dataset, options, runner=graded_runner)
        graded_wall, graded_host_cpu = time.perf_counter() - wall, time.process_time() - cpu
        if result.status is not SubmissionStatus.GRADED or result.score != result.max_score:
            raise SystemExit(f"{assignment} ({profile}) did not earn full marks:\n{result.output}")
        with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
            job = prepare(spec, reference, dataset, profile, spec.seed, Path(tmp))
            job.artifacts.chmod(0o777)
            container = f"grader-bench-{uuid.uuid4().hex[:8]}"
            command = plain_runner.command(job, container, entry="grader.sandbox.plain")
            wall = time.perf_counter()
            subprocess.run([*command[:2], "--rm", *command[2:]], check=True, capture_output=True)
            plain_wall = time.perf_counter() - wall
        return Sample(
            graded_wall, plain_wall, graded_runner.cpu_seconds() + graded_host_cpu, plain_runner.cpu_seconds()
        )
    finally:
        graded_runner.release()
        plain_runner.release()


def measure(assignment: str, profile: str, dataset: datasets.Dataset, repeat: int) -> Sample:
    """Graded and plain runs alternate, so a slow spell of a shared machine hits both; medians are reported.

    One untimed smoke pair first warms the page cache: the first container of a multi-gigabyte image reads it from disk.
    """
    measure_once(assignment, "smoke", dataset)
    samples = [measure_once(assignment, profile, dataset) for _ in range(repeat)]
    return Sample(*(statistics.median(getattr(s, field) for s in samples) for field in Sample.__dataclass_fields__))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=list(ASSIGNMENTS))
    parser.add_argument("--profiles", nargs="+", default=["smoke", "full"], choices=["smoke", "full"])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; medians are reported")
    args = parser.parse_args(argv)
    dataset = datasets.load(args.dataset)
    print(f"{'':32} {'wall-clock (s)':^26}  {'CPU time (s)':^26}")
    header = f"{'graded':>8} {'plain':>8} {'overhead':>8}"
    print(f"{'assignment':22} {'profile':9} {header}  {header}")
    for profile in args.profiles:
        for assignment in args.assignments:
            m = measure(assignment, profile, dataset, args.repeat)
            wall = f"{m.graded_wall:8.1f} {m.plain_wall:8.1f} {100 * (m.graded_wall / m.plain_wall - 1):7.1f}%"
            cpu = f"{m.graded_cpu:8.1f} {m.plain_cpu:8.1f} {100 * (m.graded_cpu / m.plain_cpu - 1):7.1f}%"
            print(f"{assignment:22} {profile:9} {wall}  {cpu}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
