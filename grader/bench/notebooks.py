"""What a notebook costs, measured side by side in one run (`nox -s bench -- notebook`): turning a 5 MB notebook (the
reference notebook carrying plot outputs, as a student's Colab file does) into the graded module (target < 1 s), and
grading each reference notebook against its `.py` twin, alternating, medians of the pairs after a warm-up pair
(target: within 5 %).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from grader.authoring.calibration import SOLUTIONS_DIR
from grader.data import datasets
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.notebooks.convert import read_notebook, to_module
from grader.spec import load_spec

ASSIGNMENTS = ("01_tf_quickstart", "02_torch_loop", "03_lightning_module")
TARGET_BYTES = 5 * 10**6


def with_outputs(notebook: Path, target: Path, size: int = TARGET_BYTES) -> Path:
    """The notebook with a base64 "plot" output on each code cell, grown to `size` bytes."""
    raw = json.loads(notebook.read_text(encoding="utf-8"))
    code = [cell for cell in raw["cells"] if cell["cell_type"] == "code"]
    chunk = base64.b64encode(os.urandom(size * 3 // 4 // len(code))).decode()
    for cell in code:
        cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": chunk}}]
    target.write_text(json.dumps(raw), encoding="utf-8")
    return target


def conversion_seconds(path: Path, repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        to_module(read_notebook(path))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def grading_seconds(assignment: str, dataset: datasets.Dataset, pairs: int) -> tuple[float, float]:
    """Median wall time of grading the reference `.py` and its notebook, alternating after a warm-up pair."""
    spec = load_spec(assignment)
    options = GradeOptions(profile="smoke")
    files = {kind: SOLUTIONS_DIR / assignment / f"submission{kind}" for kind in (".py", ".ipynb")}
    timings: dict[str, list[float]] = {kind: [] for kind in files}
    for index in range(pairs + 1):
        for kind, path in files.items():
            started = time.perf_counter()
            result = grade_submission(spec, Submission("reference", path), dataset, options)
            if result.score != result.max_score:
                raise SystemExit(f"{path} scored {result.score}/{result.max_score}:\n{result.output}")
            if index:
                timings[kind].append(time.perf_counter() - started)
    return statistics.median(timings[".py"]), statistics.median(timings[".ipynb"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grader-bench-notebook-") as tmp:
        big = with_outputs(SOLUTIONS_DIR / "02_torch_loop" / "submission.ipynb", Path(tmp) / "submission.ipynb")
        seconds, size = conversion_seconds(big), big.stat().st_size
    print(f"notebook -> module: {size / 1e6:.1f} MB notebook in {seconds * 1000:.0f} ms (target < 1 s)")
    dataset = datasets.load("fashion-mnist")
    print(f"grading, local backend, smoke profile, Fashion-MNIST, medians of {args.pairs} alternating pairs:")
    print(f"  {'assignment':22} {'.py s':>7} {'.ipynb s':>9} {'ratio':>7}")
    for assignment in ASSIGNMENTS:
        plain, notebook = grading_seconds(assignment, dataset, args.pairs)
        print(f"  {assignment:22} {plain:7.2f} {notebook:9.2f} {notebook / plain:7.3f}  (target within 5 %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
