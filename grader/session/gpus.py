"""Several GPUs on one host: `--device cuda --jobs N` spreads the submissions over the GPUs, at most `per_gpu` at a
time on each, so eight jobs on a four-GPU server do not all land on GPU 0.

A submission takes a slot on the least busy GPU for one attempt and gives it back when the attempt ends; the runner
shows it only that GPU (local: `CUDA_VISIBLE_DEVICES=i`; docker-cuda: `--gpus device=i`) and the result names it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager


class GpuError(Exception):
    """`--device cuda` where no GPU can be found; the message says how to check."""


def visible_gpus(env: Mapping[str, str] | None = None) -> list[str]:
    """The GPUs this host lets the grader use: `CUDA_VISIBLE_DEVICES` when set (the cluster's scheduler may have
    chosen them), else every GPU `nvidia-smi` lists."""
    env = os.environ if env is None else env
    if "CUDA_VISIBLE_DEVICES" in env:
        return [d.strip() for d in env["CUDA_VISIBLE_DEVICES"].split(",") if d.strip() and d.strip() != "-1"]
    if shutil.which("nvidia-smi") is None:
        return []
    listed = subprocess.run(
        ["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"], capture_output=True, text=True, check=False
    )
    return [line.strip() for line in listed.stdout.splitlines() if line.strip()] if listed.returncode == 0 else []


class GpuPool:
    """Slots on each GPU; `take()` blocks until one is free and picks the GPU with the fewest submissions on it."""

    def __init__(self, devices: Sequence[str], per_gpu: int) -> None:
        if not devices:
            raise GpuError(
                "--device cuda, but no GPU is visible: `nvidia-smi` lists none and CUDA_VISIBLE_DEVICES names none. "
                "Check the driver with `nvidia-smi`, or grade with --device cpu."
            )
        if per_gpu < 1:
            raise GpuError("--per-gpu must be at least 1")
        self.devices, self.per_gpu = tuple(devices), per_gpu
        self._busy = dict.fromkeys(self.devices, 0)
        self._free = threading.Condition()

    @classmethod
    def for_jobs(cls, devices: Sequence[str], jobs: int, per_gpu: int | None) -> GpuPool:
        """Without `per_gpu`, the jobs spread evenly: ceil(jobs / GPUs) each, which never holds a job back."""
        count = max(1, len(devices))
        return cls(devices, per_gpu or max(1, -(-jobs // count)))

    @contextmanager
    def take(self) -> Iterator[str]:
        with self._free:
            self._free.wait_for(lambda: min(self._busy.values()) < self.per_gpu)
            device = min(self.devices, key=lambda d: (self._busy[d], self.devices.index(d)))
            self._busy[device] += 1
        try:
            yield device
        finally:
            with self._free:
                self._busy[device] -= 1
                self._free.notify_all()

    def load(self) -> dict[str, int]:
        with self._free:
            return dict(self._busy)
