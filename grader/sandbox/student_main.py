"""The student's own program run as `__main__`: `python -I -u -m grader.sandbox.student_main <job folder>`.

`grader run` (grader/student_run.py) lays the job folder out as grading does and adds `run.json`. Here the dataset is
served the grading way (the Keras loaders patched; torchvision's files are already in ./data), the network is refused
as in grading, and the file runs top to bottom with its output going straight to the console. A notebook arrives as
the script of its code cells; its tracebacks name the cell and line as Jupyter numbers them.
"""

from __future__ import annotations

import json
import runpy
import sys
import traceback
from pathlib import Path

from grader.sandbox import keras_data, netguard
from grader.sandbox.cells import CellMap, format_frames
from grader.sandbox.job import SandboxJob

RUN_FILE = "run.json"
RUNNER_FILES = frozenset({__file__, runpy.__file__, "<frozen runpy>"})
CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def describe(exc: BaseException, cells: CellMap | None, seen: set[int] | None = None) -> list[str]:
    """A traceback as Python prints it, chained exceptions included, without the runner's own frames (they are not
    the student's business), a notebook's lines named by cell."""
    seen = seen if seen is not None else set()
    seen.add(id(exc))
    lines: list[str] = []
    chained = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if chained is not None and id(chained) not in seen:
        lines += [*describe(chained, cells, seen), CAUSE if exc.__cause__ else CONTEXT]
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename not in RUNNER_FILES]
    if frames:
        lines += ["Traceback (most recent call last):\n", *format_frames(frames, cells)]
    where = cells.where(exc.filename or "", exc.lineno) if cells and isinstance(exc, SyntaxError) else None
    if where is not None and isinstance(exc, SyntaxError):
        code = f"    {exc.text.strip()}\n" if exc.text else ""
        return [*lines, f"  File {where}\n{code}{type(exc).__name__}: {exc.msg}\n"]
    return [*lines, *traceback.format_exception_only(exc)]


def run_as_main(script: Path, cells: CellMap | None) -> int:
    """Run `script` as `python script.py` would; SystemExit passes through, so the student's exit code is kept."""
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit:
        raise
    except BaseException as exc:  # the student's error, printed as Python would, then exit code 1 as Python gives
        sys.stderr.write("".join(describe(exc, cells)))
        return 1
    return 0


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    plan = json.loads((root / RUN_FILE).read_text(encoding="utf-8"))
    job = SandboxJob.read(root)
    if plan["keras_loaders"]:
        keras_data.serve(job.arrays("train"), job.arrays("test"))
    script = Path(plan["script"])
    cells = CellMap.from_json(script, plan.get("notebook"))
    sys.path.append(str(plan["folder"]))  # appended, as grading imports it: the student's helpers, never shadowing
    netguard.install()
    return run_as_main(script, cells)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
