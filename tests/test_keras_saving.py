"""Saving and loading a Keras model (04_keras_save_load) on odd submissions written inline: a file saved somewhere
else, as a folder, as HDF5 under the .keras name, bigger than the host takes, a build_model reached without the
module's globals, and `saved_whole_model` on fabricated observations."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import yaml

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext
from grader.data.datasets import Dataset
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.messages import render
from grader.results import AssignmentResult, Status
from grader.spec import load_spec, parse_spec
from grader.stages import StagedObservation

from .conftest import ROOT, Grade, reference_source, write_submission

ASSIGNMENT = "04_keras_save_load"
SAVE = "def save_model(model, path):\n    model.save(path)\n"
LOAD = "def load_model(path):\n    return tf.keras.models.load_model(path)\n"


def _failed(result: AssignmentResult) -> dict[str, str]:
    return {t.check_id: t.output for t in result.tests if t.status is Status.FAILED}


def _graded(tmp_path: Path, grade_as: Callable[[str], Grade], name: str, old: str, new: str) -> dict[str, str]:
    source = reference_source(ASSIGNMENT)
    assert old in source
    return _failed(grade_as(ASSIGNMENT)(write_submission(tmp_path, name, source.replace(old, new))))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "save", "says"),
    [
        (
            "saves_in_cwd",
            "def save_model(model, path):\n    model.save('model.keras')\n",
            "saved nothing at the path it was given (`model.keras`)",
        ),
        (
            "saves_beside",
            "def save_model(model, path):\n    model.save(path.replace('model.keras', 'mine.keras'))\n",
            "its folder holds mine.keras instead",
        ),
        (
            "saves_a_folder",
            "def save_model(model, path):\n    import os\n    os.makedirs(path)\n",
            "made a folder at `model.keras`",
        ),
    ],
)
def test_a_file_not_at_the_given_path_fails_the_save_and_stops_the_later_runs(
    tmp_path: Path, grade_as: Callable[[str], Grade], name: str, save: str, says: str
) -> None:
    failed = _graded(tmp_path, grade_as, name, SAVE, save)
    assert sorted(failed) == ["roundtrip", "runs", "saved_whole_model"]
    assert says in failed["runs"] and says in failed["saved_whole_model"]
    assert "this run was not started" in failed["roundtrip"]


@pytest.mark.slow
def test_weights_renamed_to_the_keras_name_are_told_apart(tmp_path: Path, grade_as: Callable[[str], Grade]) -> None:
    save = (
        "def save_model(model, path):\n    import os\n"
        "    model.save_weights(path + '.weights.h5')\n    os.replace(path + '.weights.h5', path)\n"
    )
    load = "def load_model(path):\n    return None\n"
    failed = _graded(tmp_path, grade_as, "renamed_weights", SAVE, save)
    assert "`model.keras` is an HDF5 file, not a .keras archive" in failed["saved_whole_model"]
    assert "`load_model` raised an error" in failed["runs"]  # keras.models.load_model refuses it too
    failed = _graded(tmp_path, grade_as, "returns_none", LOAD, load)
    assert "load_model(path) must return a keras Model; it returned NoneType" in failed["runs"]


@pytest.mark.slow
def test_build_model_reached_through_a_default_argument_is_counted(
    tmp_path: Path, grade_as: Callable[[str], Grade]
) -> None:
    """The module's build_model is replaced by a counting wrapper, but a default argument keeps the original: the
    calls of the original function are counted as well."""
    load = (
        "def load_model(path, build=build_model):\n"
        "    model = build()\n    model.load_weights(path)\n    return model\n"
    )
    failed = _graded(tmp_path, grade_as, "default_argument", LOAD, load)
    assert sorted(failed) == ["roundtrip"]
    assert "`load_model(path)` called `build_model()` (1 time(s))" in failed["roundtrip"]


@pytest.mark.slow
def test_a_file_over_the_handoff_cap_is_never_handed_on(fashion: Dataset) -> None:
    raw = yaml.safe_load((ROOT / "assignments" / ASSIGNMENT / "assignment.yaml").read_text(encoding="utf-8"))
    raw["handoff"]["max_mb"] = 0.1  # the reference's file is about 1.2 MB (weights and Adam's state)
    spec = parse_spec(raw, folder=ROOT / "assignments" / ASSIGNMENT)
    reference = Submission("reference", ROOT / "solutions" / ASSIGNMENT / "submission.py")
    result = grade_submission(spec, reference, fashion, GradeOptions(profile="smoke"))
    failed = _failed(result)
    assert sorted(failed) == ["roundtrip", "runs", "saved_whole_model"]
    assert "over the 104857 byte limit for a saved model" in failed["saved_whole_model"]
    assert result.provenance["handoff"]["handed_over"] is False


# --- saved_whole_model on fabricated observations --------------------------------------------------------------------

LAYERS = [
    {"type": "Flatten", "params": 0},
    {"type": "Dense", "params": 100480, "units": 128, "activation": "relu"},
    {"type": "Dropout", "params": 0, "rate": 0.2},
    {"type": "Dense", "params": 1290, "units": 10, "activation": "softmax"},
]


def _run(folder: Path, step: str, facts: dict[str, Any], weights: list[np.ndarray], outputs: np.ndarray) -> None:
    (folder / "steps").mkdir(parents=True)
    record = {"name": step, "status": "ok", "error": None, "seconds": 0.1, "facts": facts}
    (folder / "steps" / f"{step}.json").write_text(json.dumps(record), encoding="utf-8")
    np.savez(folder / "weights.npz", **{f"w{i}": w for i, w in enumerate(weights)})
    np.save(folder / "outputs.npy", outputs)


@pytest.mark.parametrize(
    ("change", "passed", "says"),
    [
        (None, True, "loaded `model.keras` in safe mode"),
        ("weights", False, "only 3 of the 4 weight arrays in the file are those of the trained model"),
        ("layers", False, "layer 2 (Dense): expected units=128, found 64"),
        ("outputs", False, "the model in the file computes other outputs"),
    ],
)
def test_saved_whole_model_compares_the_file_with_the_model_given_to_save(
    tmp_path: Path, change: str | None, passed: bool, says: str
) -> None:
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=shape) for shape in ((784, 128), (128,), (128, 10), (10,))]
    outputs = rng.random((20, 10))
    _run(tmp_path / "save", "save_model", {}, weights, outputs)
    layers = [dict(layer) for layer in LAYERS]
    if change == "layers":
        layers[1]["units"] = 64
    file_weights = [*weights[:3], weights[3] + 1] if change == "weights" else weights
    file_outputs = outputs + 0.5 if change == "outputs" else outputs
    _run(tmp_path / "inspect", "load_file", {"layers": layers}, file_weights, file_outputs)
    parts = {run: Observation(tmp_path / run, None) for run in ("save", "inspect")}
    spec = load_spec(ASSIGNMENT)
    job = SimpleNamespace(spec=spec, submission=SimpleNamespace(entry=Path("submission.py")))
    ctx = CheckContext(job, spec.check("saved_whole_model"), StagedObservation(parts, None))  # type: ignore[arg-type]
    definition = CHECKS["saved_whole_model"]
    outcome = definition.run(ctx, definition.parse(ctx.check.params))
    assert outcome.passed is passed
    assert says in render(outcome.message, "en")
    if not passed:
        assert "강의 노트 3절" in render(outcome.message, "ko")
