"""Tests for assignment specs: the bundled spec loads, and a bad spec reports every problem at once, with its path."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.cli import main
from grader.spec import ASSIGNMENTS_DIR, SPEC_FILE, SpecError, load_spec, parse_spec, resolve_assignment

ASSIGNMENT = "01_tf_quickstart"


@pytest.fixture
def raw() -> dict[str, Any]:
    """A fresh, mutable copy of the bundled spec as YAML data."""
    data = yaml.safe_load((ASSIGNMENTS_DIR / ASSIGNMENT / SPEC_FILE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


@pytest.fixture
def structural(raw: dict[str, Any]) -> dict[str, Any]:
    """Five structural problems at once (types, ranges, literals, unknown keys)."""
    raw["colour"] = "blue"
    raw["checks"][2]["points"] = -1
    raw["checks"][1]["visibility"] = "sometimes"
    raw["seed"] = "twenty"
    raw["profiles"]["smoke"]["epochs"] = 0
    return raw


STRUCTURAL_PATHS = ("colour:", "checks[2].points:", "checks[1].visibility:", "seed:", "profiles.smoke.epochs:")


@pytest.fixture
def semantic(raw: dict[str, Any]) -> dict[str, Any]:
    """Three cross-field problems in a structurally valid spec."""
    raw["checks"][3]["id"] = "no_such_check"
    del raw["checks"][5]["params"]["thresholds"]["fashion-mnist"]["full"]
    raw["checks"][2]["params"]["colour"] = "red"
    return raw


SEMANTIC_PATHS = ("checks[3].id:", "checks[5].params.thresholds.fashion-mnist.full:", "checks[2].params.colour:")


def _problems(raw: object) -> list[str]:
    with pytest.raises(SpecError) as info:
        parse_spec(raw)
    return info.value.problems


def _assert_each_once(problems: list[str], paths: tuple[str, ...]) -> None:
    """Every expected path starts exactly one problem, and nothing else is reported."""
    for path in paths:
        assert sum(p.startswith(path) for p in problems) == 1, (path, problems)
    assert len(problems) == len(paths), problems


def test_bundled_spec_loads() -> None:
    spec = load_spec(ASSIGNMENT)
    assert spec.id == ASSIGNMENT
    assert len(spec.checks) == 6
    assert spec.max_score == 10
    assert [c.id for c in spec.checks] == [
        "runs",
        "data_pipeline",
        "architecture",
        "compile",
        "softmax_sums",
        "accuracy",
    ]
    assert spec.folder == (ASSIGNMENTS_DIR / ASSIGNMENT).resolve()
    assert spec.check("accuracy").visibility == "after_due_date"
    assert spec.check("runs").visibility == "visible"
    assert set(spec.profiles) == {"smoke", "full"}


def test_spec_is_frozen() -> None:
    spec = load_spec(ASSIGNMENT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.seed = 1  # type: ignore[misc]


def test_load_spec_accepts_folder_and_file_paths() -> None:
    folder = ASSIGNMENTS_DIR / ASSIGNMENT
    assert load_spec(folder).id == ASSIGNMENT
    assert load_spec(folder / SPEC_FILE).id == ASSIGNMENT


def test_cli_validate_bundled_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", ASSIGNMENT]) == 0
    out = capsys.readouterr().out
    assert ASSIGNMENT in out
    assert "6 checks" in out
    assert "10 points" in out


def test_structural_problems_reported_together(structural: dict[str, Any]) -> None:
    problems = _problems(structural)
    _assert_each_once(problems, STRUCTURAL_PATHS)
    assert "colour: unknown key" in problems
    assert any(p.startswith("seed:") and "integer" in p for p in problems)


def test_semantic_problems_reported_together(semantic: dict[str, Any]) -> None:
    problems = _problems(semantic)
    _assert_each_once(problems, SEMANTIC_PATHS)
    unknown = next(p for p in problems if p.startswith("checks[3].id:"))
    assert "no_such_check" in unknown
    assert "known:" in unknown and "accuracy" in unknown
    assert "checks[2].params.colour: unknown key" in problems
    assert "checks[5].params.thresholds.fashion-mnist.full: missing threshold" in problems


def test_spec_error_message_lists_every_problem(structural: dict[str, Any]) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(structural, source="somewhere.yaml")
    message = str(info.value)
    assert info.value.source == "somewhere.yaml"
    assert message.startswith(f"somewhere.yaml: {len(STRUCTURAL_PATHS)} problem(s)")
    for problem in info.value.problems:
        assert f"  - {problem}" in message


@pytest.mark.parametrize("value", [None, [1, 2], "just text", 3])
def test_non_mapping_yaml_refused(value: object) -> None:
    assert _problems(value) == ["(top level): must be a mapping of keys to values"]


def test_empty_spec_file_refused(tmp_path: Path) -> None:
    (tmp_path / SPEC_FILE).write_text("", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / SPEC_FILE)
    assert info.value.problems == ["(top level): must be a mapping of keys to values"]


def test_invalid_yaml_file_refused(tmp_path: Path) -> None:
    path = tmp_path / SPEC_FILE
    path.write_text("id: [unclosed\nchecks: {\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("(top level): not valid YAML")
    assert info.value.source == str(path.resolve())


def test_resolve_unknown_assignment_lists_known(tmp_path: Path) -> None:
    for name in ("b_second", "a_first"):
        (tmp_path / name).mkdir()
        (tmp_path / name / SPEC_FILE).write_text("id: x\n", encoding="utf-8")
    (tmp_path / "c_no_spec").mkdir()
    with pytest.raises(SpecError) as info:
        resolve_assignment("no_such_assignment", root=tmp_path)
    [problem] = info.value.problems
    assert "'no_such_assignment'" in problem
    assert "known assignments: a_first, b_second)" in problem


def test_resolve_unknown_assignment_in_bundled_root() -> None:
    with pytest.raises(SpecError) as info:
        resolve_assignment("no_such_assignment")
    assert ASSIGNMENT in info.value.problems[0]


def test_resolve_in_empty_root_says_none(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        resolve_assignment("anything", root=tmp_path)
    assert "(known assignments: none)" in info.value.problems[0]


def test_duplicate_check_ids(raw: dict[str, Any]) -> None:
    raw["checks"].append(copy.deepcopy(raw["checks"][0]))
    problems = _problems(raw)
    assert problems == ["checks[6].id: duplicate check id 'runs'"]


def test_no_checks_refused(raw: dict[str, Any]) -> None:
    raw["checks"] = []
    assert "checks: at least one check is required" in _problems(raw)


def test_a_title_is_worded_per_language_or_once_for_both(raw: dict[str, Any]) -> None:
    assert [load_spec(ASSIGNMENT).title_in(lang) for lang in ("en", "ko")] == [
        "TensorFlow quickstart: an MLP on MNIST",
        "TensorFlow 퀵스타트: MNIST 분류용 MLP",
    ]
    raw["title"] = "One title"
    assert [parse_spec(raw).title_in(lang) for lang in ("en", "ko")] == ["One title", "One title"]
    raw["title"] = {"en": "English only"}
    assert _problems(raw) == ["title: a wording in both languages needs exactly the keys en and ko, found ['en']"]


@pytest.mark.parametrize("assignment", sorted(p.parent.name for p in ASSIGNMENTS_DIR.glob(f"*/{SPEC_FILE}")))
def test_every_bundled_assignment_has_a_korean_title(assignment: str) -> None:
    spec = load_spec(assignment)
    assert spec.title_in("ko") != spec.title_in("en") and re.search("[가-힣]", spec.title_in("ko"))


def test_default_dataset_must_be_listed(raw: dict[str, Any]) -> None:
    raw["datasets"] = ["mnist"]
    raw["default_dataset"] = "fashion-mnist"
    problems = _problems(raw)
    assert len(problems) == 1
    assert problems[0].startswith("default_dataset:")


def test_cli_validate_bad_folder(
    tmp_path: Path, structural: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / SPEC_FILE).write_text(yaml.safe_dump(structural), encoding="utf-8")
    assert main(["validate", str(folder)]) == 2
    captured = capsys.readouterr()
    for path in STRUCTURAL_PATHS:
        assert path in captured.err
    assert f"{len(STRUCTURAL_PATHS)} problem(s)" in captured.err
    assert "ok" not in captured.out


def test_cli_validate_mixed_returns_2(
    tmp_path: Path, semantic: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / SPEC_FILE).write_text(yaml.safe_dump(semantic), encoding="utf-8")
    assert main(["validate", ASSIGNMENT, str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert ASSIGNMENT in captured.out
    for path in SEMANTIC_PATHS:
        assert path in captured.err
