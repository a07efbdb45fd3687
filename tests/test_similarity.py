"""The similarity report (grader/similarity/): copies beyond renamed variables and moved code are found, honest work
and the skeleton are not, an earlier term is compared with the class only, bad files are skipped and said, every
student string is escaped, and `grader grade` writes it beside the class outputs without touching a score."""

from __future__ import annotations

import csv
import html
import os
import re
import shutil
from pathlib import Path

import pytest
from copydetect.utils import filter_code

from grader.cli import main
from grader.job import Submission
from grader.outputs.html_report import render_report
from grader.results import AssignmentResult, SubmissionStatus
from grader.session import batch
from grader.session.class_session import Graded
from grader.similarity.engine import DEFAULT_THRESHOLD, Findings, compare
from grader.similarity.report import FILENAME, csv_text, render_section, write_csv
from grader.similarity.sources import (
    MAX_SOURCE_BYTES,
    Skipped,
    Source,
    earlier_sources,
    read_source,
    skeleton_sources,
)
from grader.spec import load_spec

from .conftest import ROOT
from .notebook_kit import split_cells, write_notebook

A2 = "02_torch_loop"
SPEC = load_spec(A2)
SKELETONS = skeleton_sources(SPEC)
REFERENCE = ROOT / "solutions" / A2 / "submission.py"
OTHER_WAYS = sorted((ROOT / "tests" / "similarity_files").glob("02_*.py"))
RENAMES = {
    "images": "pics", "labels": "targets", "outputs": "scores", "loss": "cost", "correct": "hits", "total": "seen",
    "predicted": "guess", "transform": "prep", "train_dataset": "tr", "test_dataset": "te", "x": "inp",
}  # fmt: skip


def disguised(source: str) -> str:
    """The source with its variables renamed and its definitions in the opposite order (imports still first)."""
    for old, new in RENAMES.items():
        source = re.sub(rf"\b{old}\b", new, source)
    cells = split_cells(source)
    return "\n\n\n".join([cells[0], *reversed(cells[1:])]) + "\n"


def source(key: str, code: str, file: str = "submission.py", *, earlier: bool = False) -> Source:
    return Source(key, key, file, code, earlier=earlier)


def pairs(findings: Findings) -> list[tuple[str, str]]:
    return [(m.a.key, m.b.key) for m in findings.matches]


def test_renamed_names_are_one_token_to_copydetect() -> None:
    assert filter_code("total = count + 1\n", "a.py", "python")[0] == filter_code("s = n + 1\n", "b.py", "python")[0]


def test_a_copy_with_renamed_variables_and_moved_functions_is_flagged_with_both_fragments() -> None:
    original = REFERENCE.read_text(encoding="utf-8")
    copy = disguised(original)
    assert "pics, targets = pics.to(device), targets.to(device)" in copy
    assert copy.index("def predict_proba") < copy.index("class MLP")
    findings = compare([source("ana", original), source("ben", copy)], skeletons=SKELETONS)
    [match] = findings.matches
    assert (match.a.key, match.b.key) == ("ana", "ben")
    assert match.share_a > 0.85 and match.share_b > 0.85 and match.overlap > 500
    section = render_section(findings).html
    marked = " ".join(re.findall(r"<mark>(.*?)</mark>", section))
    assert html.escape("images, labels = images.to(device), labels.to(device)") in marked
    assert html.escape("pics, targets = pics.to(device), targets.to(device)") in marked
    assert "ana — submission.py" in section and "ben — submission.py" in section
    assert section.count('<div class="sim-side">') == 2


@pytest.mark.parametrize("other", OTHER_WAYS, ids=[p.stem for p in OTHER_WAYS])
def test_independent_solutions_are_not_flagged(other: Path) -> None:
    sources = [read_source(REFERENCE, "reference", "reference"), read_source(other, "other", "other")]
    assert compare(sources, skeletons=SKELETONS).matches == ()
    # What the assignment dictates (the layers, the loop's calls) is alike, but well below the threshold.
    [alike] = compare(sources, skeletons=SKELETONS, threshold=0.05).matches
    assert 0.1 < alike.share < DEFAULT_THRESHOLD


def test_two_independent_solutions_written_another_way_are_not_flagged() -> None:
    sources = [read_source(path, path.stem, path.stem) for path in OTHER_WAYS]
    assert compare(sources, skeletons=SKELETONS).matches == ()


def test_minimal_fills_of_the_skeleton_are_not_flagged_because_the_skeleton_is_left_out() -> None:
    skeleton = (SPEC.folder / "submission.py").read_text(encoding="utf-8")
    todo = '    # TODO\n    raise NotImplementedError("TODO: {}")\n'
    ana = skeleton.replace(todo.format("compile_model"), "    model.loss_function = nn.CrossEntropyLoss()\n")
    ben = skeleton.replace(todo.format("predict_proba"), "    model.eval()\n    return model(x).detach()\n")
    assert ana != skeleton and ben != skeleton
    sources = [source("ana", ana), source("ben", ben)]
    assert pairs(compare(sources)) == [("ana", "ben")]  # what they share is the skeleton's code
    assert compare(sources, skeletons=SKELETONS).matches == ()


