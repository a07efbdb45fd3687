"""Host side of a job: picks the data splits, lays out the job folder the sandbox reads, keeps the held-out truth.

The held-out images are never written into the job folder, so student code cannot read them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from grader import course_key
from grader.data.datasets import Dataset, write_idx
from grader.frameworks import FRAMEWORKS
from grader.messages import Text
from grader.names import display_name, is_utf8
from grader.notebooks.convert import NOTEBOOK_SUFFIX, write_module
from grader.sandbox.layout import PROBE_ROWS, TORCHVISION, artifacts_dir, work_dir
from grader.spec import AssignmentSpec, Profile
from grader.verification import experiment

SAMPLE_ROWS = 64
TORCHVISION_FOLDERS = ("MNIST", "FashionMNIST")


@dataclass(frozen=True)
class Submission:
    """A student's work: `name` is the results folder's name (unique in a class, safe as a path), `label` the student
    as people know them (Unicode kept: 김철수); `entry` is the file the student edits."""

    name: str
    entry: Path
    others: tuple[Path, ...] = ()
    """Other accepted files in the same folder, not graded (a submission.py beside the graded submission.ipynb)."""
    skeletons: tuple[Path, ...] = ()
    """Those of `others` that are the assignment's unchanged skeleton."""
    label: str = ""
    """The student's name as shown in every output; empty: the same as `name`."""
    submitted_at: datetime | None = None
    """When it was handed in, where the layout says (a Gradescope export, a Classroom clone's last commit)."""

    @property
    def shown(self) -> str:
        return self.label or self.name

    @property
    def folder(self) -> Path:
        return self.entry.parent


@dataclass(frozen=True)
class Truth:
    """What only the host knows: the raw arrays behind every sample the sandbox reports on, and the held-out set."""

    train_raw: tuple[np.ndarray, np.ndarray]
    test_raw: tuple[np.ndarray, np.ndarray]
    train_sample: np.ndarray
    test_sample: np.ndarray
    probe: np.ndarray
    heldout: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Job:
    spec: AssignmentSpec
    submission: Submission
    dataset: Dataset
    profile_name: str
    seed: int
    root: Path
    truth: Truth
    device: str = "cpu"
    time_limit_override: float | None = None
    threads: int = 1
    """Framework threads (the spec's `limits.threads`): fixed, so results do not depend on the machine or --jobs."""
    cpus: float | None = None
    """The CPU share a container may use: a parallel session's split of the machine (None: the runner's default)."""
    gpu: str | None = None
    """The one GPU this job may see (`--device cuda`; None: whatever the host shows)."""
    notes: tuple[Text, ...] = ()
    """What the student should know about how their file became the graded module (a notebook's unused cells)."""
    student_code: bool = True
    """Whether this run imports the submission; a run that only inspects a saved file gets no submission at all."""
    split_id: str = ""
    """Which split key drew the held-out images (`course_key.key_id`), for provenance: the key itself stays here."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """What the sandbox reads from job.json, held here: each run's job.json is written afresh from it, never read
    back from a folder a run could write."""

    @property
    def profile(self) -> Profile:
        return self.spec.profiles[self.profile_name]  # type: ignore[index]

    @property
    def time_limit_s(self) -> float:
        return self.time_limit_override or self.profile.time_limit_s

    @property
    def artifacts(self) -> Path:
        return artifacts_dir(self.root)

    @property
    def workdir(self) -> Path:
        return work_dir(self.root)


def split(dataset: Dataset, spec: AssignmentSpec, profile: Profile, seed: int, key: str) -> Truth:
    """Deterministic splits: held-out test images, the visible test part, a training subset. Which test images are
    held out is drawn with the host's split key (`grader.course_key`) as well as the seed: the seed is public, the key
    never enters the sandbox, so no student code can work out which ones they are. The training subset and the
    sampled rows come from the seed alone, as the sandbox's own data does."""
    draw = course_key.keyed_seed(key, spec.id, seed, dataset.checksum)
    test_order = np.random.default_rng(draw).permutation(len(dataset.x_test))
    heldout_idx = np.sort(test_order[: spec.heldout_size])
    visible_idx = np.sort(test_order[spec.heldout_size :][: profile.visible_test_size])
    rng = np.random.default_rng(seed)
    train_idx = np.arange(len(dataset.x_train))
    if profile.train_size is not None and profile.train_size < len(train_idx):
        train_idx = np.sort(rng.permutation(len(train_idx))[: profile.train_size])
    train = (dataset.x_train[train_idx], dataset.y_train[train_idx])
    test = (dataset.x_test[visible_idx], dataset.y_test[visible_idx])
    return Truth(
        train_raw=train,
        test_raw=test,
        train_sample=np.sort(rng.choice(len(train[0]), size=min(SAMPLE_ROWS, len(train[0])), replace=False)),
        test_sample=np.sort(rng.choice(len(test[0]), size=min(SAMPLE_ROWS, len(test[0])), replace=False)),
        probe=test[0][:PROBE_ROWS],
        heldout=(dataset.x_test[heldout_idx], dataset.y_test[heldout_idx]),
    )


