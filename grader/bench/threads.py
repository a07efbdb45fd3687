"""`nox -s bench -- threads`: what the session's BLAS cap (`grader.session.host_threads`) buys, measured side by side.

Eight threads, as a `--jobs 8` session scores eight submissions at once, each multiply the same matrices; once with
OpenBLAS pools of 16 threads (what a 16-core host gives each caller by default) and once inside `host_threads.capped()`.
Each variant runs in a fresh process, since OpenBLAS reads its thread count when it loads. It prints the seconds, their
ratio and whether every product equalled the one computed alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

CALLERS, ROUNDS, POOL = 8, 300, "16"


def _work(capped: bool) -> tuple[float, int]:
    import numpy as np

    from grader.session import host_threads

    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 784)).astype(np.float32)
    b = rng.standard_normal((784, 256)).astype(np.float32)

    def run() -> tuple[float, int]:
        alone = a @ b  # with the same pool size: the sums are split, and rounded, the same way

        def caller(_: int) -> int:
            return sum(not np.array_equal(a @ b, alone) for _ in range(ROUNDS))

        started = time.perf_counter()
        with ThreadPoolExecutor(CALLERS) as pool:
            wrong = sum(pool.map(caller, range(CALLERS)))
        return time.perf_counter() - started, wrong

    if not capped:
        return run()
    with host_threads.capped():
        return run()


def _measure(capped: bool) -> tuple[float, int]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": POOL}
    code = f"from grader.bench.threads import _work; print(*_work({capped}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    seconds, wrong = out.split()
    return float(seconds), int(wrong)


def main() -> None:
    print(f"{CALLERS} threads x {ROUNDS} products of 500x784 by 784x256 (float32), {os.cpu_count()} CPUs")
    free, free_wrong = _measure(capped=False)
    capped, capped_wrong = _measure(capped=True)
    print(f"  OpenBLAS pools of {POOL} threads: {free:6.2f} s, {free_wrong} products differ from the one made alone")
    print(f"  capped to one thread (session):  {capped:6.2f} s, {capped_wrong} products differ")
    print(f"  ratio uncapped / capped: {free / capped:.2f}x")


if __name__ == "__main__":
    main()