def test_a_notebook_and_its_py_twin_are_flagged_with_cells_named(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "ben.ipynb", disguised(REFERENCE.read_text(encoding="utf-8")))
    sources = [read_source(REFERENCE, "ana", "ana"), read_source(notebook, "ben", "ben")]
    [match] = compare(sources, skeletons=SKELETONS).matches
    assert match.b.file == "ben.ipynb" and match.share > 0.9
    section = render_section(compare(sources, skeletons=SKELETONS)).html
    ben = section.split("ben — ben.ipynb", 1)[1]
    assert re.search(r'<span class="ln">\d+:\d+</span><mark>', ben)  # cell:line, as Jupyter counts the cells
    assert "drive.mount" not in " ".join(re.findall(r"<mark>(.*?)</mark>", ben))  # the Colab cells match nothing


def test_the_reference_notebook_and_its_py_are_flagged() -> None:
    sources = [read_source(REFERENCE, "py", "py"), read_source(REFERENCE.with_suffix(".ipynb"), "ipynb", "ipynb")]
    assert pairs(compare(sources, skeletons=SKELETONS)) == [("py", "ipynb")]


def _plain_class(root: Path, students: dict[str, str]) -> Path:
    for name, code in students.items():
        (root / name).mkdir(parents=True)
        (root / name / "submission.py").write_text(code, encoding="utf-8")
    return root


def test_an_earlier_term_is_compared_with_the_class_but_not_among_itself(tmp_path: Path) -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    earlier = _plain_class(tmp_path / "2024-fall", {"dana": reference, "eli": disguised(reference)})
    before = earlier_sources(earlier, SPEC)
    assert [s.key for s in before if isinstance(s, Source)] == ["2024-fall/dana", "2024-fall/eli"]
    now = [source("ana", disguised(reference)), read_source(OTHER_WAYS[0], "ben", "ben")]
    findings = compare(now, before, SKELETONS)
    assert sorted(pairs(findings)) == [("ana", "2024-fall/dana"), ("ana", "2024-fall/eli")]
    assert (findings.compared, findings.earlier) == (2, 2)
    rows = list(csv.DictReader(csv_text(findings).splitlines()))
    assert {r["b_is_earlier"] for r in rows} == {"yes"}
    section = render_section(findings).html
    assert "2024-fall/dana (earlier)" in section and "2 earlier submission(s)" in section
    assert "이전 제출물" in render_section(findings, "ko").html


def test_binary_huge_and_unreadable_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    (tmp_path / "binary.py").write_bytes(b"import torch\n\0\0\0" + bytes(range(256)))
    (tmp_path / "huge.py").write_text("x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1), encoding="utf-8")
    (tmp_path / "latin1.py").write_bytes("# café\n".encode("latin-1") + reference.encode("utf-8"))
    (tmp_path / "broken.ipynb").write_text("{not a notebook", encoding="utf-8")
    (tmp_path / "folder.py").mkdir()
    read = [read_source(tmp_path / f, Path(f).stem, Path(f).stem) for f in sorted(p.name for p in tmp_path.iterdir())]
    assert all(isinstance(item, Skipped) for item in read)
    findings = compare([*read, source("ana", reference), source("ben", disguised(reference))], skeletons=SKELETONS)
    assert pairs(findings) == [("ana", "ben")]  # the class goes on
    reasons = {s.shown: s.reason.render() for s in findings.skipped}
    assert reasons["binary"] == "not text (it holds NUL bytes)"
    assert reasons["huge"] == f"larger than {MAX_SOURCE_BYTES // 1024} KiB"
    assert reasons["latin1"] == "not UTF-8 text"
    assert "broken.ipynb" in reasons["broken"] and reasons["folder"] == "not a regular file"
    section = render_section(findings).html
    assert "Not compared" in section and "huge — huge.py: larger than 1024 KiB" in section


def test_lone_surrogates_and_names_that_are_not_utf8_are_skipped_and_the_report_is_written(tmp_path: Path) -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    notebook = write_notebook(tmp_path / "ana.ipynb", reference + "NOTE = 1  # SURROGATE\n", colab=False)
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("SURROGATE", "\\ud800"), encoding="utf-8")
    (tmp_path / os.fsdecode(b"\xff\xfe.ipynb")).write_text("{broken", encoding="utf-8")
    read = [read_source(path, path.stem, path.stem) for path in sorted(tmp_path.iterdir())]
    assert all(isinstance(item, Skipped) for item in read)
    findings = compare([*read, source("ben", reference), source("cho", disguised(reference))], skeletons=SKELETONS)
    assert len(findings.matches) == 1 and len(findings.skipped) == 2
    render_section(findings).html.encode("utf-8")  # writable as the report's UTF-8
    write_csv(findings, tmp_path)


