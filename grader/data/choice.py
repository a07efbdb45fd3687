"""Which dataset a command grades on when none is named: the spec's own when it is installed, else the first of the
spec's datasets that is, so a command pasted on a machine that has only Fashion-MNIST grades instead of failing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.data import datasets
from grader.messages import Text, say
from grader.spec import AssignmentSpec


class DatasetChoiceError(Exception):
    """A dataset the assignment is not graded on."""


@dataclass(frozen=True)
class DatasetChoice:
    name: str
    note: Text | None = None
    """Said once, at the top of the output, when the spec's default was not installed and another is used."""


def choose_dataset(spec: AssignmentSpec, requested: str | None, data_dir: Path | None = None) -> DatasetChoice:
    if requested:
        if requested not in spec.datasets:
            raise DatasetChoiceError(f"{spec.id} is graded on {', '.join(spec.datasets)}, not {requested}")
        return DatasetChoice(requested)
    if datasets.locate(spec.default_dataset, data_dir) is not None:
        return DatasetChoice(spec.default_dataset)
    installed = [name for name in spec.datasets if datasets.locate(name, data_dir) is not None]
    if not installed:
        return DatasetChoice(spec.default_dataset)  # loading it gives the error that names the fix
    return DatasetChoice(installed[0], say("dataset.fallback", default=spec.default_dataset, chosen=installed[0]))