def serve_torchvision(folder: Path, truth: Truth) -> None:
    """Raw IDX files where `torchvision.datasets.MNIST(root, download=True)` finds them, so it never downloads.

    Whichever of MNIST or FashionMNIST the student asks for, they get the dataset the grader was told to use.
    """
    files = {
        "train-images-idx3-ubyte": truth.train_raw[0],
        "train-labels-idx1-ubyte": truth.train_raw[1],
        "t10k-images-idx3-ubyte": truth.test_raw[0],
        "t10k-labels-idx1-ubyte": truth.test_raw[1],
    }
    first = folder / TORCHVISION_FOLDERS[0] / "raw"
    first.mkdir(parents=True, exist_ok=True)
    for name, array in files.items():
        write_idx(first / name, np.ascontiguousarray(array), compress=False)
    for other in TORCHVISION_FOLDERS[1:]:
        (folder / other).mkdir(parents=True, exist_ok=True)
        shutil.copytree(first, folder / other / "raw", copy_function=os.link)


def prepare(
    spec: AssignmentSpec,
    submission: Submission,
    dataset: Dataset,
    profile_name: str,
    seed: int,
    root: Path,
    device: str = "cpu",
    time_limit_s: float | None = None,
    cpus: float | None = None,
    gpu: str | None = None,
    lang: str = "en",
    split_key: str | None = None,
) -> Job:
    """Lay out `root`: job.json, data/ (train, visible test, probe), torchvision/ (its IDX files), submission/ (a
    copy), work/, artifacts/."""
    profile = spec.profiles[profile_name]  # type: ignore[index]
    key = split_key or course_key.split_key()
    truth = split(dataset, spec, profile, seed, key)
    for folder in (root / "data", root / "submission", work_dir(root), artifacts_dir(root)):
        folder.mkdir(parents=True, exist_ok=True)
    np.savez(root / "data" / "train.npz", x=truth.train_raw[0], y=truth.train_raw[1])
    np.savez(root / "data" / "test.npz", x=truth.test_raw[0], y=truth.test_raw[1])
    np.save(root / "data" / "probe.npy", truth.probe)
    if FRAMEWORKS[spec.framework].torchvision_data:
        serve_torchvision(root / TORCHVISION, truth)
    module = module_name(spec)
    fields: dict[str, object] = {}
    notes: tuple[Text, ...] = ()
    for path in submission_files(spec, submission):
        target = root / "submission" / (module if path == submission.entry else path.name)
        if path == submission.entry and path.suffix == NOTEBOOK_SUFFIX:
            prepared = write_module(path, target, lang)
            fields, notes = prepared.fields, prepared.notes
        else:
            shutil.copyfile(path, target)
    job = {
        **fields,
        "probe": spec.stages[0].probe,
        "stage": spec.stages[0].name,
        "submission": f"submission/{module}",
        "shown_as": display_name(submission.entry.name),
        "seed": seed,
        "epochs": profile.epochs,
        "dataset": dataset.name,
        "train_sample": truth.train_sample.tolist(),
        "test_sample": truth.test_sample.tolist(),
        "device": device,
        "normalize": {"mean": spec.normalize.mean, "std": spec.normalize.std},
        "experiment": experiment.plan(key, spec.id, seed, len(truth.train_raw[0])).to_json(),
    }
    (root / "job.json").write_text(json.dumps(job, indent=2), encoding="utf-8")
    return Job(
        spec,
        submission,
        dataset,
        profile_name,
        seed,
        root,
        truth,
        device,
        time_limit_s,
        threads=spec.limits.threads,
        cpus=cpus,
        gpu=gpu,
        notes=notes,
        split_id=course_key.key_id(key),
        settings=job,
    )


def module_name(spec: AssignmentSpec) -> str:
    """The file the sandbox imports: the spec's first `.py` name, whatever the student's file was called."""
    return next((name for name in spec.entries if name.endswith(".py")), f"{Path(spec.entry).stem}.py")


def _helpers(spec: AssignmentSpec, submission: Submission) -> list[Path]:
    """Plain .py files beside the entry when it is one of the spec's entry names (a folder submission); the other
    entry files are not helpers. Symlinks stay behind: they could point anywhere on the host."""
    folder = sorted(submission.folder.iterdir()) if submission.entry.name in spec.entries else []
    return [
        p for p in folder if p.is_file() and not p.is_symlink() and p.suffix == ".py" and p.name not in spec.entries
    ]


def unusable_helpers(spec: AssignmentSpec, submission: Submission) -> list[Path]:
    """Helpers whose names are not UTF-8 (a zip made on Windows, unpacked on Linux): no `import` can name them."""
    return [path for path in _helpers(spec, submission) if not is_utf8(path.name)]


def submission_files(spec: AssignmentSpec, submission: Submission) -> list[Path]:
    """What travels into the sandbox: the entry file, plus its usable helpers (`_helpers`)."""
    return [*(path for path in _helpers(spec, submission) if is_utf8(path.name)), submission.entry]
