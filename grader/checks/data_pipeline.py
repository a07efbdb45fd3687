"""`data_pipeline`: the student's data preparation gives exactly the course note's pixels and labels.

The sandbox reports rows picked by the seed; they are compared with the raw data the grader itself served.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, StrictBool, StrictInt, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem
from grader.spec import Normalize


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class DataParams:
    step: StrictStr = "load_data"
    labels: Literal["onehot", "index"] = "onehot"
    classes: StrictInt = 10
    pixel_hint: StrictStr = "Divide by 255.0 as the course note does (section 1-1, 데이터셋 로딩)."
    label_hint: StrictStr = "Convert them with np.eye(10)[y] as the course note does (section 1-1)."
    batch_size: StrictInt | None = None
    shuffle: dict[Literal["train", "test"], StrictBool] | None = None


def _pixels(name: str, found: np.ndarray, raw: np.ndarray, normalize: Normalize, hint: str) -> str | None:
    found = found.reshape(len(found), -1)
    expected = normalize.apply(raw.reshape(len(raw), -1)).astype(np.float64)
    if found.shape != expected.shape:
        return f"{name}: each image should hold {expected.shape[1]} pixels, found {found.shape[1]}"
    if np.allclose(found, expected, atol=1e-5):
        return None
    low, high = float(expected.min()), float(expected.max())
    if found.max() > high + 1e-3 or found.min() < low - 1e-3:
        return (
            f"{name}: pixel values range from {found.min():g} to {found.max():g}; expected {low:g} to {high:g}. " + hint
        )
    gap = np.abs(found - expected).max()
    return f"{name}: pixels differ from the expected preprocessing by up to {gap:.3g}. {hint}"


def _labels(name: str, found: np.ndarray, raw: np.ndarray, params: DataParams) -> str | None:
    expected = np.eye(params.classes)[raw] if params.labels == "onehot" else raw.astype(np.float64)
    if found.shape == expected.shape and np.array_equal(found, expected):
        return None
    if params.labels == "onehot":
        if found.ndim == 1 and np.array_equal(found, raw):
            return f"{name}: labels are class numbers (e.g. {int(raw[0])}), not one-hot vectors. {params.label_hint}"
        if found.ndim == 2 and found.shape[1] != params.classes:
            return f"{name}: one-hot labels need {params.classes} columns, found {found.shape[1]}"
        return f"{name}: labels are not the one-hot vectors of the true classes. {params.label_hint}"
    return f"{name}: labels should be the class numbers of the images. {params.label_hint}"


def _sizes(facts: dict[str, Any], n_train: int, n_test: int) -> list[str]:
    shapes = facts.get("shapes") if isinstance(facts.get("shapes"), dict) else {}
    problems = []
    for name, count in (("x_train", n_train), ("y_train", n_train), ("x_test", n_test), ("y_test", n_test)):
        shape = shapes.get(name)
        if not shape or shape[0] != count:
            problems.append(f"{name}: expected {count} rows (all the data the grader served), found shape {shape}")
    return problems


def _loaders(facts: dict[str, Any], params: DataParams) -> list[str]:
    loaders = facts.get("loaders") if isinstance(facts.get("loaders"), dict) else {}
    problems = []
    for split in ("train", "test"):
        found = loaders.get(split) if isinstance(loaders.get(split), dict) else {}
        if params.batch_size is not None and found.get("batch_size") != params.batch_size:
            problems.append(f"{split} loader: expected batch_size={params.batch_size}, found {found.get('batch_size')}")
        if params.shuffle is not None and split in params.shuffle and found.get("shuffle") != params.shuffle[split]:
            problems.append(f"{split} loader: expected shuffle={params.shuffle[split]}, found {found.get('shuffle')}")
    return problems


@check("data_pipeline", DataParams)
def data_pipeline(ctx: CheckContext, params: DataParams) -> Outcome:
    step = ctx.obs.step(params.step)
    if not step.ok:
        return Outcome(False, step_problem(step, f"`{params.step}()`"))
    truth = ctx.job.truth
    try:
        sample = ctx.obs.arrays("data_sample")
    except ArtifactError as exc:
        return Outcome(False, f"the grader could not read the data {params.step} prepared: {exc}")
    problems: list[str | None] = [*_sizes(step.facts, len(truth.train_raw[0]), len(truth.test_raw[0]))]
    problems += _loaders(step.facts, params)
    for split, raw, picks in (
        ("train", truth.train_raw, truth.train_sample),
        ("test", truth.test_raw, truth.test_sample),
    ):
        if f"x_{split}" in sample:
            problems.append(
                _pixels(f"x_{split}", sample[f"x_{split}"], raw[0][picks], ctx.spec.normalize, params.pixel_hint)
            )
        if f"y_{split}" in sample:
            problems.append(_labels(f"y_{split}", sample[f"y_{split}"], raw[1][picks], params))
    found = [problem for problem in problems if problem]
    if found:
        return Outcome(False, f"{params.step}() does not prepare the data as expected:\n- " + "\n- ".join(found))
    labels = "one-hot with 10 columns" if params.labels == "onehot" else "class numbers"
    return Outcome(True, f"Pixels are preprocessed as in the course note and labels are {labels}, for train and test.")
