"""The message catalogue: every message in English and Korean with the same placeholders, every id the code says
exists, sandbox errors carried as ids, graded results in the language asked for, and the wording students reported."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import yaml

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext, Outcome
from grader.messages import CATALOGUE, placeholders, render, say
from grader.results import Status
from grader.sandbox.recorder import Recorder, StepFailed
from grader.spec import SpecError, load_spec, parse_spec

from .conftest import ROOT, Grade

HANGUL = re.compile(r"[가-힣]")
SANDBOX_CALLS = {"StepFailed": 0, "skip": 1}  # the message id's position among each call's arguments


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted((ROOT / "grader").rglob("*.py"))]


def _calls(tree: ast.Module, names: set[str]) -> list[ast.Call]:
    def name(call: ast.Call) -> str | None:
        func = call.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None

    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and name(node) in names]


# --- the catalogue ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("message_id", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_placeholders(message_id: str) -> None:
    message = CATALOGUE[message_id]
    assert message.en.strip() and message.ko.strip()
    assert placeholders(message.en) == placeholders(message.ko)


def test_every_area_is_in_the_catalogue() -> None:
    areas = {message_id.split(".")[0] for message_id in CATALOGUE}
    assert {"runs", "data_pipeline", "softmax_sums", "sandbox", "grading", "feedback", "title", "notebook"} <= areas
    assert {f"title.{check_id}" for check_id in CHECKS} <= set(CATALOGUE)


def test_korean_messages_are_korean() -> None:
    """A message with words of its own (not only placeholders and signs) has Hangul in Korean: no English copy left
    behind."""
    worded = [
        message_id
        for message_id in CATALOGUE
        if re.search("[A-Za-z]", re.sub(r"{[^}]*}", "", CATALOGUE[message_id].en))
    ]
    assert [message_id for message_id in worded if not HANGUL.search(CATALOGUE[message_id].ko)] == []
    assert len(worded) > 100


def test_every_id_the_code_says_exists_with_its_parameters() -> None:
    said = []
    for path, tree in _sources():
        for call in _calls(tree, {"say"}):
            if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                said.append(call.args[0].value)
                assert call.args[0].value in CATALOGUE, f"{path}:{call.lineno}: unknown message {call.args[0].value!r}"
                keywords = {k.arg for k in call.keywords}
                if None not in keywords:  # no **params: the call names every placeholder itself
                    assert keywords == placeholders(CATALOGUE[call.args[0].value].en), f"{path}:{call.lineno}"
    assert len(said) > 80


def test_every_sandbox_message_id_exists_with_its_parameters() -> None:
    """The sandbox cannot import the catalogue, so its ids are checked here: a dotted id must be a `sandbox.*` message
    whose placeholders are exactly the call's keywords. A sentence (with spaces) is text the host gave the sandbox,
    shown as written."""
    ids = []
    for path, tree in _sources():
        if path.parent.name != "sandbox":
            continue
        for call in _calls(tree, set(SANDBOX_CALLS)):
            position = SANDBOX_CALLS[call.func.id if isinstance(call.func, ast.Name) else call.func.attr]  # type: ignore[union-attr]
            if len(call.args) <= position or not isinstance(call.args[position], ast.Constant):
                continue
            message_id = call.args[position].value
            if " " in message_id:
                continue
            ids.append(message_id)
            assert message_id.startswith("sandbox.") and message_id in CATALOGUE, f"{path}:{call.lineno}: {message_id}"
            assert {k.arg for k in call.keywords} == placeholders(CATALOGUE[message_id].en), f"{path}:{call.lineno}"
    assert len(ids) >= 10


def test_the_sandbox_imports_no_host_code() -> None:
    for path, tree in _sources():
        if path.parent.name == "sandbox":
            imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
            assert all(m.startswith(("grader.sandbox", "grader.registry")) for m in imported if m.startswith("grader"))


def test_unknown_id_fails_where_it_is_said() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.message"):
        say("no.such.message")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'fr'.*en, ko"):
        say("runs.failed").render("fr")


# --- sandbox errors travel as ids ------------------------------------------------------------------------------------


def _recorded(folder: Path, raise_: BaseException) -> Observation:
    rec = Recorder(folder)
    with rec.step("build_model"):
        raise raise_
    return Observation(folder, None)


def test_step_failed_is_recorded_as_an_id_and_worded_by_the_host(tmp_path: Path) -> None:
    obs = _recorded(tmp_path, StepFailed("sandbox.build_model_returned", found="list"))
    raw = json.loads((tmp_path / "steps" / "build_model.json").read_text(encoding="utf-8"))
    assert (raw["error_id"], raw["error_params"]) == ("sandbox.build_model_returned", {"found": "list"})
    error = obs.step("build_model").error
    assert render(error, "en") == "build_model() must return a keras Model; it returned list"
    assert render(error, "ko") == "build_model()은 keras Model을 반환해야 하는데, 반환값의 타입은 list입니다"


def test_sys_exit_is_recorded_as_an_id(tmp_path: Path) -> None:
    error = _recorded(tmp_path, SystemExit(0)).step("build_model").error
    assert render(error, "en") == "the code called sys.exit(0) instead of returning"
    assert "sys.exit(0)를 호출했습니다" in render(error, "ko")


def test_skip_reason_is_an_id(tmp_path: Path) -> None:
    Recorder(tmp_path).skip("train", "sandbox.no_model", call="MLP()")
    step = Observation(tmp_path, None).step("train")
    assert step.status == "skipped"
    assert render(step.error, "ko") == "MLP()로 사용할 수 있는 모델을 만들지 못했습니다"


def test_traceback_and_given_text_stay_as_written(tmp_path: Path) -> None:
    obs = _recorded(tmp_path, ValueError("bad shape"))
    assert isinstance(obs.step("build_model").error, str)
    assert "ValueError: bad shape" in render(obs.step("build_model").error, "ko")
    Recorder(tmp_path).skip("train", "submission.ipynb 셀 3: 문법 오류")
    assert obs.step("train").error == "submission.ipynb 셀 3: 문법 오류"


@pytest.mark.parametrize(
    ("error_id", "params"),
    [
        ("sandbox.build_model_returned", {"wrong": "x"}),  # placeholders that are not the message's
        ("sandbox.build_model_returned", {"found": ["a"]}),  # not a plain value
        ("runs.ok", {"file": "x", "count": 1}),  # not a sandbox message
        ("sandbox.nothing", {}),
    ],
)
def test_a_forged_error_id_falls_back_to_the_text(tmp_path: Path, error_id: str, params: dict[str, Any]) -> None:
    (tmp_path / "steps").mkdir()
    record = {"status": "error", "error": "as written", "error_id": error_id, "error_params": params}
    (tmp_path / "steps" / "train.json").write_text(json.dumps(record), encoding="utf-8")
    assert Observation(tmp_path, None).step("train").error == "as written"


# --- check titles ----------------------------------------------------------------------------------------------------


def _spec_with_name(name: object) -> Any:
    raw = yaml.safe_load((ROOT / "assignments" / "01_tf_quickstart" / "assignment.yaml").read_text(encoding="utf-8"))
    raw["checks"][0]["name"] = name
    return parse_spec(raw)


def test_titles_come_from_the_catalogue_or_the_spec() -> None:
    spec = load_spec("02_torch_loop")
    assert [c.title("en") for c in spec.checks][:3] == [
        "Runs without errors", "Data loaders (ToTensor, Normalize, batches)", "Model architecture"
    ]  # fmt: skip
    assert [c.title("ko") for c in spec.checks][:3] == [
        "오류 없이 실행",
        "데이터 로더 (ToTensor, Normalize, 배치)",
        "모델 구조",
    ]
    assert _spec_with_name("Runs").checks[0].title("ko") == "Runs"  # a plain string is every language's title
    assert _spec_with_name({"en": "Runs", "ko": "실행"}).checks[0].title("ko") == "실행"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ({"en": "Runs"}, "checks[0].name: a wording in both languages needs exactly the keys en and ko"),
        ({"en": "Runs", "ko": ""}, "checks[0].name.ko: String should have at least 1 character"),
        ("  ", "checks[0].name: must not be empty"),
        (3, "checks[0].name: must be a string or a mapping {en: ..., ko: ...}"),
    ],
)
def test_a_bad_name_is_reported_with_its_path(name: object, problem: str) -> None:
    with pytest.raises(SpecError) as caught:
        _spec_with_name(name)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


# --- checks on fabricated observations -------------------------------------------------------------------------------


def _context(tmp_path: Path, assignment: str, check_id: str, truth: Any = None) -> CheckContext:
    spec = load_spec(assignment)
    job = SimpleNamespace(spec=spec, truth=truth, submission=SimpleNamespace(entry=Path("submission.py")))
    return CheckContext(job, spec.check(check_id), Observation(tmp_path, None))  # type: ignore[arg-type]


def _step(folder: Path, name: str, facts: dict[str, Any]) -> None:
    (folder / "steps").mkdir(exist_ok=True)
    record = {"name": name, "status": "ok", "error": None, "seconds": 0.1, "facts": facts}
    (folder / "steps" / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def _run(ctx: CheckContext) -> Outcome:
    definition = CHECKS[ctx.check.id]
    return definition.run(ctx, definition.parse(ctx.check.params))


def test_loader_without_normalize_says_the_range_found_and_expected(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(40, 28, 28), dtype=np.uint8)
    pixels[0, 0, 0], pixels[0, 0, 1] = 0, 255
    labels = rng.integers(0, 10, size=40)
    picks = np.arange(8)
    truth = SimpleNamespace(
        train_raw=(pixels, labels), test_raw=(pixels, labels), train_sample=picks, test_sample=picks
    )
    loaders = {split: {"batch_size": 32, "shuffle": split == "train"} for split in ("train", "test")}
    shapes = {"x_train": [40, 1, 28, 28], "y_train": [40], "x_test": [40, 1, 28, 28], "y_test": [40]}
    _step(tmp_path, "make_loaders", {"loaders": loaders, "shapes": shapes})
    to_tensor_only = (pixels[picks] / 255.0)[:, None]  # ToTensor() without Normalize((0.5,), (0.5,))
    sample = {"x_train": to_tensor_only, "y_train": labels[picks], "x_test": to_tensor_only, "y_test": labels[picks]}
    np.savez(tmp_path / "data_sample.npz", **sample)
    outcome = _run(_context(tmp_path, "03_lightning_module", "data_pipeline", truth))
    assert not outcome.passed
    english = render(outcome.message, "en")
    assert "x_train: found values in [0, 1], expected [-1, 1] after ToTensor() + Normalize((0.5,), (0.5,))" in english
    assert "differ" not in english
    assert "값의 범위가 [0, 1]입니다. ToTensor() + Normalize((0.5,), (0.5,)) 적용 후에는 [-1, 1] 범위여야" in render(
        outcome.message, "ko"
    )


def _softmax_case(tmp_path: Path, model_output: np.ndarray, returned: np.ndarray) -> Outcome:
    _step(tmp_path, "predict_proba", {})
    np.save(tmp_path / "forward_initial.npy", model_output)
    np.save(tmp_path / "predict_proba.npy", returned)
    return _run(_context(tmp_path, "01_tf_quickstart", "softmax_sums", SimpleNamespace(probe=np.zeros((20, 28, 28)))))


def _probabilities() -> np.ndarray:
    logits = np.random.default_rng(1).normal(size=(20, 10))
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


@pytest.mark.parametrize("transform", [np.log, lambda p: p * 2], ids=["log", "scaled"])
def test_predict_proba_that_changes_a_softmax_output_is_blamed_not_the_layer(
    tmp_path: Path, transform: Callable[[np.ndarray], np.ndarray]
) -> None:
    probabilities = _probabilities()
    outcome = _softmax_case(tmp_path, probabilities, transform(probabilities))
    english = render(outcome.message, "en")
    assert not outcome.passed
    assert "so predict_proba changes it (for example, takes its log): return the model's output as is" in english
    assert "last layer" not in english
    assert "predict_proba에서 모델의 출력을 바꾸고 있습니다" in render(outcome.message, "ko")


def test_a_model_without_softmax_is_told_to_check_its_last_layer(tmp_path: Path) -> None:
    logits = np.random.default_rng(2).normal(size=(20, 10))
    english = render(_softmax_case(tmp_path, logits, logits).message, "en")
    assert "Does the last layer use softmax? Your model's own output is not probabilities either" in english
    assert "changes it" not in english


@pytest.mark.parametrize(("lang", "keep"), [("en", "keep the Softmax layer"), ("ko", "Softmax 레이어를 그대로 두세요")])
def test_double_softmax_advice_says_to_keep_the_softmax(tmp_path: Path, lang: str, keep: str) -> None:
    _step(tmp_path, "train_one_epoch", {"cross_entropy": {"calls": 20, "probability_inputs": 20}})
    outcome = _run(_context(tmp_path, "02_torch_loop", "loss_advice"))
    text = render(outcome.message, lang)
    assert outcome.passed
    assert keep in text and "`architecture`" in text


# --- a real graded result, in Korean ---------------------------------------------------------------------------------


def test_a_graded_result_is_in_the_language_asked_for(grade_as: Callable[[str], Grade]) -> None:
    path = ROOT / "solutions" / "02_torch_loop" / "examples" / "softmax_dim0.py"
    result = grade_as("02_torch_loop")(path, lang="ko")
    tests = {t.check_id: t for t in result.tests}
    assert tests["architecture"].status is Status.FAILED
    assert "6번째 레이어(Softmax): 기대한 값은 dim=1인데 실제 값은 0입니다" in tests["architecture"].output
    assert "expected dim=1, found 0" not in tests["architecture"].output
    assert "마지막 레이어가 softmax를 사용하는지 확인하세요" in tests["softmax_sums"].output
    assert tests["architecture"].name == "모델 구조"
    assert re.match(r"02_torch_loop: \d+/10점 \(fashion-mnist, smoke 프로필, 시드 \d+\)\.", result.output)
    assert all(HANGUL.search(t.output) for t in result.tests), {t.check_id: t.output for t in result.tests}


@pytest.mark.parametrize(("moved", "words"), [(False, "was never called"), (True, "needs a manual review")])
def test_zero_grad_with_contradicting_observations_asks_for_manual_review(
    tmp_path: Path, moved: bool, words: str
) -> None:
    """No optimizer step recorded, as when a submission rewrites the grader's records at exit: when the weights did
    move in training, no confident reason is given."""
    _step(tmp_path, "train_one_epoch", {"optimizer_steps": 0})
    before = {"w0": np.zeros((2, 2)), "w1": np.ones(2)}
    np.savez(tmp_path / "weights_initial.npz", **before)
    np.savez(tmp_path / "weights_trained.npz", **{**before, "w1": np.full(2, 1.5 if moved else 1.0)})
    outcome = _run(_context(tmp_path, "02_torch_loop", "zero_grad"))
    assert not outcome.passed
    assert words in render(outcome.message, "en")
    assert outcome.metrics.get("manual_review") == (1 if moved else None)
