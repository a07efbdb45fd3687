"""The README's figures that come from the specs say what the specs say."""

from __future__ import annotations

import re

import pytest

from grader.spec import load_spec

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.yaml"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_readme_gives_each_full_profiles_time_limit(assignment: str) -> None:
    stated = re.search(rf"{assignment[:2]}: ([\d,]+) s", README.split("time limits of the full profile are", 1)[1])
    assert stated is not None
    assert int(stated.group(1).replace(",", "")) == load_spec(assignment).profiles["full"].time_limit_s


def test_every_smoke_profile_has_the_time_limit_the_readme_gives() -> None:
    assert "every smoke profile's is 300 s" in README
    assert {load_spec(a).profiles["smoke"].time_limit_s for a in ASSIGNMENTS} == {300}
