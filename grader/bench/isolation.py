"""What keeping student code apart costs, measured side by side in one run (`nox -s bench -- isolation`): one
submission graded end to end (`grader grade <reference>` in a fresh process, into a fresh `--out`), with the strongest
isolation this host allows against the grader's own user (`GRADER_ISOLATION=process`, the path before there was any
separation; it keeps only the seccomp network filter). Alternating, medians after a warm-up pair, wall-clock: the
time one waits for a result. (CPU time is not compared: bubblewrap's process in the sandbox's PID namespace reaps
student code, so the grader's own accounting of its children misses it.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from grader.authoring.calibration import SOLUTIONS_DIR
from grader.isolation import MODE_ENV, Mode, available

ASSIGNMENTS = ("01_tf_quickstart", "02_torch_loop", "05_torch_save_load")


def _graded(assignment: str, mode: Mode, profile: str, dataset: str) -> float:
    """Wall-clock seconds of one `grader grade` of the reference, isolated as `mode`."""
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as out:
        reference = SOLUTIONS_DIR / assignment / "submission.py"
        command = [sys.executable, "-m", "grader", "grade", assignment, str(reference), "--out", out]
        command += ["--profile", profile, "--dataset", dataset]
        started = time.perf_counter()
        done = subprocess.run(command, env={**os.environ, MODE_ENV: mode.value}, capture_output=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0 or not any(Path(out).rglob("results.json")):
            raise RuntimeError(f"{assignment} ({mode}) was not graded:\n{done.stdout.decode()[-2000:]}")
    return wall


def measure(assignment: str, mode: Mode, profile: str, dataset: str, pairs: int) -> tuple[float, float]:
    """Medians of `pairs` alternating pairs (isolated first, then plain, then the other way round)."""
    _graded(assignment, mode, profile, dataset)
    _graded(assignment, Mode.PROCESS, profile, dataset)
    isolated: list[float] = []
    plain: list[float] = []
    for pair in range(pairs):
        order = [(isolated, mode), (plain, Mode.PROCESS)]
        for samples, which in order if pair % 2 == 0 else reversed(order):
            samples.append(_graded(assignment, which, profile, dataset))
    return statistics.median(isolated), statistics.median(plain)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=list(ASSIGNMENTS))
    parser.add_argument("--profile", default="smoke", choices=["smoke", "full"])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--pairs", type=int, default=4, help="alternating pairs after the warm-up; medians reported")
    args = parser.parse_args(argv)
    mode, problem = available()
    if mode is Mode.PROCESS:
        print(f"no isolation to measure here: student code would run as the grader's own user ({problem})")
        return 1
    print(f"isolated: {mode} (this host's strongest) against plain: process; {args.profile} profile, {args.dataset}")
    print(f"{'assignment':22} {'isolated s':>10} {'plain s':>8} {'ratio':>7}")
    for assignment in args.assignments:
        isolated, plain = measure(assignment, mode, args.profile, args.dataset, args.pairs)
        print(f"{assignment:22} {isolated:10.2f} {plain:8.2f} {isolated / plain:6.3f}x", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
