"""`softmax_sums` on fabricated observations: well-formed rows pass only when they are what the model computes for the
probe images, by the grader's own forward pass of the recorded weights, else by the model's own recorded forward pass
when the weights do not fit the reference."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import yaml

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext, Outcome
from grader.messages import render
from grader.spec import SpecError, load_spec, parse_spec
from grader.verification.reference import FORWARDS, ordered, softmax

from .conftest import ROOT

PROBE = np.random.default_rng(0).integers(0, 256, size=(20, 28, 28)).astype(np.uint8)


def _weights(rng: np.random.Generator, hidden: int = 16, extra: bool = False) -> dict[str, np.ndarray]:
    """Keras-ordered Dense weights; `extra` adds a third layer, which the two-layer reference cannot take."""
    shapes = [(784, hidden), (hidden,), (hidden, 10), (10,)]
    if extra:
        shapes = [(784, hidden), (hidden,), (hidden, hidden), (hidden,), (hidden, 10), (10,)]
    return {f"w{i}": rng.normal(scale=0.3, size=shape) for i, shape in enumerate(shapes)}


def _reference(assignment: str, weights: dict[str, np.ndarray]) -> np.ndarray:
    spec = load_spec(assignment)
    return FORWARDS[spec.check("softmax_sums").params["reference"]](ordered(weights), spec.normalize.apply(PROBE))


def _dirichlet(seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.ones(10), size=20)


def _grade(
    folder: Path,
    assignment: str,
    returned: np.ndarray,
    weights: dict[str, np.ndarray] | None,
    model_output: np.ndarray | None = None,
    facts: dict[str, Any] | None = None,
) -> Outcome:
    """Write what the sandbox would have recorded, then run the assignment's `softmax_sums` on it."""
    spec = load_spec(assignment)
    params = spec.check("softmax_sums").params
    (folder / "steps").mkdir(parents=True)
    step = params.get("step", "predict_proba")
    record = {"name": step, "status": "ok", "error": None, "seconds": 0.1, "facts": facts or {}}
    (folder / "steps" / f"{step}.json").write_text(json.dumps(record), encoding="utf-8")
    np.save(folder / f"{params.get('array', 'predict_proba')}.npy", returned)
    if model_output is not None:
        np.save(folder / "forward_initial.npy", model_output)
    if weights is not None:
        np.savez(folder / "weights_initial.npz", **weights)
    job = SimpleNamespace(spec=spec, truth=SimpleNamespace(probe=PROBE))
    ctx = CheckContext(job, spec.check("softmax_sums"), Observation(folder, None))  # type: ignore[arg-type]
    definition = CHECKS["softmax_sums"]
    return definition.run(ctx, definition.parse(ctx.check.params))


def test_the_models_own_probabilities_pass(tmp_path: Path) -> None:
    weights = _weights(np.random.default_rng(2))
    own = _reference("01_tf_quickstart", weights)
    outcome = _grade(tmp_path, "01_tf_quickstart", own.astype(np.float32), weights, own)
    assert outcome.passed
    assert outcome.metrics["compared_with"] == "reference" and outcome.metrics["argmax_agree"] == 20
    assert "They are what the model computes for these images" in render(outcome.message, "en")


@pytest.mark.parametrize(
    "rows",
    [_dirichlet(), softmax(np.random.default_rng(4).normal(size=(20, 10)))],
    ids=["dirichlet", "softmax-of-random-logits"],
)
def test_random_probabilities_are_not_the_models(tmp_path: Path, rows: np.ndarray) -> None:
    weights = _weights(np.random.default_rng(3))
    outcome = _grade(tmp_path, "01_tf_quickstart", rows, weights, _reference("01_tf_quickstart", weights))
    english, korean = render(outcome.message, "en"), render(outcome.message, "ko")
    assert not outcome.passed
    agree = outcome.metrics["argmax_agree"]
    assert "the rows of predict_proba are not the model's own output for these 20 images" in english
    assert f"{agree} of 20 rows have the same most likely class (at least 19 needed)" in english
    assert "the grader's own forward pass of the model's weights" in english
    assert "Return exactly what the model computes for x" in english and "모델 확률 출력" in english
    assert "model.eval()" not in english  # Keras: no mode was observed
    assert "모델 자체의 출력이 아닙니다" in korean and f"{agree}개" in korean
    assert "manual_review" not in outcome.metrics


