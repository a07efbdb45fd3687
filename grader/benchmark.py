"""Harness overhead, measured side by side in one run (`nox -s bench`): grading a reference in docker-cpu against
running the same submission's contract functions plainly in the same image, with the same container settings.

The graded time is everything an instructor waits for (job preparation, container, recording, checks, scoring);
the plain time is the container alone doing the same training with nothing observed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from grader import datasets
from grader.calibration import SOLUTIONS_DIR
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission, prepare
from grader.results import SubmissionStatus
from grader.runners.docker import DockerRunner
from grader.spec import load_spec

ASSIGNMENTS = ("01_tf_quickstart", "02_torch_loop", "03_lightning_module")


def measure_once(assignment: str, profile: str, dataset: datasets.Dataset) -> tuple[float, float]:
    spec = load_spec(assignment)
    reference = Submission("reference", SOLUTIONS_DIR / assignment / spec.entry)
    started = time.perf_counter()
    result = grade_submission(spec, reference, dataset, GradeOptions(profile=profile, backend="docker-cpu"))
    graded = time.perf_counter() - started
    if result.status is not SubmissionStatus.GRADED or result.score != result.max_score:
        raise SystemExit(f"{assignment} ({profile}) did not earn full marks:\n{result.output}")
    runner = DockerRunner()
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        job = prepare(spec, reference, dataset, profile, spec.seed, Path(tmp))
        job.artifacts.chmod(0o777)
        container = f"grader-bench-{uuid.uuid4().hex[:8]}"
        command = runner.command(job, container, entry="grader.sandbox.plain")
        started = time.perf_counter()
        subprocess.run([*command[:2], "--rm", *command[2:]], check=True, capture_output=True)
        plain = time.perf_counter() - started
    return graded, plain


def measure(assignment: str, profile: str, dataset: datasets.Dataset, repeat: int) -> tuple[float, float]:
    """Graded and plain runs alternate, so a slow spell of a shared machine hits both; medians are reported.

    One untimed smoke pair first warms the page cache: the first container of a multi-gigabyte image reads it from disk.
    """
    measure_once(assignment, "smoke", dataset)
    pairs = [measure_once(assignment, profile, dataset) for _ in range(repeat)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=list(ASSIGNMENTS))
    parser.add_argument("--profiles", nargs="+", default=["smoke", "full"], choices=["smoke", "full"])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; medians are reported")
    args = parser.parse_args(argv)
    dataset = datasets.load(args.dataset)
    print(f"{'assignment':22} {'profile':8} {'graded s':>9} {'plain s':>9} {'ratio':>7} {'overhead':>9}")
    for profile in args.profiles:
        for assignment in args.assignments:
            graded, plain = measure(assignment, profile, dataset, args.repeat)
            overhead = 100 * (graded - plain) / plain
            print(f"{assignment:22} {profile:8} {graded:9.1f} {plain:9.1f} {graded / plain:7.3f} {overhead:8.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
