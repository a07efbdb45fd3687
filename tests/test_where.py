"""Behavioural failures point somewhere: the sandbox records where in the student's module a faulty call came from,
the host maps that line to the student's file (`line 62`) or notebook cell (`cell 9, line 7`) and names the function,
a forged place is dropped without a crash, and a place never changes a verdict."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import nbformat
import numpy as np
import pytest
import torch

from grader.artifacts import Observation
from grader.checks import CHECKS, CheckContext, Outcome, zero_grad
from grader.checks.where import locate, read_place
from grader.messages import render
from grader.results import Status
from grader.sandbox import torch_common as tc
from grader.sandbox.recorder import Recorder
from grader.spec import load_spec

from .conftest import ROOT, Grade, reference_source, write_submission
from .notebook_kit import write_notebook

EXAMPLES = ROOT / "solutions" / "02_torch_loop" / "examples"
MODEL_CALL = "outputs = model(images)"


def _line_in(source: str, function: str, text: str) -> int:
    """The 1-based line of `source` holding `text`, first after `def function(`."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {function}("))
    return next(i for i in range(start, len(lines)) if text in lines[i]) + 1


def _cell_line(notebook: nbformat.NotebookNode, function: str, text: str) -> tuple[int, int]:
    """(cell as Jupyter numbers it, line in that cell) of `text` in the cell that defines `function`."""
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code" and f"def {function}(" in cell.source:
            return number, _line_in(cell.source, function, text)
    raise LookupError(function)


def _failed(result: Any) -> dict[str, str]:
    return {t.check_id: t.output for t in result.tests if t.status is Status.FAILED}


# --- the host reads a place as untrusted data --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ({"function": "evaluate", "line": 62}, ("evaluate", 62)),
        ({"function": "Evaluator.run", "line": 3}, ("Evaluator.run", 3)),
        ({"function": "evaluate.<locals>.<listcomp>", "line": 9}, ("evaluate", 9)),
        ({"function": "평가", "line": 1}, ("평가", 1)),
        ({"function": "evaluate", "line": True}, None),
        ({"function": "evaluate", "line": "62"}, None),
        ({"function": "evaluate", "line": 0}, None),
        ({"function": "evaluate", "line": 62.0}, None),
        ({"function": "evaluate`\n- you get full marks", "line": 62}, None),
        ({"function": "e" * 121, "line": 62}, None),
        ({"function": ["evaluate"], "line": 62}, None),
        ({"line": 62}, None),
        ("evaluate:62", None),
        (None, None),
    ],
)
def test_a_recorded_place_is_read_as_untrusted_data(raw: object, read: tuple[str, int] | None) -> None:
    assert read_place(raw) == read


def _py_job(entry: Path) -> Any:
    return SimpleNamespace(spec=load_spec("02_torch_loop"), settings={}, submission=SimpleNamespace(entry=entry))


def _notebook_job(lines: tuple[tuple[int, int], ...]) -> Any:
    notebook = {"file": "submission.ipynb", "lines": lines}
    return SimpleNamespace(spec=load_spec("02_torch_loop"), settings={"notebook": notebook}, submission=None)


def test_a_py_line_is_named_as_the_file_numbers_it(tmp_path: Path) -> None:
    entry = write_submission(tmp_path, "submission", "def evaluate(model):\n    return model(1)\n")
    found = locate(_py_job(entry), {"function": "evaluate", "line": 2})
    assert found is not None and found.function == "evaluate"
    assert (render(found.place, "en"), render(found.place, "ko")) == ("line 2", "2번째 줄")
    assert locate(_py_job(entry), {"function": "evaluate", "line": 3}) is None  # past the file's end
    assert locate(_py_job(tmp_path / "gone.py"), {"function": "evaluate", "line": 1}) is None


def test_a_notebook_line_is_named_by_its_cell() -> None:
    job = _notebook_job(((4, 1), (4, 2), (0, 0), (9, 7)))
    found = locate(job, {"function": "evaluate", "line": 4})
    assert found is not None
    assert (render(found.place, "en"), render(found.place, "ko")) == ("cell 9, line 7", "9번 셀, 7번째 줄")
    assert locate(job, {"function": "evaluate", "line": 3}) is None  # a line the grader added
    assert locate(job, {"function": "evaluate", "line": 5}) is None


# --- the checks word the place, and only word it ---------------------------------------------------------------


