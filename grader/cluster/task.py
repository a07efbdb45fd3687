"""What a Dask worker runs for one submission (`grader.cluster.coordinator` submits it): rebuild the submission from the
bytes it was sent, refuse when this machine would not grade it as the coordinator's would, else grade it here, on this
machine's own copy of the dataset (the held-out images never travel).

Both directions carry plain data only (dicts, strings, bytes, numbers), never pickled objects of ours: a worker and a
coordinator share nothing but this module's function names. The answer is `{"worker": {host, address}, "result":
AssignmentResult.to_dict()}`, or `{"worker": ..., "not_graded": reason}`; the coordinator words a refusal with its
own spec, since a refusing worker's spec may be the thing that differs. A submission gets its host's share of CPUs
(`host_cpus`, worked out by the coordinator, which knows how many worker threads share each host).
"""

from __future__ import annotations

import functools
import os
import socket
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from grader import images
from grader.data import datasets
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.messages import Text, say
from grader.session import cache_key, host_threads
from grader.spec import AssignmentSpec, SpecError, load_spec
from grader.submissions import Accepted, find_submission

Answer = dict[str, Any]
MISSING = "missing"
SHOWN_DIGEST = 12

_WHAT = {
    "grader_source": say("cluster.what.grader_source"),
    "spec": say("cluster.what.spec"),
    "environment": say("cluster.what.environment"),
    "dataset": say("cluster.what.dataset"),
}


@dataclass(frozen=True)
class Digests:
    """What must be the same on every machine that grades a class: the grader's source, the assignment's spec, the
    environment student code runs in, and the dataset's content."""

    grader_source: str
    spec: str
    environment: str
    dataset: str

    def differences(self, expected: Mapping[str, str]) -> list[Text]:
        """Each digest of this machine that is not the coordinator's, worded for the result."""
        return [
            say("cluster.difference", what=_WHAT[f.name], found=_shown(found), expected=_shown(expected.get(f.name)))
            for f in fields(self)
            if (found := getattr(self, f.name)) != expected.get(f.name)
        ]


def _shown(digest: str | None) -> str:
    """A SHA-256 shortened as git does; anything else (versions, an image ID, `missing`) in full."""
    if digest is None:
        return MISSING
    is_sha256 = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    return digest[:SHOWN_DIGEST] if is_sha256 else digest


@functools.lru_cache(maxsize=1)
def source_digest() -> str:
    """The grader source this process runs, read once: a checkout updated under a running worker does not change the
    code it has loaded."""
    return images.source_sha256()


def spec_digest(spec: AssignmentSpec | None) -> str:
    """The spec as the cache key digests it (`grader.session.cache_key`), or `missing`."""
    return cache_key.spec_digest(spec) if spec is not None and spec.folder is not None else MISSING


@functools.lru_cache(maxsize=2)
def installed_dataset(name: str) -> datasets.Dataset:
    """This machine's copy (`$GRADER_DATA_DIR`, `~/.cache/grader`, or the system's), loaded once per worker."""
    return datasets.load(name)


def host_cpus() -> tuple[str, int]:
    """This worker's host and its CPU count: the coordinator splits each host's CPUs between its worker threads."""
    return socket.gethostname(), os.cpu_count() or 1


def _worker() -> dict[str, str]:
    from distributed import get_worker

    try:
        address = get_worker().address
    except ValueError:  # called outside a Dask worker
        address = ""
    return {"host": socket.gethostname(), "address": address}


def _unpack(payload: Mapping[str, Any], spec: AssignmentSpec, folder: Path) -> Submission:
    """The submission as the coordinator saw it, found again by the spec's rules among the same files."""
    for name, data in payload["files"]:
        (folder / Path(name).name).write_bytes(data)
    entry = folder / Path(payload["entry"]).name
    found = find_submission(folder if entry.name in spec.entries else entry, Accepted.of(spec))
    if not isinstance(found, Submission):  # regular files written just now: never a link
        raise RuntimeError(f"the submission's files could not be laid out again: {found.reason.render()}")
    return replace(found, name=payload["submission"])


def grade(payload: Mapping[str, Any]) -> Answer:
    """Grade one submission on this worker, or say why this machine must not. The worker's own BLAS pools are held at
    one thread, as a local session holds its own (`host_threads`): a worker started with several threads scores
    several submissions at once."""
    host_threads.hold()
    worker = _worker()
    options, lang = payload["options"], payload["options"]["lang"]
    try:
        spec: AssignmentSpec | None = load_spec(payload["spec"])
    except SpecError:
        spec = None
    try:
        dataset = installed_dataset(payload["dataset"])
    except datasets.DatasetError as exc:
        unusable = say("cluster.unusable", host=worker["host"], error=str(exc))
        return {"worker": worker, "not_graded": unusable.render(lang)}
    here = Digests(
        source_digest(), spec_digest(spec), cache_key.environment_fingerprint(options["backend"]), dataset.checksum
    )
    differences = here.differences(payload["expected"])
    if spec is None or differences:
        listed = "; ".join(difference.render(lang) for difference in differences)
        return {
            "worker": worker,
            "not_graded": say("cluster.refused", host=worker["host"], differences=listed).render(lang),
        }
    grade_options = GradeOptions(**{**options, "cpus": options["cpus"] or payload["host_cpus"].get(worker["host"])})
    with tempfile.TemporaryDirectory(prefix="grader-cluster-") as tmp:
        submission = _unpack(payload, spec, Path(tmp))
        result = grade_submission(spec, submission, dataset, grade_options)
    where = say("cluster.graded_on", host=worker["host"], address=worker["address"]).render(lang)
    result = replace(result, output=f"{result.output}\n{where}", provenance={**result.provenance, "worker": worker})
    return {"worker": worker, "result": result.to_dict()}
