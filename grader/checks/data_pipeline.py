"""`data_pipeline`: `load_data()` scales pixels to [0, 1] (x / 255.0) and one-hot encodes labels (np.eye(10)[y])."""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, check, step_problem


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class DataParams:
    step: StrictStr = "load_data"
    classes: int = 10


def _pixels(name: str, found: np.ndarray, raw: np.ndarray) -> str | None:
    found = found.reshape(len(found), -1)
    raw = raw.reshape(len(raw), -1).astype(np.float64)
    if found.shape != raw.shape:
        return f"{name}: each image should hold {raw.shape[1]} pixels, found {found.shape[1]}"
    if np.allclose(found, raw / 255.0, atol=1e-6):
        return None
    if found.max() > 1.0:
        return (
            f"{name}: pixel values go up to {found.max():g}, so they are not scaled to [0, 1]. "
            "Divide by 255.0 as the course note does (section 1-1, 데이터셋 로딩)."
        )
    gap = np.abs(found - raw / 255).max()
    return f"{name}: pixels are in [0, 1] but differ from x / 255.0 (largest difference {gap:.3g})"


def _labels(name: str, found: np.ndarray, raw: np.ndarray, classes: int) -> str | None:
    expected = np.eye(classes)[raw]
    if found.shape == expected.shape and np.array_equal(found, expected):
        return None
    if found.ndim == 1 and np.array_equal(found, raw):
        return (
            f"{name}: labels are class numbers (e.g. {int(raw[0])}), not one-hot vectors. "
            f"Convert them with np.eye({classes})[y] as the course note does (section 1-1)."
        )
    if found.ndim == 2 and found.shape[1] != classes:
        return f"{name}: one-hot labels need {classes} columns, found {found.shape[1]}"
    return f"{name}: labels are not the one-hot vectors of the true classes (expected np.eye({classes})[y])"


def _sizes(facts: dict[str, object], n_train: int, n_test: int) -> list[str]:
    shapes = facts.get("shapes") if isinstance(facts.get("shapes"), dict) else {}
    problems = []
    for name, count in (("x_train", n_train), ("y_train", n_train), ("x_test", n_test), ("y_test", n_test)):
        shape = shapes.get(name)
        if not shape or shape[0] != count:
            problems.append(f"{name}: expected {count} rows (all the data load_data received), found shape {shape}")
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
        return Outcome(False, f"the grader could not read what load_data returned: {exc}")
    problems: list[str | None] = list(_sizes(step.facts, len(truth.train_raw[0]), len(truth.test_raw[0])))
    for split, raw, picks in (
        ("train", truth.train_raw, truth.train_sample),
        ("test", truth.test_raw, truth.test_sample),
    ):
        if f"x_{split}" in sample:
            problems.append(_pixels(f"x_{split}", sample[f"x_{split}"], raw[0][picks]))
        if f"y_{split}" in sample:
            problems.append(_labels(f"y_{split}", sample[f"y_{split}"], raw[1][picks], params.classes))
    found = [problem for problem in problems if problem]
    if found:
        return Outcome(False, "load_data() does not prepare the data as expected:\n- " + "\n- ".join(found))
    return Outcome(True, "Pixels are scaled to [0, 1] and labels are one-hot with 10 columns, for train and test.")
