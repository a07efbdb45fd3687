"""Grading on a Dask cluster, measured side by side in one run (`nox -s bench -- cluster`), with a scheduler and
workers started as real processes by Dask's own commands on this machine:

- throughput: 12 smoke submissions of 02_torch_loop on two workers against one (target >= 1.8x on 2 cores);
- overhead: the same 12 through one worker against the local session (`--jobs 1`), per submission (target < 0.5 s),
  in all and outside the grading itself (the wall time less the results' own grading time);
- projection: each assignment's reference graded twice on the full profile with both workers busy, giving students x
  assignments per hour for this node.

Every smoke figure is the median of two rounds that alternate two workers, one worker and the local session, each a
`grader grade` command's wall time; the local backend grades, so workers need no Docker image.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.calibration import SOLUTIONS_DIR
from grader.bench.session import SUBMISSIONS, class_folder
from grader.outputs import gradescope
from grader.results import SubmissionStatus

ASSIGNMENTS = ("01_tf_quickstart", "02_torch_loop", "03_lightning_module")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
ROUNDS = 2


def dask_command(*args: str) -> list[str]:
    """Dask's own `dask scheduler` / `dask worker`, from this interpreter's environment."""
    return [sys.executable, "-m", "dask", *args]


def _spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """In its own process group, so `stop` ends the nanny and the worker it spawned together; in the log's folder, so
    `python -m` puts no checkout's `grader` ahead of the environment's, and Dask's scratch files stay there too."""
    scratch = {**(env if env is not None else os.environ), "DASK_TEMPORARY_DIRECTORY": str(log.parent)}
    with log.open("ab") as output:
        return subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=scratch, cwd=log.parent, start_new_session=True
        )


def start_scheduler(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`dask scheduler` on a free port of 127.0.0.1, and the address it reports in its scheduler file."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    command = dask_command("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard")
    process = _spawn([*command, "--scheduler-file", str(info)], folder / "scheduler.log")
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return process, json.loads(info.read_text(encoding="utf-8"))["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    stop([process])
    log = (folder / "scheduler.log").read_text(encoding="utf-8", errors="replace")
    raise RuntimeError(f"`dask scheduler` did not start:\n{log[-3000:]}")


def start_worker(
    address: str, folder: Path, name: str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`dask worker ADDRESS --nthreads 1` under a nanny, with its scratch space and log in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    command = dask_command("worker", address, "--nthreads", "1", "--name", name, "--no-dashboard")
    command += ["--local-directory", str(folder / name), *extra]
    return _spawn(command, folder / f"{name}.log", env)


def stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process group, then SIGKILL whatever is left after STOP_TIMEOUT_S."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_workers(address: str, count: int) -> None:
    """Until the scheduler has exactly `count` workers."""
    from distributed import Client

    with Client(address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(client.nthreads()) != count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the scheduler has {len(client.nthreads())} workers, expected {count}")
            time.sleep(0.2)


@dataclass(frozen=True)
class Run:
    """One `grader grade` command: its wall time, the time its results say they spent grading, and their scores."""

    seconds: float
    grading_s: float
    scores: tuple[str, ...]


def grade(assignment: str, folder: Path, out: Path, *extra: str) -> Run:
    """One `grader grade` command, from scratch."""
    command = [
        sys.executable, "-m", "grader", "grade", assignment, str(folder), "--out", str(out), "--force",
        "--dataset", "fashion-mnist", *extra,
    ]  # fmt: skip
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    results = [gradescope.read(path) for path in (out / assignment).glob("*/results.json")]
    if completed.returncode != 0:
        reasons = {result.output for result in results if result.status is SubmissionStatus.NOT_GRADED}
        raise SystemExit(f"grading failed ({completed.returncode}): {' | '.join(reasons)}\n{completed.stderr[-3000:]}")
    scores = tuple(f"{result.score:g}/{result.max_score:g}" for result in results)
    return Run(seconds, sum(result.execution_time for result in results), scores)


def _references(root: Path, assignment: str, copies: int) -> Path:
    folder = root / f"full-{assignment}"
    for index in range(copies):
        (folder / f"student{index + 1}").mkdir(parents=True)
        shutil.copyfile(SOLUTIONS_DIR / assignment / "submission.py", folder / f"student{index + 1}" / "submission.py")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02_torch_loop")
    args = parser.parse_args(argv)
    smoke = ("--profile", "smoke")
    runs: dict[str, list[Run]] = {"two workers": [], "one worker": [], "local --jobs 1": []}
    with tempfile.TemporaryDirectory(prefix="grader-bench-cluster-") as tmp:
        root = Path(tmp)
        folder, dask = class_folder(root, args.assignment), root / "dask"
        scheduler, address = start_scheduler(dask)
        workers = [start_worker(address, dask, "first"), start_worker(address, dask, "second-0")]
        on_cluster = ("--scheduler", address)
        try:
            wait_for_workers(address, 2)
            grade(args.assignment, folder, root / "warm", *smoke, *on_cluster)  # imports and datasets, untimed
            full = {
                a: grade(a, _references(root, a, 2), root / "full", "--profile", "full", *on_cluster)
                for a in ASSIGNMENTS
            }
            for round_ in range(ROUNDS):  # alternating, so a change in the machine's load falls on every side
                if round_:
                    workers.append(start_worker(address, dask, f"second-{round_}"))
                    wait_for_workers(address, 2)
                runs["two workers"].append(grade(args.assignment, folder, root / "two", *smoke, *on_cluster))
                stop([workers[-1]])
                wait_for_workers(address, 1)
                runs["one worker"].append(grade(args.assignment, folder, root / "one", *smoke, *on_cluster))
                runs["local --jobs 1"].append(grade(args.assignment, folder, root / "local", *smoke, "--jobs", "1"))
        finally:
            stop([*workers, scheduler])
    wall = {name: statistics.median(run.seconds for run in measured) for name, measured in runs.items()}
    outside = {  # one submission at a time: the wall time less the grading is what the path adds
        name: statistics.median(run.seconds - run.grading_s for run in runs[name]) / SUBMISSIONS
        for name in ("one worker", "local --jobs 1")
    }
    print(f"{SUBMISSIONS} submissions of {args.assignment}, smoke profile, local backend, {os.cpu_count()} CPUs")
    print(f"medians of {ROUNDS} alternating rounds (each: two workers, one worker, the local session)")
    for name, measured in runs.items():
        each = ", ".join(f"{run.seconds:.1f}" for run in measured)
        print(f"  {name:15} {wall[name]:6.1f} s ({each})")
    speed_up = wall["one worker"] / wall["two workers"]
    print(f"  two workers against one: {speed_up:.2f}x (target >= 1.8)")
    overhead = (wall["one worker"] - wall["local --jobs 1"]) / SUBMISSIONS
    print(f"  cluster path against the local session: {overhead:+.2f} s per submission (target < 0.5 s)")
    one, local = outside["one worker"], outside["local --jobs 1"]
    print(f"  outside grading, per submission: one worker {one:.2f} s, local {local:.2f} s ({one - local:+.2f} s)")
    per_hour = 3600 * 2 * len(ASSIGNMENTS) / sum(run.seconds for run in full.values())
    print("Full profile, each reference twice, two workers (one per core) on this node:")
    for assignment, run in full.items():
        print(f"  {assignment}: {run.seconds:6.1f} s for 2 submissions, scored {', '.join(run.scores)}")
    print(f"  projection: {per_hour:.0f} students x assignments per hour per node ({os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
