"""GPU placement without a GPU: which device each submission gets, and never more than `per_gpu` on one."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from grader.session.gpus import GpuError, GpuPool, visible_gpus


def test_visible_gpus_follow_cuda_visible_devices() -> None:
    assert visible_gpus({"CUDA_VISIBLE_DEVICES": "2,3"}) == ["2", "3"]
    assert visible_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []
    assert visible_gpus({"CUDA_VISIBLE_DEVICES": "-1"}) == []


def test_the_least_busy_gpu_is_taken_first() -> None:
    pool = GpuPool(["0", "1", "2"], per_gpu=2)
    with pool.take() as first, pool.take() as second, pool.take() as third, pool.take() as fourth:
        assert [first, second, third, fourth] == ["0", "1", "2", "0"]
        assert pool.load() == {"0": 2, "1": 1, "2": 1}
    assert pool.load() == {"0": 0, "1": 0, "2": 0}


def test_jobs_spread_evenly_and_never_exceed_the_cap_per_gpu() -> None:
    pool = GpuPool.for_jobs(["0", "1"], jobs=8, per_gpu=None)
    assert pool.per_gpu == 4
    capped = GpuPool.for_jobs(["0", "1"], jobs=8, per_gpu=1)
    peak: dict[str, int] = {"0": 0, "1": 0}
    used: list[str] = []
    lock = threading.Lock()

    def job(_: int) -> None:
        with capped.take() as device:
            with lock:
                used.append(device)
                for name, busy in capped.load().items():
                    peak[name] = max(peak[name], busy)
            time.sleep(0.02)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(job, range(16)))
    assert peak == {"0": 1, "1": 1}
    assert sorted(set(used)) == ["0", "1"] and len(used) == 16


def test_no_gpu_is_a_clear_error() -> None:
    with pytest.raises(GpuError, match="no GPU is visible"):
        GpuPool([], per_gpu=1)