def _step(folder: Path, name: str, facts: dict[str, Any]) -> None:
    (folder / "steps").mkdir(parents=True, exist_ok=True)
    record = {"name": name, "status": "ok", "error": None, "seconds": 0.1, "facts": facts}
    (folder / "steps" / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def _train_eval_mode(folder: Path, job: Any, seen_at: object) -> Outcome:
    _step(folder, "train_one_epoch", {"modes": {"calls": 63, "train_mode": 63, "grad_enabled": 63}})
    _step(folder, "evaluate", {"modes": {"calls": 16, "train_mode": 16, "grad_enabled": 16}, "seen_at": seen_at})
    ctx = CheckContext(job, job.spec.check("train_eval_mode"), Observation(folder, None))
    definition = CHECKS["train_eval_mode"]
    return definition.run(ctx, definition.parse(ctx.check.params))


def test_train_eval_mode_names_the_function_and_line_of_the_faulty_call(tmp_path: Path) -> None:
    source = (EXAMPLES / "no_eval.py").read_text(encoding="utf-8")
    entry = write_submission(tmp_path, "submission", source)
    line = _line_in(source, "evaluate", MODEL_CALL)
    seen_at = {"train_mode": {"function": "evaluate", "line": line}, "grad_enabled": {"function": "_run", "line": 1}}
    outcome = _train_eval_mode(tmp_path / "artifacts", _py_job(entry), seen_at)
    english, korean = render(outcome.message, "en"), render(outcome.message, "ko")
    assert not outcome.passed
    assert f"`evaluate` ran the model in train mode (the model call in `evaluate`, line {line}): " in english
    assert "`evaluate` tracked gradients (the model call in `_run`, line 1): " in english
    assert f"`evaluate`에서 모델이 train mode로 실행되었습니다 (`evaluate` 함수, {line}번째 줄의 모델 호출)." in korean


def test_a_forged_place_is_dropped_and_changes_no_verdict(tmp_path: Path) -> None:
    entry = write_submission(tmp_path, "submission", "x = 1\n")
    forged = {"train_mode": {"function": "evaluate", "line": 10**30}, "grad_enabled": {"function": "a`b", "line": 1}}
    outcomes = [
        _train_eval_mode(tmp_path / name, _py_job(entry), seen_at)
        for name, seen_at in (("none", None), ("forged", forged), ("junk", [1, 2]))
    ]
    assert [(o.passed, dict(o.metrics)) for o in outcomes] == [(False, {})] * 3
    assert {render(o.message, "en") for o in outcomes} == {render(outcomes[0].message, "en")}
    assert "`evaluate` ran the model in train mode: call model.eval() first" in render(outcomes[0].message, "en")


def test_the_eval_advice_says_model_eval_belongs_inside_evaluate(tmp_path: Path) -> None:
    """The course note calls model.eval() at the top level, before it evaluates: a function must switch itself."""
    outcome = _train_eval_mode(tmp_path, _notebook_job(((9, 7),)), {"train_mode": {"function": "evaluate", "line": 1}})
    english, korean = render(outcome.message, "en"), render(outcome.message, "ko")
    assert "(the model call in `evaluate`, cell 9, line 7)" in english
    assert "The call belongs inside `evaluate` itself: the course note's top-level code calls model.eval()" in english
    assert "이 호출은 `evaluate` 함수 안에 있어야 합니다. 강의 노트의 최상위 코드는" in korean
    assert "(`evaluate` 함수, 9번 셀, 7번째 줄의 모델 호출)" in korean


def test_zero_grad_names_the_optimizer_step_call(tmp_path: Path) -> None:
    entry = write_submission(tmp_path, "submission", "\n" * 51)
    _step(tmp_path, "train_one_epoch", {"optimizer_steps": 63, "step_seen_at": {"function": "train", "line": 51}})
    fresh = np.ones((6, 3))
    at_step = fresh.cumsum(axis=0)  # accumulated: zero_grad() never called
    np.savez(tmp_path / "gradients.npz", at_step=at_step, fresh=fresh, grad_missing=np.zeros(6, dtype=bool))
    job = _py_job(entry)
    ctx = CheckContext(job, job.spec.check("zero_grad"), Observation(tmp_path, None))
    outcome = zero_grad.in_process_diagnosis(ctx, CHECKS["zero_grad"].parse(ctx.check.params))
    assert not outcome.passed
    assert "The grader saw this at the optimizer.step() call in `train`, line 51." in render(outcome.message, "en")
    assert "채점기는 `train` 함수, 51번째 줄의 optimizer.step() 호출에서 이를 확인했습니다." in render(
        outcome.message, "ko"
    )


# --- the sandbox records the place of the student's call -------------------------------------------------------

STUDENT = """
import torch


def _switch_off(model):
    model.train(False)


def evaluate(model, rows):
    _switch_off(model)
    return [model(row) for row in rows]


def _forward(model, x):
    return model(x)


def train_one_epoch(model, x):
    model.optimizer.zero_grad()
    _forward(model, x).sum().backward()
    model.optimizer.step()
"""


def _student_module(tmp_path: Path) -> tuple[ModuleType, str]:
    path = write_submission(tmp_path, "submission", STUDENT)
    spec = importlib.util.spec_from_file_location("where_student", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, str(path)


def test_the_probe_records_where_in_the_students_module_each_mode_was_first_seen(tmp_path: Path) -> None:
    module, file = _student_module(tmp_path)
    model = torch.nn.Linear(2, 2)
    spy = tc.ModeSpy(model, file)
    model.train()
    with spy.during("evaluate"), torch.no_grad():
        module.evaluate(model, torch.zeros(3, 2))
    with spy.during("train"):
        model.train()
        module._forward(model, torch.zeros(1, 2))
    model(torch.zeros(1, 2))  # a call from outside the student's module has no place
    spy.close()
    comprehension = _line_in(STUDENT, "evaluate", "model(row)")
    assert spy.counts["evaluate"] == {"calls": 3, "train_mode": 0, "grad_enabled": 0}
    assert {state: read_place(place) for state, place in spy.places("evaluate").items()} == {
        "eval_mode": ("evaluate", comprehension)
    }
    forward = _line_in(STUDENT, "_forward", "return model(x)")
    assert {s: read_place(p) for s, p in spy.places("train").items()} == {
        "train_mode": ("_forward", forward),
        "grad_enabled": ("_forward", forward),
    }
    assert spy.places("other") == {}


def test_the_probe_records_where_the_first_optimizer_step_was_called(tmp_path: Path) -> None:
    module, file = _student_module(tmp_path)
    model = torch.nn.Linear(2, 2)
    model.optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    gradients = tc.GradientSpy(model, model.optimizer, file)
    module.train_one_epoch(model, torch.ones(1, 2))
    facts = gradients.close(Recorder(tmp_path / "artifacts"))
    assert facts["optimizer_steps"] == 1
    assert read_place(facts["step_seen_at"]) == ("train_one_epoch", _line_in(STUDENT, "train_one_epoch", ".step()"))


# --- end to end, on the smoke profile ----------------------------------------------------------------------------


@pytest.mark.slow
def test_grading_no_eval_names_evaluate_and_the_line_of_its_model_call(
    tmp_path: Path, grade_as: Callable[[str], Grade]
) -> None:
    """The course note's top-level pattern copied (model.eval() before evaluate is called): still the advice that
    the call belongs inside the function, at the line the grader saw."""
    source = (EXAMPLES / "no_eval.py").read_text(encoding="utf-8")
    source = source.replace("    print(f'Accuracy: {evaluate(", "    model.eval()\n    print(f'Accuracy: {evaluate(")
    assert "    model.eval()\n    print(f'Accuracy" in source
    failed = _failed(grade_as("02_torch_loop")(write_submission(tmp_path, "submission", source)))
    line = _line_in(source, "evaluate", MODEL_CALL)
    assert set(failed) == {"train_eval_mode"}
    assert f"(the model call in `evaluate`, line {line})" in failed["train_eval_mode"]
    assert "The call belongs inside `evaluate` itself" in failed["train_eval_mode"]


@pytest.mark.slow
def test_grading_no_eval_as_a_notebook_names_the_cell(tmp_path: Path, grade_as: Callable[[str], Grade]) -> None:
    path = write_notebook(tmp_path / "submission.ipynb", (EXAMPLES / "no_eval.py").read_text(encoding="utf-8"))
    cell, line = _cell_line(nbformat.read(path, as_version=4), "evaluate", MODEL_CALL)
    failed = _failed(grade_as("02_torch_loop")(path))
    assert set(failed) == {"train_eval_mode"}
    assert f"(the model call in `evaluate`, cell {cell}, line {line})" in failed["train_eval_mode"]


@pytest.mark.slow
def test_eval_mode_set_in_a_helper_or_by_train_false_loses_nothing(
    tmp_path: Path, grade_as: Callable[[str], Grade]
) -> None:
    source = reference_source("02_torch_loop")
    helper = "def _inference(model):\n    model.train(False)\n\n\ndef evaluate(model, loader, device):\n"
    source = source.replace("def evaluate(model, loader, device):\n", helper, 1)
    source = source.replace("    model.eval()\n    correct = 0", "    _inference(model)\n    correct = 0", 1)
    assert "_inference(model)\n    correct = 0" in source
    assert _failed(grade_as("02_torch_loop")(write_submission(tmp_path, "submission", source))) == {}
