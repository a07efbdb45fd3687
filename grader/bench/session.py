"""Class-session throughput, measured side by side in one run (`nox -s bench`): the same 12 submissions graded in
docker-cpu with `--jobs 1` and with `--jobs 2` (each from scratch, `--force`), then the whole `grader grade` command
re-run with nothing changed, which must answer from the cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from grader.authoring.calibration import SOLUTIONS_DIR

SUBMISSIONS = 12


def class_folder(root: Path, assignment: str) -> Path:
    """The reference and the flawed examples of one assignment, one student folder each, up to 12."""
    folder = root / "class"
    sources = [
        SOLUTIONS_DIR / assignment / "submission.py",
        *sorted((SOLUTIONS_DIR / assignment).glob("examples/*.py")),
    ]
    for index in range(SUBMISSIONS):
        student = folder / f"student{index + 1:02d}"
        student.mkdir(parents=True)
        shutil.copyfile(sources[index % len(sources)], student / "submission.py")
    return folder


def grade(assignment: str, folder: Path, out: Path, jobs: int, *extra: str) -> float:
    command = [
        sys.executable, "-m", "grader", "grade", assignment, str(folder), "--out", str(out),
        "--backend", "docker-cpu", "--profile", "smoke", "--dataset", "fashion-mnist", "--jobs", str(jobs), *extra,
    ]  # fmt: skip
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"grading failed ({completed.returncode}):\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
        )
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02_torch_loop")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grader-bench-session-") as tmp:
        folder = class_folder(Path(tmp), args.assignment)
        grade(args.assignment, folder, Path(tmp) / "warm", 2, "--force")  # page cache and image layers, untimed
        one = grade(args.assignment, folder, Path(tmp) / "jobs1", 1, "--force")
        two = grade(args.assignment, folder, Path(tmp) / "jobs2", 2, "--force")
        rerun = grade(args.assignment, folder, Path(tmp) / "jobs2", 2)
    print(f"{SUBMISSIONS} submissions of {args.assignment}, smoke profile, docker-cpu, {os.cpu_count()} CPUs")
    print(f"  --jobs 1: {one:6.1f} s")
    print(f"  --jobs 2: {two:6.1f} s   speed-up {one / two:.2f}x (target >= 1.8)")
    print(f"  re-run with nothing changed: {rerun:.2f} s (target < 2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