def test_a_close_argmax_is_not_enough(tmp_path: Path) -> None:
    """Every most likely class right, but the probabilities off by more than the tolerance: not the model's rows."""
    weights = _weights(np.random.default_rng(5))
    own = _reference("01_tf_quickstart", weights)
    blurred = 0.9 * own + 0.01
    outcome = _grade(tmp_path, "01_tf_quickstart", blurred, weights, own)
    assert not outcome.passed
    assert outcome.metrics["argmax_agree"] == 20 and outcome.metrics["max_difference"] > 1e-4


def test_dropout_left_on_in_predict_proba_says_to_call_eval(tmp_path: Path) -> None:
    weights = {f"w{i}": w.T for i, w in enumerate(_weights(np.random.default_rng(6)).values())}  # torch layout
    modes = {"calls": 1, "train_mode": 1, "grad_enabled": 0}
    outcome = _grade(
        tmp_path, "02_torch_loop", _dirichlet(), weights, _reference("02_torch_loop", weights), {"modes": modes}
    )
    assert not outcome.passed
    assert "predict_proba ran the model in train mode, so dropout was on: call model.eval() first" in render(
        outcome.message, "en"
    )
    assert "먼저 model.eval()을 호출하세요" in render(outcome.message, "ko")


def test_weights_that_do_not_fit_the_reference_earn_nothing_and_say_why(tmp_path: Path) -> None:
    """A student's extra layer: the reference cannot run the weights, so the grader cannot compare anything. Rows
    that agree with the model's own recorded forward pass prove nothing: the student's process recorded both."""
    weights = _weights(np.random.default_rng(7), extra=True)
    model_output = _dirichlet(8)
    outcome = _grade(tmp_path, "01_tf_quickstart", model_output, weights, model_output)
    assert not outcome.passed and outcome.metrics["compared_with"] == "none"
    shown = render(outcome.message, "en")
    assert "could not check that the rows of predict_proba are the model's own output" in shown
    assert "expected 4 weight arrays" in shown
    assert "확인하지 못했습니다" in render(outcome.message, "ko")


def test_a_model_that_departs_from_the_reference_cannot_vouch_for_its_own_rows(tmp_path: Path) -> None:
    """Rows equal to the model's recorded forward pass but not to the grader's own pass of its weights: only the
    grader's computation counts (01's forward_mismatch example loses this check with `architecture`)."""
    weights = _weights(np.random.default_rng(10))
    model_output = 0.5 * _reference("01_tf_quickstart", weights) + 0.05
    outcome = _grade(tmp_path, "01_tf_quickstart", model_output, weights, model_output)
    assert not outcome.passed and outcome.metrics["compared_with"] == "reference"


def test_the_lightning_model_whose_weights_do_not_fit_earns_nothing(tmp_path: Path) -> None:
    """03 checks the model's forward pass itself: weights that do not fit the reference leave nothing to compare."""
    weights = {f"w{i}": w.T for i, w in enumerate(_weights(np.random.default_rng(11), extra=True).values())}
    outcome = _grade(tmp_path, "03_lightning_module", _dirichlet(), weights)
    assert not outcome.passed and outcome.metrics["compared_with"] == "none"


def test_the_lightning_forward_pass_is_compared_with_the_reference(tmp_path: Path) -> None:
    weights = {f"w{i}": w.T for i, w in enumerate(_weights(np.random.default_rng(12)).values())}
    outcome = _grade(tmp_path, "03_lightning_module", _dirichlet(), weights)
    assert not outcome.passed
    assert "the rows of the model's output are not the model's own output" in render(outcome.message, "en")


def test_missing_weights_ask_for_a_manual_review(tmp_path: Path) -> None:
    """Every probe records the weights before it asks for probabilities: without them the records were changed."""
    outcome = _grade(tmp_path, "01_tf_quickstart", _dirichlet(), None, _dirichlet())
    assert not outcome.passed
    assert outcome.metrics["manual_review"] == 1
    assert "weights_initial.npz: missing" in render(outcome.message, "en")
    assert "needs a manual review" in render(outcome.message, "en")


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"reference": "resnet"}, "unknown reference model 'resnet'"),
        ({"reference": "keras_mlp", "min_agree": 21}, "min_agree: at most the 20 probe images, found 21"),
        ({}, "reference"),
    ],
)
def test_the_reference_is_required_and_known(params: dict[str, Any], problem: str) -> None:
    raw = yaml.safe_load((ROOT / "assignments" / "01_tf_quickstart" / "assignment.yaml").read_text(encoding="utf-8"))
    next(c for c in raw["checks"] if c["id"] == "softmax_sums")["params"] = params
    with pytest.raises(SpecError) as caught:
        parse_spec(raw)
    assert any(problem in p for p in caught.value.problems), caught.value.problems
