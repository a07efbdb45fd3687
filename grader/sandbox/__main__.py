"""Entry point of the student process: `python -I -m grader.sandbox <job folder>` (in a container), or `entry()`
from the local backend's bootstrap. It confines itself before anything else (`confine`)."""

from __future__ import annotations

from grader.sandbox import confine

confine.from_environment()

import json  # noqa: E402  (after the confinement, on purpose)
import platform  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from grader.sandbox import netguard  # noqa: E402
from grader.sandbox.job import SandboxJob  # noqa: E402
from grader.sandbox.layout import STATUS_MARKER  # noqa: E402
from grader.sandbox.loader import load_submission  # noqa: E402
from grader.sandbox.probes import PROBES  # noqa: E402
from grader.sandbox.recorder import Recorder  # noqa: E402


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
    prepared = False
    with rec.step("prepare"):
        device_info.update(probe.prepare(job) or {})
        prepared = True
    rec.write_json("environment.json", {"versions": _versions(probe.packages), **device_info})
    netguard.install()
    _status(rec, prepared)
    if not prepared:
        return 0
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


def _status(rec: Recorder, prepared: bool) -> None:
    """The line the host trusts: printed before the student's code is imported, so no student code wrote it."""
    print(STATUS_MARKER + json.dumps({"prepared": prepared, "record": rec.records.get("prepare")}), flush=True)


def entry() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    raise SystemExit(main(sys.argv[1:]))


if __name__ == "__main__":
    entry()
