"""A course across a term: the roster, due dates with a late policy and extensions, manual adjustments kept across
regrades with their history, and the final scores for an LMS, through `grader grade` as an instructor runs it."""

from __future__ import annotations

import csv
import json
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from grader.cli import main
from grader.grading import GradeOptions
from grader.outputs import gradescope
from grader.session.cache_key import SessionKey
from grader.spec import SPEC_FILE, SpecError, load_spec
from grader.term.adjustments import HISTORY, Requested, applied, read_adjustments, record_history
from grader.term.clock import MomentError, parse_moment
from grader.term.keys import TableError
from grader.term.lateness import LatePolicy, PolicyError
from grader.term.roster import read_roster
from grader.term.submitted import last_commit

from .conftest import ROOT

A2 = "02_torch_loop"
SOLUTIONS = ROOT / "solutions" / A2
SMOKE = ["--profile", "smoke", "--dataset", "fashion-mnist"]
DUE = datetime(2026, 12, 10, 23, 59, tzinfo=UTC)


def test_moments_need_an_offset_and_read_every_source_alike() -> None:
    expected = datetime(2026, 12, 10, 14, 59, 12, tzinfo=UTC)
    for text in ("2026-12-10T23:59:12+09:00", "2026-12-10 06:59:12.123 -0800", "2026-12-10T14:59:12Z"):
        assert parse_moment(text).replace(microsecond=0) == expected
    assert parse_moment(yaml.safe_load("2026-12-10 23:59:12.5 +09:00")).replace(microsecond=0) == expected
    for bad in ("2026-12-10T23:59", "next friday", yaml.safe_load("2026-12-10")):
        with pytest.raises(MomentError):
            parse_moment(bad)


