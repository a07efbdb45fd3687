"""What the training experiment and its replay cost (`nox -s bench -- replay`): the 02 reference graded end to end,
with the two parts the replay adds timed inside the same gradings: the experiment step in the sandbox (its own record
of seconds) and the host's NumPy replay in the `zero_grad` check. Printed per profile: medians of the whole grading,
of what the replay adds, and that addition against the grading without it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from grader.authoring.calibration import SOLUTIONS_DIR
from grader.checks import zero_grad
from grader.data import datasets
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.spec import load_spec

ASSIGNMENT = "02_torch_loop"


def _timed(verdict: Callable[..., Any], added: list[float]) -> Callable[..., Any]:
    """The replay's verdict, adding its own seconds and the sandbox's experiment step to `added`."""

    def timed(ctx: Any, experiment_step: str, *args: Any) -> Any:
        started = time.perf_counter()
        outcome = verdict(ctx, experiment_step, *args)
        added.append(time.perf_counter() - started + ctx.obs.step(experiment_step).seconds)
        return outcome

    return timed


def measure(profile: str, dataset_name: str, runs: int) -> tuple[float, float]:
    """Medians of (whole grading seconds, seconds the replay added), after a warm-up grading."""
    spec = load_spec(ASSIGNMENT)
    dataset = datasets.load(dataset_name)
    submission = Submission("reference", SOLUTIONS_DIR / ASSIGNMENT / "submission.py")
    added: list[float] = []
    totals: list[float] = []
    original = zero_grad.replay_verdict
    zero_grad.replay_verdict = _timed(original, added)
    try:
        for run in range(runs + 1):
            started = time.perf_counter()
            result = grade_submission(spec, submission, dataset, GradeOptions(profile=profile))
            totals.append(time.perf_counter() - started)
            if result.score != result.max_score:
                raise RuntimeError(f"the reference scored {result.score}/{result.max_score}:\n{result.output[-2000:]}")
            if run == 0:  # warm-up: caches and the first import of the frameworks
                added.clear()
                totals.clear()
    finally:
        zero_grad.replay_verdict = original
    return statistics.median(totals), statistics.median(added)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=["smoke", "full"], choices=["smoke", "full"])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--runs", type=int, default=3, help="gradings after the warm-up; medians reported")
    args = parser.parse_args(argv)
    print(f"{ASSIGNMENT} reference, {args.dataset}, {args.runs} gradings per profile after a warm-up (medians)")
    for profile in args.profiles:
        total, added = measure(profile, args.dataset, args.runs)
        without = total - added
        print(
            f"{profile:>5}: grading {total:6.2f} s, the experiment and its replay {added:5.3f} s, "
            f"{added / without:6.2%} over the grading without them"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
