"""A regraded student's earlier result is kept in history/, named by when it was graded and its key."""

from __future__ import annotations

from pathlib import Path

from grader.outputs import gradescope
from grader.results import AssignmentResult, Status, SubmissionStatus
from grader.results import TestResult as CheckResult
from grader.session.class_session import record
from grader.session.history import archive_previous


def _result(score: float) -> AssignmentResult:
    test = CheckResult("runs", "Runs", score, 1.0, Status.PASSED if score else Status.FAILED, "visible", "")
    return AssignmentResult("01_tf_quickstart", "ana", SubmissionStatus.GRADED, (test,), 1.0, "")


def test_a_regrade_moves_the_earlier_result_into_history(tmp_path: Path) -> None:
    first = record(_result(0.0), tmp_path, "key-one", force=False)
    assert first.provenance["cache_key"] == "key-one" and first.provenance["graded_at"].endswith("Z")
    before = (tmp_path / "results.json").read_bytes()
    second = record(_result(1.0), tmp_path, "key-two", force=False)
    kept = sorted((tmp_path / "history").iterdir())
    assert [p.read_bytes() for p in kept] == [before]
    assert kept[0].name.endswith("-keyone.json")
    previous = second.provenance["previous"]
    assert (previous["score"], previous["status"], previous["file"]) == (0.0, "graded", f"history/{kept[0].name}")
    assert gradescope.read(tmp_path / "results.json").provenance["previous"] == previous


def test_the_same_key_is_not_archived_unless_forced(tmp_path: Path) -> None:
    record(_result(1.0), tmp_path, "same", force=False)
    record(_result(1.0), tmp_path, "same", force=False)
    assert not (tmp_path / "history").exists()
    record(_result(1.0), tmp_path, "same", force=True)
    record(_result(1.0), tmp_path, "same", force=True)  # twice within a second: both kept
    assert len(list((tmp_path / "history").iterdir())) == 2


def test_an_unreadable_result_is_kept_too(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text("{not json", encoding="utf-8")
    summary = archive_previous(tmp_path, "new", force=False)
    assert summary is not None and "status" not in summary
    assert [p.read_text(encoding="utf-8") for p in (tmp_path / "history").iterdir()] == ["{not json"]


def test_nothing_to_archive(tmp_path: Path) -> None:
    assert archive_previous(tmp_path, "k", force=True) is None
