"""The README stays a front door, the documentation site's nav points at pages that exist, and the figures the docs
take from the specs and the check registry say what those say. Cheap: nothing here runs mkdocs (`nox -s docs` does)."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator

import pytest
import yaml

from grader.checks import CHECKS
from grader.spec import load_spec

from .conftest import ROOT

DOCS = ROOT / "docs"
PROFILES = (DOCS / "instructors" / "profiles.md").read_text(encoding="utf-8")
CHECKS_PAGE = (DOCS / "reference" / "checks.md").read_text(encoding="utf-8")
ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.yaml"))
README_MAX_LINES = 150


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_docs_give_each_full_profiles_time_limit(assignment: str) -> None:
    stated = re.search(rf"{assignment[:2]}: ([\d,]+) s", PROFILES.split("time limits of the full profile are", 1)[1])
    assert stated is not None
    assert int(stated.group(1).replace(",", "")) == load_spec(assignment).profiles["full"].time_limit_s


def test_every_smoke_profile_has_the_time_limit_the_docs_give() -> None:
    assert "every smoke profile's is 300 s" in PROFILES
    assert {load_spec(a).profiles["smoke"].time_limit_s for a in ASSIGNMENTS} == {300}


def test_the_readme_is_a_short_front_door() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines: move the details into docs/"


def _nav_pages(entry: object) -> Iterator[str]:
    """Every page a nav entry names: a path, `{title: path}`, or `{title: [entries]}`, at any depth."""
    if isinstance(entry, str):
        yield entry
    elif isinstance(entry, dict):
        for value in entry.values():
            yield from _nav_pages(value)
    elif isinstance(entry, list):
        for item in entry:
            yield from _nav_pages(item)


def _nav() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    return [page for page in _nav_pages(config["nav"]) if not page.startswith(("http://", "https://"))]


def test_every_page_in_the_nav_exists_and_every_page_is_in_the_nav() -> None:
    nav = _nav()
    assert [page for page in nav if not (DOCS / page).is_file()] == []
    assert len(nav) == len(set(nav))
    on_disk = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert sorted(on_disk - set(nav)) == []


def test_student_pages_are_in_english_and_in_korean() -> None:
    nav = set(_nav())
    students = sorted(page for page in nav if page.startswith("students/"))
    english = {page for page in students if not page.endswith(".ko.md")}
    assert {"students/index.md", "students/notebooks.md"} <= english
    assert {page.removesuffix(".ko.md") + ".md" for page in students if page.endswith(".ko.md")} == english
    for page in english:
        korean = (DOCS / page.replace(".md", ".ko.md")).read_text(encoding="utf-8")
        assert re.search("[\uac00-\ud7a3]", korean), f"{page}'s Korean twin holds no Hangul"


def _section(check_id: str) -> str:
    parts = CHECKS_PAGE.split(f"\n## `{check_id}`\n", 1)
    assert len(parts) == 2, f"docs/reference/checks.md has no section for {check_id}"
    return parts[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_the_checks_page_gives_every_parameter_of_every_check(check_id: str) -> None:
    section = _section(check_id)
    fields = [field.name for field in dataclasses.fields(CHECKS[check_id].params_type)]
    assert [name for name in fields if f"| `{name}` |" not in section] == []
    listed = re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(fields)


def _points_table() -> dict[str, dict[str, tuple[float, bool]]]:
    """The page's points table: assignment -> check id -> (points, graded after the due date)."""
    section = CHECKS_PAGE.split("## Points by assignment", 1)[1]
    table_onwards = section[section.index("\n|") + 1 :].splitlines()
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), table_onwards))
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    table: dict[str, dict[str, tuple[float, bool]]] = {}
    for row in rows[2:]:  # past the header and its |---| line
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        for column, cell in zip(header[1:], cells[1:], strict=True):
            if cell:
                check_id = cells[0].strip("`")
                table.setdefault(column, {})[check_id] = (float(cell.rstrip("*")), cell.endswith("*"))
    return table


def test_the_checks_page_gives_the_points_each_spec_gives() -> None:
    table = _points_table()
    assert sorted(table) == [assignment[:2] for assignment in ASSIGNMENTS]
    for assignment in ASSIGNMENTS:
        spec = load_spec(assignment)
        given = {check.id: (check.points, check.visibility == "after_due_date") for check in spec.checks}
        assert table[assignment[:2]] == given, assignment
        assert spec.max_score == 10


def test_no_page_links_out_of_the_docs_folder() -> None:
    """A relative link out of docs/ breaks the strict build: such files are named as code instead."""
    escaping = []
    for path in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith(("#", "mailto:")):
                continue
            resolved = (path.parent / target.split("#", 1)[0]).resolve()
            if not resolved.is_relative_to(DOCS.resolve()):
                escaping.append(f"{path.relative_to(ROOT)}: {target}")
    assert escaping == []


def test_the_readmes_links_into_the_docs_lead_to_pages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [target.split("#", 1)[0] for target in re.findall(r"\]\((docs/[^)\s]+)\)", readme)]
    assert targets, "the README links into the docs"
    assert [target for target in targets if not (ROOT / target).is_file()] == []
    assert set(targets) <= {f"docs/{page}" for page in _nav()}


def test_the_docs_name_the_real_packages() -> None:
    """Package paths the architecture page names exist (the page names packages, not module files)."""
    named = set(re.findall(r"`(grader/[a-z_]+/)`", (DOCS / "architecture.md").read_text(encoding="utf-8")))
    assert named
    assert sorted(folder for folder in named if not (ROOT / folder / "__init__.py").is_file()) == []
