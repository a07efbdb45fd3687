"""`data_pipeline`: the student's data preparation gives exactly the course note's pixels and labels.

The sandbox reports rows picked by the seed; they are compared with the raw data the grader itself served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import ConfigDict, StrictBool, StrictInt, StrictStr
from pydantic.dataclasses import dataclass

from grader.artifacts import ArtifactError
from grader.checks.base import CheckContext, Outcome, bulleted, check, step_problem
from grader.messages import Text, say
from grader.messages.wording import Words

if TYPE_CHECKING:
    from grader.spec import Normalize


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class DataParams:
    step: StrictStr = "load_data"
    labels: Literal["onehot", "index"] = "onehot"
    classes: StrictInt = 10
    pixel_hint: Words | None = None
    """What to do about wrong pixels (default: the course note's x / 255.0)."""
    label_hint: Words | None = None
    """What to do about wrong labels (default: the course note's np.eye(10)[y])."""
    batch_size: StrictInt | None = None
    shuffle: dict[Literal["train", "test"], StrictBool] | None = None


def transform(normalize: Normalize) -> str:
    """The course note's preprocessing for this normalisation, as the student writes it."""
    if normalize.mean == 0.0 and normalize.std == 1.0:
        return "x / 255.0"
    return f"ToTensor() + Normalize(({normalize.mean:g},), ({normalize.std:g},))"


def _pixels(name: str, found: np.ndarray, raw: np.ndarray, normalize: Normalize, hint: Words | Text) -> Text | None:
    found = found.reshape(len(found), -1)
    expected = normalize.apply(raw.reshape(len(raw), -1)).astype(np.float64)
    if found.shape != expected.shape:
        return say("data_pipeline.pixel_count", name=name, expected=expected.shape[1], found=found.shape[1])
    if np.allclose(found, expected, atol=1e-5):
        return None
    values = {
        "name": name,
        "found_low": float(found.min()),
        "found_high": float(found.max()),
        "low": float(expected.min()),
        "high": float(expected.max()),
        "transform": transform(normalize),
        "hint": hint,
    }
    if abs(values["found_low"] - values["low"]) > 1e-3 or abs(values["found_high"] - values["high"]) > 1e-3:
        return say("data_pipeline.pixel_range", **values)
    return say("data_pipeline.pixel_values", **values, gap=float(np.abs(found - expected).max()))


def _labels(name: str, found: np.ndarray, raw: np.ndarray, params: DataParams) -> Text | None:
    expected = np.eye(params.classes)[raw] if params.labels == "onehot" else raw.astype(np.float64)
    if found.shape == expected.shape and np.array_equal(found, expected):
        return None
    first = _first_row(found)
    if params.labels == "index":
        hint = params.label_hint or ""
        return say("data_pipeline.index_wrong", name=name, expected=int(raw[0]), found=first, hint=hint)
    hint = params.label_hint or say("data_pipeline.label_hint")
    if found.ndim == 1 and np.array_equal(found, raw):
        return say("data_pipeline.class_numbers", name=name, example=int(raw[0]), hint=hint)
    if found.ndim == 2 and found.shape[1] != params.classes:
        return say("data_pipeline.onehot_columns", name=name, classes=params.classes, found=found.shape[1])
    return say("data_pipeline.onehot_wrong", name=name, expected=int(raw[0]), found=first, hint=hint)


def _first_row(found: np.ndarray) -> str:
    """The first label as found (`[0, 0, 1, 0, ...]` or `3`), to compare with the class it should encode."""
    row = np.asarray(found[0]).ravel()
    if found.ndim == 1:
        return f"{float(row[0]):g}"
    return "[" + ", ".join(f"{float(v):g}" for v in row[:12]) + (", ...]" if row.size > 12 else "]")


def _sizes(facts: dict[str, Any], n_train: int, n_test: int) -> list[Text]:
    shapes = facts.get("shapes") if isinstance(facts.get("shapes"), dict) else {}
    problems = []
    for name, count in (("x_train", n_train), ("y_train", n_train), ("x_test", n_test), ("y_test", n_test)):
        shape = shapes.get(name)
        if not shape or shape[0] != count:
            problems.append(say("data_pipeline.rows", name=name, count=count, shape=str(shape)))
    return problems


def _loaders(facts: dict[str, Any], params: DataParams) -> list[Text]:
    loaders = facts.get("loaders") if isinstance(facts.get("loaders"), dict) else {}
    problems = []
    for split in ("train", "test"):
        found = loaders.get(split) if isinstance(loaders.get(split), dict) else {}
        if params.batch_size is not None and found.get("batch_size") != params.batch_size:
            problems.append(
                say("data_pipeline.batch_size", split=split, expected=params.batch_size, found=found.get("batch_size"))
            )
        if params.shuffle is not None and split in params.shuffle and found.get("shuffle") != params.shuffle[split]:
            problems.append(
                say("data_pipeline.shuffle", split=split, expected=params.shuffle[split], found=found.get("shuffle"))
            )
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
        return Outcome(False, say("data_pipeline.unreadable", step=params.step, problem=str(exc)))
    problems: list[Text | None] = [*_sizes(step.facts, len(truth.train_raw[0]), len(truth.test_raw[0]))]
    problems += _loaders(step.facts, params)
    pixel_hint = params.pixel_hint or say("data_pipeline.pixel_hint")
    for split, raw, picks in (
        ("train", truth.train_raw, truth.train_sample),
        ("test", truth.test_raw, truth.test_sample),
    ):
        if f"x_{split}" in sample:
            problems.append(_pixels(f"x_{split}", sample[f"x_{split}"], raw[0][picks], ctx.spec.normalize, pixel_hint))
        if f"y_{split}" in sample:
            problems.append(_labels(f"y_{split}", sample[f"y_{split}"], raw[1][picks], params))
    found = [problem for problem in problems if problem]
    if found:
        return Outcome(False, bulleted(say("data_pipeline.failed", step=params.step), found))
    labels = (
        say("data_pipeline.onehot", classes=params.classes) if params.labels == "onehot" else say("data_pipeline.index")
    )
    return Outcome(True, say("data_pipeline.ok", labels=labels))