@given(st.integers(min_value=-3 * 24 * 60, max_value=30 * 24 * 60), st.integers(min_value=0, max_value=120))
def test_a_late_day_is_any_part_of_a_day_past_the_grace(minutes: int, grace: int) -> None:
    policy = LatePolicy(DUE, per_day=0.15, cap=0.5, grace_minutes=grace)
    days = policy.late_days(DUE + timedelta(minutes=minutes), DUE)
    counted = minutes - grace
    assert days == (0 if counted <= 0 else -(-counted // (24 * 60)))
    assert 0 <= policy.fraction(days) <= 0.5
    later = policy.late_days(DUE + timedelta(minutes=minutes + 1), DUE)
    assert later >= days and policy.fraction(later) >= policy.fraction(days)


def test_a_policy_outside_shares_of_the_score_is_refused() -> None:
    with pytest.raises(PolicyError, match="between 0 and 1"):
        LatePolicy(DUE, per_day=10)


def test_the_roster_reads_a_spreadsheet_export(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("SID,Name,E-mail,GitHub Username\ns1,김철수,kim@uni.edu,kimcs\n", encoding="utf-8-sig")
    (student,) = read_roster(path).students
    assert (student.student_id, student.name, student.email, student.github) == ("s1", "김철수", "kim@uni.edu", "kimcs")
    assert read_roster(path).find({"kim"}) == student  # Gradescope names a student by their e-mail's local part
    path.write_text("comment\nhello\n", encoding="utf-8")
    with pytest.raises(TableError, match="line 2: no student_id, name, email, github"):
        read_roster(path)


def test_adjustments_name_real_checks_and_keep_a_check_within_its_points(tmp_path: Path) -> None:
    path = tmp_path / "adjustments.csv"
    path.write_text("student,check,points,comment\nbob,zero_gradd,1,typo\n", encoding="utf-8")
    with pytest.raises(TableError, match="'zero_gradd' is no check of this assignment"):
        read_adjustments(path, ["zero_grad", "accuracy"])
    path.write_text("student,check,points,comment,by\nbob,zero_grad,5,regraded by hand,TA Lee\n", encoding="utf-8")
    (row,) = read_adjustments(path, ["zero_grad"])
    assert row == Requested("bob", "zero_grad", 5.0, "regraded by hand", "TA Lee")


def test_the_history_records_each_change_once(tmp_path: Path, graded_result: object) -> None:
    result = graded_result
    first = applied(result, [Requested("bob", "zero_grad", 1, "partial credit", "TA Lee")])
    assert first[0].applied == 1  # bob's zero_grad was 0 of 2
    too_much = applied(result, [Requested("bob", "zero_grad", 5, "", "TA Lee")])
    assert too_much[0].applied == 2  # held at the check's maximum
    record_history(tmp_path, first)
    record_history(tmp_path, first)
    second = applied(result, [Requested("bob", "total", -1, "late lab report", "Prof. Kim")])
    record_history(tmp_path, second)
    events = [json.loads(line) for line in (tmp_path / "history" / HISTORY).read_text(encoding="utf-8").splitlines()]
    assert [(e["change"], e["check"], e["by"]) for e in events] == [
        ("added", "zero_grad", "TA Lee"), ("removed", "zero_grad", "TA Lee"), ("added", "total", "Prof. Kim"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def graded_result(fashion: object, tmp_path_factory: pytest.TempPathFactory) -> object:
    """bob's no_zero_grad graded once (smoke): 7 of 10, zero_grad 0 of 2."""
    out = tmp_path_factory.mktemp("bob")
    source = SOLUTIONS / "examples" / "no_zero_grad.py"
    assert main(["grade", A2, str(source), "--out", str(out), *SMOKE]) == 0
    return gradescope.read(out / A2 / "no_zero_grad" / gradescope.FILENAME)


def _git(folder: Path, *args: str, when: str = "2026-12-11T10:00:00+09:00") -> None:
    env = {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when, "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env, capture_output=True)


def test_a_clones_last_commit_is_read_without_running_what_the_clone_configures(tmp_path: Path) -> None:
    clone = tmp_path / "hw-alice"
    clone.mkdir()
    _git(clone, "init", "-q")
    (clone / "submission.py").write_text("x = 1\n", encoding="utf-8")
    _git(clone, "add", ".")
    _git(clone, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "done")
    marker = tmp_path / "ran"
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    script.chmod(0o755)
    with (clone / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[core]\n\tfsmonitor = {script}\n\tpager = {script}\n[log]\n\tshowSignature = true\n")
        config.write(f"[gpg]\n\tprogram = {script}\n")
    assert last_commit(clone) == datetime(2026, 12, 11, 1, 0, tzinfo=UTC)
    assert not marker.exists()
    assert last_commit(tmp_path) is None  # not a clone: no time, never late


def test_a_due_date_is_not_part_of_the_cache_key(tmp_path: Path) -> None:
    folder = tmp_path / A2
    shutil.copytree(ROOT / "assignments" / A2, folder)
    options = GradeOptions(profile="smoke", split_key="k" * 32)
    before = SessionKey.build(load_spec(folder), "fashion-mnist", options, None).spec_sha256
    spec_file = folder / SPEC_FILE
    spec_file.write_text(
        spec_file.read_text(encoding="utf-8") + "due: {at: 2026-12-10T23:59:00+09:00, late: {per_day: 0.1}}\n",
        encoding="utf-8",
    )
    spec = load_spec(folder)
    assert spec.due is not None and spec.due.late.per_day == 0.1
    assert SessionKey.build(spec, "fashion-mnist", options, None).spec_sha256 == before
    spec_file.write_text(spec_file.read_text(encoding="utf-8").replace("+09:00", ""), encoding="utf-8")
    with pytest.raises(SpecError, match=r"due\.at: .*add a UTC offset"):
        load_spec(folder)


def _export(root: Path) -> Path:
    """A Gradescope export: alice on time, bob two days late (Gradescope's own time format), dan on no roster."""
    export = root / "export"
    sources = {1: "submission.py", 2: "examples/no_zero_grad.py", 3: "submission.py"}
    for number, source in sources.items():
        (export / f"submission_{number}").mkdir(parents=True)
        shutil.copyfile(SOLUTIONS / source, export / f"submission_{number}" / "submission.py")
    metadata = (
        "submission_1:\n  :submitters:\n  - :name: Alice Kim\n    :sid: s1\n    :email: alice@uni.edu\n"
        "  :created_at: 2026-12-10 20:00:00.000000000 +09:00\n"
        "submission_2:\n  :submitters:\n  - :name: Bob Lee\n    :sid: s2\n    :email: bob@uni.edu\n"
        "  :created_at: 2026-12-12 01:00:00.500 -0800\n"
        "submission_3:\n  :submitters:\n  - :name: Dan Cho\n    :sid: s9\n    :email: dan@uni.edu\n"
        "  :created_at: 2026-12-09 12:00:00 +09:00\n"
    )
    (export / "submission_metadata.yml").write_text(metadata, encoding="utf-8")
    return export


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


@pytest.fixture(scope="module")
def term_class(tmp_path_factory: pytest.TempPathFactory, fashion: object) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("term")
    export = _export(root)
    (root / "roster.csv").write_text(
        "student_id,name,email,github\ns1,Alice Kim,alice@uni.edu,alicek\ns2,Bob Lee,bob@uni.edu,boblee\n"
        "s3,Carol Park,carol@uni.edu,carolp\n",
        encoding="utf-8",
    )
    (root / "adjustments.csv").write_text(
        "student,check,points,comment\nboblee,zero_grad,1,the loop is right after the fix he showed in class\n",
        encoding="utf-8",
    )
    args = ["grade", A2, str(export), "--out", str(root / "out"), *SMOKE, "--roster", str(root / "roster.csv")]
    args += [
        "--due",
        "2026-12-10T23:59:00+09:00",
        "--late-per-day",
        "0.1",
        "--adjustments",
        str(root / "adjustments.csv"),
    ]
    assert main(args) == 0
    return root, root / "out" / A2


def test_the_roster_lists_the_missing_and_flags_the_unknown(term_class: tuple[Path, Path]) -> None:
    _, out = term_class
    rows = {row["student"]: row for row in _rows(out / "gradebook.csv")}
    assert set(rows) == {"Alice Kim", "Bob Lee", "Carol Park", "s9"}  # Dan Cho's sid: he is on no roster
    assert rows["Carol Park"]["status"] == "missing" and rows["Carol Park"]["student_id"] == "s3"
    assert rows["s9"]["on_roster"] == "no" and "not on the roster" in rows["s9"]["note"]
    assert rows["Alice Kim"]["on_roster"] == "yes" and rows["Alice Kim"]["github"] == "alicek"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Submissions by no one on the roster" in report and "<li>s9</li>" in report


def test_lateness_and_the_penalty_show_in_every_output(term_class: tuple[Path, Path]) -> None:
    _, out = term_class
    rows = {row["student"]: row for row in _rows(out / "gradebook.csv")}
    bob, alice = rows["Bob Lee"], rows["Alice Kim"]
    assert (alice["late_days"], alice["late_penalty"], alice["final"]) == ("0", "0", "10")
    # 2026-12-12 01:00 -08:00 is 1 day and 18 hours past 2026-12-10 23:59 +09:00: 2 late days, 20 % of (7 + 1).
    assert (bob["total"], bob["adjustments"], bob["late_days"], bob["late_penalty"]) == ("7", "1", "2", "-1.6")
    assert bob["final"] == "6.4"
    assert bob["submitted_at"] == "2026-12-12T01:00:00-08:00"
    folder = next(p for p in out.iterdir() if (p / "feedback.md").is_file() and "s2" in p.name)
    feedback = (folder / "feedback.md").read_text(encoding="utf-8")
    assert "2 day(s) late, -20%" in feedback and "the loop is right after the fix he showed in class" in feedback
    written = json.loads((folder / gradescope.FILENAME).read_text(encoding="utf-8"))
    assert written["score"] == 6.4 and sum(test["score"] for test in written["tests"]) == 7
    assert written["extra_data"]["term"]["late_days"] == 2
    case = next(
        c
        for c in ET.parse(out / "junit.xml").iter("testcase")
        if c.get("classname") == "Bob Lee" and c.find("properties")
    )
    assert {p.get("name"): p.get("value") for p in case.iter("property")}["final"] == "6.4"
    assert "Late submissions" in (out / "report.html").read_text(encoding="utf-8")


def test_lms_gradebooks_carry_the_final_scores(term_class: tuple[Path, Path]) -> None:
    _, out = term_class
    canvas = list(csv.reader((out / "canvas.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A2]
    assert canvas[1] == ["Points Possible", "", "", "", "", "10"]
    by_sis = {row[2]: row for row in canvas[2:]}
    assert by_sis["s2"][3] == "bob@uni.edu" and by_sis["s2"][5] == "6.4"
    assert by_sis["s3"][5] == ""  # missing: left for the instructor, never an unearned zero
    generic = {row["student_id"]: row for row in _rows(out / "lms.csv")}
    assert (generic["s2"]["score"], generic["s2"]["percent"], generic["s2"]["late_days"]) == ("6.4", "64.0", "2")
    assert generic["s3"]["status"] == "missing"


def test_a_later_session_keeps_the_term_and_records_who_changed_what(term_class: tuple[Path, Path]) -> None:
    root, out = term_class
    bob = next(p for p in out.iterdir() if (p / "feedback.md").is_file() and "s2" in p.name)
    graded_at = json.loads((bob / gradescope.FILENAME).read_text(encoding="utf-8"))["extra_data"]["provenance"]
    (root / "adjustments.csv").write_text(
        "student,check,points,comment,by\ns2,total,0.4,rounded up,Prof. Kim\n", encoding="utf-8"
    )
    assert main(["grade", A2, str(root / "export"), "--out", str(root / "out"), *SMOKE]) == 0  # nothing repeated
    written = json.loads((bob / gradescope.FILENAME).read_text(encoding="utf-8"))
    assert written["extra_data"]["provenance"]["graded_at"] == graded_at["graded_at"]  # not regraded
    assert written["extra_data"]["term"]["late_days"] == 2  # the due date was remembered
    assert written["score"] == round((7 + 0.4) * 0.8, 6)
    events = [json.loads(line) for line in (bob / "history" / HISTORY).read_text(encoding="utf-8").splitlines()]
    assert [(e["change"], e["check"]) for e in events] == [("added", "zero_grad"), ("removed", "zero_grad"),
                                                           ("added", "total")]  # fmt: skip
    assert events[-1]["by"] == "Prof. Kim" and events[-1]["comment"] == "rounded up"
    rows = {row["student"]: row for row in _rows(out / "gradebook.csv")}
    assert rows["Carol Park"]["status"] == "missing"  # the roster was remembered too


def test_bad_term_files_stop_before_anything_is_graded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "alice.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "adjustments.csv").write_text("student,points\nalice,1\n", encoding="utf-8")
    args = ["grade", A2, str(tmp_path / "alice.py"), "--out", str(tmp_path / "out"), *SMOKE]
    assert main([*args, "--adjustments", str(tmp_path / "adjustments.csv")]) == 2
    assert "needs the column(s) check" in capsys.readouterr().err
    assert main([*args, "--late-per-day", "0.1"]) == 2
    assert "need a due date" in capsys.readouterr().err
    assert not (tmp_path / "out" / A2 / "alice").exists()


def test_the_readme_term_commands_work_as_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fashion: object
) -> None:
    """From the folder holding the class, as the README says; only the profile and the dataset are added, to train
    on the smoke profile with the data this machine has."""
    readme = (ROOT / "docs" / "instructors" / "term.md").read_text(encoding="utf-8")
    block = readme.split("**The term: roster, due dates, late work, adjustments, LMS.**", 1)[1]
    block = block.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line.split("#", 1)[0]) for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    (tmp_path / "class" / "carol").mkdir(parents=True)
    shutil.copyfile(SOLUTIONS / "submission.py", tmp_path / "class" / "carol" / "submission.py")
    shutil.copyfile(SOLUTIONS / "examples" / "no_zero_grad.py", tmp_path / "class" / "dan.py")
    (tmp_path / "roster.csv").write_text("student_id,name,email,github\n1,Carol,c@u.edu,carol\n2,Dan,d@u.edu,dan\n")
    (tmp_path / "extensions.csv").write_text("student,days\ndan,3\n", encoding="utf-8")
    (tmp_path / "adjustments.csv").write_text("student,check,points,comment\ndan,total,1,showed the fix\n")
    monkeypatch.chdir(tmp_path)
    assert [command[:2] for command in commands] == [["grader", "grade"], ["grader", "grade"]]
    for command in commands:
        assert main([*command[1:], *SMOKE]) == 0
    rows = {row["student"]: row for row in _rows(tmp_path / "results" / A2 / "gradebook.csv")}
    assert (rows["Dan"]["adjustments"], rows["Dan"]["final"], rows["Carol"]["on_roster"]) == ("1", "8", "yes")