def test_hostile_names_and_code_are_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    code = REFERENCE.read_text(encoding="utf-8") + f"NOTE = '</pre>{hostile}'\n"
    path = tmp_path / "<img src=x onerror=alert(2)>.py"
    path.write_text(code, encoding="utf-8")
    findings = compare([read_source(path, "a", hostile), source("b", code, file="\"'><u>.py")], skeletons=SKELETONS)
    assert len(findings.matches) == 1
    section = render_section(findings)
    page = render_report([], "class", sections=(section,))
    assert section.html in page and "sim-sides" in page.split("</style>", 1)[0]  # its CSS is in the page's head
    for raw in ("<script>", "<img", "<u>", "</pre><s", "'>"):
        assert raw not in section.html
    assert html.escape(hostile) in section.html and html.escape("<img src=x onerror=alert(2)>.py") in section.html
    assert html.escape("\"'><u>.py") in section.html and "http" not in section.html


def test_the_csv_keeps_spreadsheets_from_running_a_name(tmp_path: Path) -> None:
    code = REFERENCE.read_text(encoding="utf-8")
    findings = compare([source("=HYPERLINK(1)", code), source("bob", disguised(code))], skeletons=SKELETONS)
    path = write_csv(findings, tmp_path)
    [row] = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert row["student_a"] == "'=HYPERLINK(1)" and row["student_b"] == "bob"
    assert float(row["share_a_in_b"]) > 0.9 and int(row["tokens_in_common"]) > 500


# --- `grader grade`: the step beside the class outputs, on fake results (no training) ---------------------------


@pytest.fixture
def fake_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every submission "graded" at once, as if by the session, with no check: the step is what is tested."""

    def run(session: object, submissions: list[Submission], console: object) -> list[Graded]:
        return [
            Graded(AssignmentResult(A2, s.name, SubmissionStatus.GRADED, (), 0.0, "fake", student=s.label), True, 1)
            for s in submissions
        ]

    monkeypatch.setattr(batch, "run_with_progress", run)
    monkeypatch.setattr("grader.data.datasets.locate", lambda *args: Path("/"))


def test_grade_writes_the_csv_and_the_report_section_and_changes_no_score(
    tmp_path: Path, fake_grading: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    folder = _plain_class(tmp_path / "class", {"ana": reference, "ben": disguised(reference)})
    shutil.copyfile(OTHER_WAYS[0], _plain_class(folder, {"cho": ""}) / "cho" / "submission.py")
    (folder / "dan.py").write_bytes(b"\0binary")
    earlier = _plain_class(tmp_path / "2024-fall", {"eve": reference})
    out = tmp_path / "out"
    args = ["grade", A2, str(folder), "--out", str(out), "--similarity-against", str(earlier)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "similarity: 3 pair(s) at or above 60% among 3 submission(s)" in printed
    assert "dan.py of dan was not compared" in printed
    rows = list(csv.DictReader((out / A2 / FILENAME).read_text(encoding="utf-8-sig").splitlines()))
    assert sorted((r["student_a"], r["student_b"]) for r in rows) == [
        ("ana", "2024-fall/eve"), ("ana", "ben"), ("ben", "2024-fall/eve")
    ]  # fmt: skip
    report = (out / A2 / "report.html").read_text(encoding="utf-8")
    assert '<section id="similarity">' in report and "dan — dan.py: not text" in report
    plain = tmp_path / "plain"
    assert main([*args[:3], "--out", str(plain), "--no-similarity"]) == 0
    for name in ("gradebook.csv", "ana/results.json", "ben/feedback.md"):  # the step changes no score, no student file
        assert (out / A2 / name).read_bytes() == (plain / A2 / name).read_bytes()

    before = {p: p.stat().st_mtime_ns for p in (out / A2).rglob("*") if p.is_file()}
    assert main(args) == 0  # nothing changed: nothing rewritten
    assert {p: p.stat().st_mtime_ns for p in before} == before

    assert main([*args, "--similarity-threshold", "0.99"]) == 0  # a new threshold: the outputs follow
    assert len((out / A2 / FILENAME).read_text(encoding="utf-8-sig").splitlines()) < 1 + len(rows)

    assert main(["grade", A2, str(folder / "ana"), "--out", str(out)]) == 0  # one student into the class's folder
    assert "Not recomputed" in (out / A2 / "report.html").read_text(encoding="utf-8")
    assert (out / A2 / FILENAME).is_file()


def test_no_similarity_turns_it_off(tmp_path: Path, fake_grading: None) -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    folder = _plain_class(tmp_path / "class", {"ana": reference, "ben": reference})
    assert main(["grade", A2, str(folder), "--out", str(tmp_path / "out"), "--no-similarity"]) == 0
    assert not (tmp_path / "out" / A2 / FILENAME).exists()
    assert 'id="similarity"' not in (tmp_path / "out" / A2 / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("option", "value"),
    [("--similarity-threshold", "0"), ("--similarity-threshold", "1.5"), ("--similarity-against", "/no/such")],
)
def test_bad_similarity_options_are_usage_errors(option: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["grade", A2, str(tmp_path), option, value])
    assert exc.value.code == 2
