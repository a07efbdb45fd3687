"""The grading process's own numeric work never oversubscribes the machine, however many submissions run at once.

A session grades `--jobs` submissions from as many threads; each thread scores its submission on the host (checks,
the reference forward pass, accuracy), so NumPy calls BLAS from several threads at once. OpenBLAS then starts its own
pool of one thread per core for each caller: 8 jobs on 16 cores is 128 spinning threads, where OpenBLAS is known to
hang (numpy#17752, OpenBLAS#660) or, worse, return wrong products (numpy#29391). The student code runs in its own
processes, with its own share of the CPUs (`session.split_cpus`); the host's share of numeric work is small (20 to
5,000 images through a small MLP), so its BLAS pools are held at one thread while a session runs. (OpenMP pools are
capped too, but OpenMP's count belongs to the thread that sets it; the host loads no OpenMP library of its own, since
it never imports a framework.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_info, threadpool_limits

HOST_THREADS = 1


@contextmanager
def capped() -> Iterator[None]:
    """BLAS and OpenMP pools of this process at `HOST_THREADS` inside the block, restored after it."""
    with threadpool_limits(limits=HOST_THREADS):
        yield


def hold() -> None:
    """Cap for the rest of the process: a Dask worker scores tasks from several threads for as long as it lives, and a
    context entered and left per task would restore one task's pool size while another still runs."""
    threadpool_limits(limits=HOST_THREADS)


def blas_pools() -> dict[str, int]:
    """Each loaded BLAS library's pool size, by library file: what `capped` holds, process-wide."""
    return {str(i["filepath"]): int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"}
