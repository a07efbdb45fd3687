"""Entry point of the student process: `python -I -m grader.sandbox <job folder>`."""

from __future__ import annotations

import platform
import random
import sys
from pathlib import Path

import numpy as np

from grader.sandbox import netguard
from grader.sandbox.job import SandboxJob
from grader.sandbox.loader import load_submission
from grader.sandbox.probes import PROBES
from grader.sandbox.recorder import Recorder


def _versions(packages: tuple[str, ...]) -> dict[str, str]:
    """Versions of the modules as imported in this process (the CPU and GPU builds have different dist names)."""
    found = {"python": platform.python_version()}
    for name in packages:
        module = sys.modules.get(name)
        found[name] = str(getattr(module, "__version__", "not imported"))
    return found


def main(argv: list[str]) -> int:
    job = SandboxJob.read(Path(argv[0]))
    rec = Recorder(job.artifacts, None if job.submission is None else job.submission.parent, job.cells)
    probe = PROBES[job.probe]
    random.seed(job.seed)
    np.random.seed(job.seed)
    device_info: dict[str, str] = {"device": job.device}
    with rec.step("prepare"):
        device_info.update(probe.prepare(job) or {})
    rec.write_json("environment.json", {"versions": _versions(probe.packages), **device_info})
    netguard.install()
    if job.submission is None:  # a run that inspects what an earlier run saved: the student's code stays out
        probe.run(job, None, rec)
        rec.write_json("progress.json", {"step": "done"})
        return 0
    module = None
    with rec.step("import"):
        module = load_submission(job.submission, job.shown_as, job.import_error)
    if module is None:
        for step in probe.steps:
            rec.skip(step, "sandbox.not_imported", file=job.shown_as)
    else:
        probe.run(job, module, rec)
    rec.write_json("progress.json", {"step": "done"})
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    raise SystemExit(main(sys.argv[1:]))
