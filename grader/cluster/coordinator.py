"""Scale-out on a running Dask cluster: `grader grade ... --scheduler tcp://HOST:8786` grades each submission as a
task there, while the session on this machine keeps the cache, resume, retries, progress and outputs.

Workers are started with Dask's own commands on hosts that have the grader, the datasets and, for the Docker backends,
the image: `dask scheduler`, then `dask worker tcp://HOST:8786 --nthreads 1` (plus `--resources GPU=1` on GPU hosts).
A task carries the submission's files as bytes and this machine's digests (grader source, spec, environment, dataset);
the worker (`grader.cluster.task`) refuses to grade where any differs, so one class is never graded in two
environments. `distributed` is imported only when a scheduler is named.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from grader.cluster import task as cluster_task
from grader.cluster.task import Digests
from grader.data import datasets
from grader.grading import GradeOptions, not_graded, spec_checks
from grader.job import Submission, submission_files
from grader.messages import Text, say
from grader.results import AssignmentResult
from grader.session import cache_key
from grader.session.class_session import split_cpus
from grader.spec import AssignmentSpec

CONNECT_TIMEOUT_S = 10.0


class ClusterError(Exception):
    """The cluster cannot be used as asked (no scheduler there, no worker, no GPU worker): the user must fix it."""


class Submitter(Protocol):
    """The part of `distributed.Client` a Remote uses."""

    def submit(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


def how_to_start(address: str) -> str:
    return (
        f"Start a scheduler on that host with `dask scheduler` (it listens on port 8786), and workers on the grading "
        f"hosts with `dask worker {address} --nthreads 1` (add `--resources GPU=1` on GPU hosts)."
    )


@dataclass(frozen=True)
class Cluster:
    """A connected client, and what its workers offer."""

    client: Any
    threads: int
    """Worker threads in all: submissions graded at once when `--jobs` is not given."""
    host_cpus: Mapping[str, int | None]
    """Each host's CPU share per submission (a container's `--cpus`): its CPUs split between its worker threads, as a
    local `--jobs N` splits the machine; None where a host runs one worker thread (the whole host)."""
    gpus: float


def connect(address: str, timeout_s: float) -> Cluster:
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "--scheduler needs Dask: install the grader with its extra, `pip install 'grader[cluster]'`"
        ) from None
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach a Dask scheduler at {address} ({exc}). {how_to_start(address)}") from None
    try:
        client.wait_for_workers(1, timeout=timeout_s)
        hosts: dict[str, tuple[str, int]] = client.run(cluster_task.host_cpus)
    except TimeoutError:
        client.close()
        raise ClusterError(f"no worker is connected to the scheduler at {address}. {how_to_start(address)}") from None
    except Exception as exc:  # whatever a worker raised, that worker must be fixed before grading
        client.close()
        raise ClusterError(f"a worker of {address} cannot run the grader: {type(exc).__name__}: {exc}") from None
    nthreads: dict[str, int] = client.nthreads()
    per_host: dict[str, int] = {}
    for worker, (host, _) in hosts.items():
        per_host[host] = per_host.get(host, 0) + nthreads.get(worker, 1)
    cpus = {host: count for host, count in hosts.values()}
    workers = client.scheduler_info()["workers"].values()
    return Cluster(
        client,
        threads=sum(nthreads.values()),
        host_cpus={
            host: split_cpus(threads, cpus[host]) if threads > 1 else None for host, threads in per_host.items()
        },
        gpus=sum(float(info.get("resources", {}).get("GPU", 0)) for info in workers),
    )


@dataclass(frozen=True)
class Remote:
    """`Session(remote=...)`: one attempt at one submission, graded as a task on the cluster. Each call submits a task
    under a fresh key and waits for that task alone, so a submission gets one result per attempt however often Dask
    re-runs the task after losing a worker."""

    client: Submitter
    spec: AssignmentSpec
    dataset_name: str
    options: GradeOptions
    expected: Digests
    jobs: int = 1
    host_cpus: Mapping[str, int | None] = field(default_factory=dict)
    unavailable: str = ""
    """Why nothing can be graded: this machine has no copy of the dataset to compare the workers' with."""

    @classmethod
    def build(
        cls, cluster: Cluster, spec: AssignmentSpec, dataset_name: str, options: GradeOptions, data_dir: Path | None
    ) -> Remote:
        """This machine's digests, which every worker's must equal."""
        try:
            checksum, unavailable = datasets.load(dataset_name, data_dir).checksum, ""
        except datasets.DatasetError as exc:
            checksum, unavailable = cluster_task.MISSING, str(exc)
        environment = cache_key.environment_fingerprint(options.backend)
        expected = Digests(cluster_task.source_digest(), cluster_task.spec_digest(spec), environment, checksum)
        return cls(
            cluster.client, spec, dataset_name, options, expected, cluster.threads, cluster.host_cpus, unavailable
        )

    def payload(self, submission: Submission) -> dict[str, Any]:
        """Plain data: the files that are graded and those the choice of the graded file looked at, as bytes."""
        files = dict.fromkeys([*submission_files(self.spec, submission), *submission.others])
        return {
            "spec": self.spec.id,
            "submission": submission.name,
            "entry": submission.entry.name,
            "files": [(path.name, path.read_bytes()) for path in files],
            "options": asdict(self.options),
            "dataset": self.dataset_name,
            "expected": asdict(self.expected),
            "host_cpus": dict(self.host_cpus),
        }

    def __call__(self, submission: Submission) -> AssignmentResult:
        if self.unavailable:
            return self._not_graded(submission, self.unavailable, {})
        future = self.client.submit(
            cluster_task.grade,
            self.payload(submission),
            key=f"grade-{self.spec.id}-{submission.name}-{uuid.uuid4().hex}",
            pure=False,
            resources={"GPU": 1} if self.options.device == "cuda" else None,
        )
        try:
            answer: Mapping[str, Any] = future.result()
        except Exception as exc:  # a lost worker, scheduler or connection: not graded, and the session retries
            future.cancel()
            return self._not_graded(submission, _failure(exc).render(self.options.lang), {})
        if "result" not in answer:
            return self._not_graded(submission, str(answer["not_graded"]), answer["worker"])
        return AssignmentResult.from_dict(answer["result"])

    def _not_graded(self, submission: Submission, reason: str, worker: Mapping[str, str]) -> AssignmentResult:
        lang = self.options.lang
        result = not_graded(self.spec.id, submission.name, reason, spec_checks(self.spec, lang), lang)
        return replace(result, provenance={"worker": dict(worker)}) if worker else result


def _failure(exc: Exception) -> Text:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return say("cluster.lost", error=str(exc))
    return say("cluster.failed", error=f"{type(exc).__name__}: {exc}")


@contextmanager
def remote_grading(
    address: str | None, spec: AssignmentSpec, dataset_name: str, options: GradeOptions, data_dir: Path | None
) -> Iterator[Remote | None]:
    """A Remote on the cluster at `address` for the session, its client closed afterwards; None grades here."""
    if address is None:
        yield None
        return
    cluster = connect(address, CONNECT_TIMEOUT_S)
    try:
        if options.device == "cuda" and not cluster.gpus:
            raise ClusterError(
                f"--device cuda needs a GPU worker, and no worker of {address} offers one: start the workers of the "
                "GPU hosts with `--resources GPU=1`"
            )
        yield Remote.build(cluster, spec, dataset_name, options, data_dir)
    finally:
        cluster.client.close()
