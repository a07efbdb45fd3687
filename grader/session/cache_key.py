"""The cache key: everything, besides the submission itself, that decides a grade, digested one way for a local
session and for every Dask worker alike (`grader.cluster.task` compares its own with the coordinator's).

A result whose `provenance.cache_key` equals the current key (and whose signature holds) is not graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from grader import course_key, images
from grader.data import datasets
from grader.grading import GradeOptions
from grader.job import Submission, submission_files
from grader.runners import RUNNERS
from grader.spec import SPEC_FILE, TERM_KEYS, AssignmentSpec


def digest(parts: Sequence[str | bytes]) -> str:
    """SHA-256 of the parts, each ended by a NUL so that ("ab", "c") and ("a", "bc") differ."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part if isinstance(part, bytes) else part.encode())
        hashed.update(b"\0")
    return hashed.hexdigest()


def dataset_fingerprint(name: str, data_dir: Path | None) -> str:
    """Which files the dataset would be read from, by path, size and modification time: cheap enough for a rerun to
    check without reading 50 MB, and any change to the data changes it. Results still record the content checksum."""
    folder = datasets.locate(name, data_dir)
    if folder is None:
        return f"{name}:missing"
    stats = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir()) if p.is_file()]
    return digest([name, str(folder.resolve()), *stats])


def environment_fingerprint(backend: str) -> str:
    """What runs the code, as the backend's runner identifies it: the image's ID, or the Python and framework
    versions. The same on every machine that would grade alike, so Dask workers compare it with the coordinator's."""
    return RUNNERS[backend]().environment_identity()


def spec_digest(spec: AssignmentSpec) -> str:
    """The spec file's content, less the keys that set the course's policy (a due date): changing those re-applies
    the policy to every result without regrading anyone."""
    spec_file = spec.folder / SPEC_FILE if spec.folder else None
    if not (spec_file and spec_file.is_file()):
        return digest([repr(replace(spec, due=None))])
    raw = yaml.safe_load(spec_file.read_bytes())
    graded = {key: value for key, value in raw.items() if key not in TERM_KEYS} if isinstance(raw, dict) else raw
    return digest([json.dumps(graded, sort_keys=True, default=str)])


@dataclass(frozen=True)
class SessionKey:
    """Everything, except the submission itself, that decides a grade."""

    spec_sha256: str
    dataset: str
    environment: str
    grader_source: str
    options: str

    @classmethod
    def build(cls, spec: AssignmentSpec, dataset_name: str, options: GradeOptions, data_dir: Path | None) -> SessionKey:
        chosen = {
            "profile": options.profile,
            "seed": spec.seed if options.seed is None else options.seed,
            "device": options.device,
            "time_limit_s": options.time_limit_s,
            "backend": options.backend,
            "lang": options.lang,
            "split_key": course_key.key_id(options.split_key or course_key.split_key()),
        }
        return cls(
            spec_sha256=spec_digest(spec),
            dataset=dataset_fingerprint(dataset_name, data_dir),
            environment=environment_fingerprint(options.backend),
            grader_source=images.source_sha256(),
            options=json.dumps(chosen, sort_keys=True),
        )

    def for_submission(self, spec: AssignmentSpec, submission: Submission) -> str:
        files = [os.fsencode(p.name) + b"\0" + p.read_bytes() for p in submission_files(spec, submission)]
        return digest([self.spec_sha256, self.dataset, self.environment, self.grader_source, self.options, *files])
