"""Section 3 in PyTorch (05_torch_save_load): the saving, inspecting and loading runs on submissions written inline,
and `state_dict_file` on observations written by hand (this process never imports torch)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext, Outcome
from grader.messages import render
from grader.results import Status
from grader.spec import load_spec
from grader.stages import StagedObservation

from .conftest import ROOT, Grade, reference_source, write_submission

ASSIGNMENT = "05_torch_save_load"
SAVE = "    torch.save(model.state_dict(), path)\n"
LOAD = "    model = MLP()\n    model.load_state_dict(torch.load(path))\n"


def _failed(result: Any) -> dict[str, str]:
    return {t.check_id: t.output for t in result.tests if t.status is Status.FAILED}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "replace", "says"),
    [
        (  # torch.load's default (weights_only=True) refuses the pickle in the student's own load too
            "whole_model_default_load",
            [(SAVE, "    torch.save(model, path)\n"), (LOAD, "    model = torch.load(path)\n")],
            {"runs": "Unsupported global: GLOBAL submission.MLP", "state_dict_file": "pickled whole model",
             "roundtrip": "raised an error"},
        ),
        (
            "fresh_model",
            [(SAVE, "    torch.save(MLP().state_dict(), path)\n")],
            {"state_dict_file": "4 of the 4 do not hold the values", "roundtrip": "does not give the saved model's"},
        ),
        (
            "wrong_path",
            [(SAVE, '    torch.save(model.state_dict(), "weights.pt")\n')],
            {"runs": "no file is at the path it was given", "state_dict_file": "no file `model.pt` was saved",
             "roundtrip": "this run was not started"},
        ),
        (
            "text_file",
            [(SAVE, '    open(path, "w").write("weights")\n')],
            {"state_dict_file": "not one torch.save writes (UnpicklingError: Unsupported operand"},
        ),
        (
            "returns_state_dict",
            [("    model.eval()\n    return model\n", "    return model.state_dict()\n")],
            {"runs": "must return the loaded model, a torch.nn.Module; it returned OrderedDict"},
        ),
    ],
)  # fmt: skip
def test_what_a_flawed_save_or_load_loses(
    tmp_path: Path, grade_as: Callable[[str], Grade], name: str, replace: list[tuple[str, str]], says: dict[str, str]
) -> None:
    source = reference_source(ASSIGNMENT)
    for old, new in replace:
        assert old in source
        source = source.replace(old, new)
    failed = _failed(grade_as(ASSIGNMENT)(write_submission(tmp_path, name, source)))
    for check_id, phrase in says.items():
        assert phrase in failed[check_id], failed[check_id]


@pytest.mark.slow
def test_the_reference_notebook_earns_full_marks(grade_as: Callable[[str], Grade]) -> None:
    result = grade_as(ASSIGNMENT)(ROOT / "solutions" / ASSIGNMENT / "submission.ipynb", "notebook")
    assert _failed(result) == {}
    assert result.score == 10


# --- state_dict_file on hand-written observations --------------------------------------------------------------------

NAMES = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
SHAPES = [(128, 784), (128,), (10, 128), (10,)]


def _run_folder(root: Path, run: str, steps: dict[str, tuple[str, dict[str, Any]]], weights: list[np.ndarray]) -> None:
    folder = root / run
    (folder / "steps").mkdir(parents=True)
    for step, (status, facts) in steps.items():
        record = {"name": step, "status": status, "error": None, "seconds": 0.1, "facts": facts}
        (folder / "steps" / f"{step}.json").write_text(json.dumps(record), encoding="utf-8")
    np.savez(folder / "weights.npz", **{f"w{i}": array for i, array in enumerate(weights)})


def _outcome(
    tmp_path: Path, names: list[str], changed: dict[int, np.ndarray] | None = None, container: str | None = None
) -> Outcome:
    """`state_dict_file` on a save run that recorded the MLP's state_dict and an inspect run that found `names`, with
    the saved values but for `changed` (by position)."""
    rng = np.random.default_rng(0)
    saved = [rng.normal(size=shape) for shape in SHAPES]
    found = [(changed or {}).get(i, array) for i, array in enumerate(saved)]
    _run_folder(tmp_path, "save", {"MLP": ("ok", {"names": NAMES})}, saved)
    _run_folder(tmp_path, "inspect", {"state_dict": ("ok", {"names": names, "container": container})}, found)
    parts = {run: Observation(tmp_path / run, None) for run in ("save", "inspect")}
    spec = load_spec(ASSIGNMENT)
    job = SimpleNamespace(spec=spec, submission=SimpleNamespace(entry=Path("submission.py")))
    ctx = CheckContext(job, spec.check("state_dict_file"), StagedObservation(parts, None))  # type: ignore[arg-type]
    definition = CHECKS["state_dict_file"]
    return definition.run(ctx, definition.parse(ctx.check.params))


def test_the_saved_tensors_under_a_checkpoint_key_pass(tmp_path: Path) -> None:
    outcome = _outcome(tmp_path, NAMES, container="model_state_dict")
    assert outcome.passed
    assert "under the key `model_state_dict`" in render(outcome.message)


def test_other_names_fail_and_cite_the_note(tmp_path: Path) -> None:
    """A model wrapped before saving (`module.fc1.weight`) is not the MLP's state_dict."""
    outcome = _outcome(tmp_path, [f"module.{name}" for name in NAMES])
    text = render(outcome.message)
    assert not outcome.passed
    assert "expected the tensors `fc1.weight`, `fc1.bias`" in text and "found `module.fc1.weight`" in text
    assert "Course note, section 3" in text


def test_a_wrong_shape_is_named(tmp_path: Path) -> None:
    outcome = _outcome(tmp_path, NAMES, {2: np.zeros((10, 64))})
    assert not outcome.passed
    assert "`fc2.weight`: expected [10, 128], found [10, 64]" in render(outcome.message)
    assert "기대한 형태는 [10, 128]" in render(outcome.message, "ko")


def test_other_values_fail(tmp_path: Path) -> None:
    outcome = _outcome(tmp_path, NAMES, {1: np.zeros(128)})
    assert not outcome.passed
    assert "1 of the 4 do not hold the values" in render(outcome.message)
    assert outcome.metrics == {"tensors": 4, "tensors_differ": 1}
