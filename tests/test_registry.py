"""Tests for the generic registry and the built-in check registry."""

from __future__ import annotations

import pytest

from grader.checks import CHECKS, CheckContext, Outcome
from grader.checks.base import check
from grader.registry import Registry, RegistryError

BUILTIN_CHECKS = {
    "runs", "data_pipeline", "architecture", "compile", "optimizer", "zero_grad", "train_eval_mode",
    "lightning_hooks", "softmax_sums", "accuracy", "loss_advice", "saved_whole_model", "state_dict_file", "roundtrip",
}  # fmt: skip


@pytest.fixture
def registry() -> Registry[int]:
    reg: Registry[int] = Registry("widget")
    reg.add("beta", 2)
    reg.add("alpha", 1)
    return reg


def test_add_returns_entry_and_get() -> None:
    reg: Registry[str] = Registry("thing")
    assert reg.add("one", "first") == "first"
    assert reg["one"] == "first"
    assert "one" in reg
    assert "two" not in reg
    assert len(reg) == 1


def test_duplicate_id_raises_and_keeps_original(registry: Registry[int]) -> None:
    with pytest.raises(RegistryError, match=r"duplicate widget id 'alpha'"):
        registry.add("alpha", 99)
    assert registry["alpha"] == 1
    assert len(registry) == 2


def test_unknown_id_lists_known(registry: Registry[int]) -> None:
    with pytest.raises(RegistryError) as info:
        registry["gamma"]
    assert str(info.value) == "unknown widget 'gamma' (known: alpha, beta)"


def test_unknown_id_in_empty_registry() -> None:
    with pytest.raises(RegistryError, match=r"\(known: none\)"):
        Registry[int]("empty")["x"]


def test_registry_error_is_a_key_error(registry: Registry[int]) -> None:
    with pytest.raises(KeyError):
        registry["missing"]


def test_decorator_form() -> None:
    reg: Registry[object] = Registry("handler")

    @reg.register("hello")
    def hello() -> str:
        return "hi"

    assert reg["hello"] is hello
    assert hello() == "hi"
    with pytest.raises(RegistryError, match="duplicate"):

        @reg.register("hello")
        def again() -> str:
            return "again"

    assert reg["hello"] is hello


def test_iteration_sorted(registry: Registry[int]) -> None:
    registry.add("aardvark", 0)
    registry.add("zeta", 26)
    assert list(registry) == ["aardvark", "alpha", "beta", "zeta"]


def test_builtin_checks_registered() -> None:
    assert set(CHECKS) == BUILTIN_CHECKS
    assert len(CHECKS) == len(BUILTIN_CHECKS)
    assert list(CHECKS) == sorted(BUILTIN_CHECKS)
    for check_id in BUILTIN_CHECKS:
        assert CHECKS[check_id].id == check_id


def test_registering_existing_check_id_raises() -> None:
    before = {check_id: CHECKS[check_id] for check_id in CHECKS}

    class NoParams:
        pass

    with pytest.raises(RegistryError, match="duplicate check id 'runs'"):

        @check("runs", NoParams)
        def impostor(ctx: CheckContext, params: NoParams) -> Outcome:
            return Outcome(True, "always passes")

    after = {check_id: CHECKS[check_id] for check_id in CHECKS}
    assert after == before
    assert CHECKS["runs"].run is before["runs"].run
    assert CHECKS["runs"].params_type is not NoParams


def test_the_sandbox_registers_exactly_the_probes_specs_may_name() -> None:
    from grader.sandbox.layout import PROBE_NAMES
    from grader.sandbox.probes import PROBES

    assert set(PROBES) == PROBE_NAMES
