"""A whole class in one folder (`discover`) and GitHub Classroom CI (`grader.platforms.github_classroom.ci`, the
workflow template)."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from grader.data import datasets
from grader.grading import not_graded
from grader.job import Submission
from grader.platforms.github_classroom.ci import _dated, classroom_result, report, run_classroom
from grader.results import AssignmentResult, Status, SubmissionStatus
from grader.results import TestResult as CheckResult  # a module-level `Test*` name would be collected by pytest
from grader.spec import load_spec
from grader.submissions import Accepted, SubmissionError, discover, safe_name, unique_names

from .conftest import ROOT

ENTRY = "submission.py"
ASSIGNMENT = "01_tf_quickstart"
ACCEPTED = Accepted(("submission.py", "submission.ipynb"), ASSIGNMENT)
TEMPLATE = ROOT / "grader" / "platforms" / "github_classroom" / "templates" / "classroom.yml"
CODE = "def load_data():\n    return None\n"

# As Gradescope's "Export Submissions" writes it (Ruby symbols as keys), with the kinds of values it holds.
GRADESCOPE_METADATA = """\
submission_101:
  :submitters:
  - :name: Alice Kim
    :sid: '20231234'
    :email: alice@uni.example
  :created_at: 2024-03-01 10:12:13.456789000 -08:00
  :score: 10.0
  :status: processed
  :history: []
submission_102:
  :submitters:
  - :name: Bob Lee
    :sid: ''
    :email: bob.lee@uni.example
  :created_at: 2024-03-02 09:00:00.000000000 -08:00
  :score: !ruby/object:BigDecimal 18:0.7E1
submission_103:
  :submitters:
  - :name: Carol Park
    :sid: 1001
    :email: carol@uni.example
  - :name: Dan Choi
    :sid: 1002
    :email: dan@uni.example
submission_104:
  :submitters:
  - :name: Erin Yoon
submission_105:
  :submitters:
  - :name: Frank Oh
    :sid: '55'
submission_106:
  :submitters:
  - :name: Gina Seo
    :sid: '66'
"""


def write(path: Path, text: str = CODE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def clone(folder: Path, files: tuple[str, ...]) -> Path:
    """A `git clone` as GitHub Classroom's download gives it: a .git folder plus the repository's files."""
    write(folder / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(folder / ".github" / "workflows" / "classroom.yml", "name: Autograding Tests\n")
    write(folder / "README.md", "# assignment\n")
    for name in files:
        write(folder / name)
    return folder


def names(submissions: tuple[Submission, ...]) -> dict[str, Path]:
    return {s.name: s.entry for s in submissions}


# --- Gradescope -------------------------------------------------------------------------------------------------


def test_the_metadata_fixture_reads_as_ruby_symbol_keys() -> None:
    """What the parser relies on: YAML reads `:submitters:` as the key ':submitters'."""
    record = yaml.safe_load(GRADESCOPE_METADATA.replace("!ruby/object:BigDecimal 18:0.7E1", "7.0"))["submission_101"]
    assert record[":submitters"][0] == {":name": "Alice Kim", ":sid": "20231234", ":email": "alice@uni.example"}


def test_gradescope_export(tmp_path: Path) -> None:
    export = tmp_path / "assignment_4242_export"
    write(export / "submission_metadata.yml", GRADESCOPE_METADATA)
    write(export / "submission_101" / ENTRY)
    write(export / "submission_102" / ENTRY)
    write(export / "submission_103" / "hw1" / ENTRY)  # uploaded as a folder
    write(export / "submission_104" / ENTRY)
    write(export / "submission_105" / "notebook.py")  # nothing named submission.py
    # submission_106 is listed but its folder is not in the export
    write(export / "hana.ipynb", "{}")  # a stray file beside the export's folders
    roster = discover(export, ACCEPTED)
    assert roster.layout == "gradescope"
    assert roster.unrecognised == ("hana.ipynb",)
    assert names(roster.submissions) == {
        "20231234": (export / "submission_101" / ENTRY).resolve(),
        "bob.lee": (export / "submission_102" / ENTRY).resolve(),
        "1001+1002": (export / "submission_103" / "hw1" / ENTRY).resolve(),
        "Erin_Yoon": (export / "submission_104" / ENTRY).resolve(),
    }
    missing = {m.name: m.reason.render() for m in roster.missing}
    assert set(missing) == {"55", "66"}
    assert "no submission.py or submission.ipynb in submission_105/" in missing["55"]
    assert "notebook.py" in missing["55"]
    assert "submission_106" in missing["66"] and "no folder" in missing["66"]


def test_gradescope_folder_without_metadata_entry_is_named_after_the_folder(tmp_path: Path) -> None:
    write(tmp_path / "submission_metadata.yml", "{}\n")
    write(tmp_path / "submission_7" / ENTRY)
    roster = discover(tmp_path, ACCEPTED)
    assert [s.name for s in roster.submissions] == ["submission_7"]


def test_unreadable_gradescope_metadata_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "submission_metadata.yml", "submission_1: [unclosed\n")
    write(tmp_path / "submission_1" / ENTRY)
    with pytest.raises(SubmissionError, match="cannot read the Gradescope metadata"):
        discover(tmp_path, ACCEPTED)


# --- GitHub Classroom -------------------------------------------------------------------------------------------


def test_github_classroom_clones(tmp_path: Path) -> None:
    skeleton = f"assignments/{ASSIGNMENT}/{ENTRY}"
    clone(tmp_path / "mnist-hw1-alice", (skeleton, "assignments/02_torch_loop/README.md"))
    clone(tmp_path / "mnist-hw1-bob-smith", (ENTRY,))
    clone(tmp_path / "mnist-hw1-carol", ("src/model/" + ENTRY, ".venv/lib/" + ENTRY, "__pycache__/" + ENTRY))
    clone(tmp_path / "mnist-hw1-dan", ("a/" + ENTRY, "b/" + ENTRY))
    clone(tmp_path / "mnist-hw1-erin", ("train.py",))
    write(tmp_path / "grades.csv", "name,score\n")  # a roster export beside the clones is not a student
    roster = discover(tmp_path, ACCEPTED)
    assert roster.layout == "github-classroom"
    assert roster.unrecognised == ("grades.csv",)
    assert names(roster.submissions) == {
        "alice": (tmp_path / "mnist-hw1-alice" / skeleton).resolve(),
        "bob-smith": (tmp_path / "mnist-hw1-bob-smith" / ENTRY).resolve(),
        "carol": (tmp_path / "mnist-hw1-carol" / "src" / "model" / ENTRY).resolve(),
    }
    missing = {m.name: m.reason.render() for m in roster.missing}
    assert set(missing) == {"dan", "erin"}
    assert "several submission.py" in missing["dan"]
    assert "a/submission.py" in missing["dan"] and "b/submission.py" in missing["dan"]
    assert "train.py" in missing["erin"]


def test_skeleton_location_wins_over_other_copies(tmp_path: Path) -> None:
    clone(tmp_path / "hw-alice", (f"assignments/{ASSIGNMENT}/{ENTRY}", ENTRY, f"assignments/02_torch_loop/{ENTRY}"))
    clone(tmp_path / "hw-bob", (ENTRY,))
    roster = discover(tmp_path, ACCEPTED)
    assert roster.submissions[0].entry == (tmp_path / "hw-alice" / "assignments" / ASSIGNMENT / ENTRY).resolve()


def test_github_classroom_detected_by_prefix_without_git(tmp_path: Path) -> None:
    write(tmp_path / "quickstart-jdoe" / ENTRY)
    write(tmp_path / "quickstart-jroe" / ENTRY)
    roster = discover(tmp_path, ACCEPTED)
    assert roster.layout == "github-classroom"
    assert [s.name for s in roster.submissions] == ["jdoe", "jroe"]


def test_a_single_clone_keeps_its_folder_name(tmp_path: Path) -> None:
    clone(tmp_path / "quickstart-jdoe", (ENTRY,))
    roster = discover(tmp_path, ACCEPTED)
    assert roster.layout == "github-classroom"
    assert [s.name for s in roster.submissions] == ["quickstart-jdoe"]


# --- plain folders and files ------------------------------------------------------------------------------------


def test_plain_folders_and_loose_files(tmp_path: Path) -> None:
    write(tmp_path / "alice" / ENTRY)
    write(tmp_path / "alice" / "helpers.py")
    write(tmp_path / "bob.py")
    write(tmp_path / "carol" / "notes.txt", "todo\n")
    write(tmp_path / "README.md", "# class\n")
    write(tmp_path / ".DS_Store", "")
    write(tmp_path / "__pycache__" / "bob.cpython-311.pyc", "")
    write(tmp_path / ".hidden" / ENTRY)
    roster = discover(tmp_path, ACCEPTED)
    assert roster.layout == "folders"
    assert names(roster.submissions) == {
        "alice": (tmp_path / "alice" / ENTRY).resolve(),
        "bob": (tmp_path / "bob.py").resolve(),
    }
    reason = "no submission.py or submission.ipynb in carol/ (it holds no *.py or *.ipynb file, only: notes.txt)"
    assert [(m.name, m.reason.render()) for m in roster.missing] == [("carol", reason)]


def test_what_a_folder_without_a_submission_held_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "dots" / ".DS_Store", "")
    for index in range(7):
        write(tmp_path / "many" / f"page{index}.pdf", "")
    write(tmp_path / "ana" / ENTRY)
    write(tmp_path / "roster.csv", "ana\n")
    roster = discover(tmp_path, ACCEPTED)
    reasons = {m.name: m.reason.render() for m in roster.missing}
    assert reasons["empty"].endswith("(the folder is empty)") and reasons["dots"].endswith("(the folder is empty)")
    assert "only: page0.pdf, page1.pdf, page2.pdf, page3.pdf, page4.pdf and 2 more" in reasons["many"]
    many = next(m for m in roster.missing if m.name == "many")
    assert "page0.pdf, page1.pdf, page2.pdf, page3.pdf, page4.pdf 외 2개" in many.reason.render("ko")
    assert roster.unrecognised == ("roster.csv",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice", "alice"),
        ("Alice Kim", "Alice_Kim"),
        ("José", "José"),
        ("김철수", "김철수"),
        ("김 철수/", "김_철수_"),
        ("a@b.example+c-d_e", "a@b.example+c-d_e"),
        (".hidden", "_hidden"),
        ("..", "_."),
        ("../../etc", "_._.._etc"),
        ("", "unnamed"),
        ("   ", "unnamed"),
    ],
)
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


def test_names_are_sanitised_and_unique_across_submissions_and_missing(tmp_path: Path) -> None:
    write(tmp_path / "Alice Kim" / ENTRY)
    write(tmp_path / "Alice_Kim" / ENTRY)
    write(tmp_path / "Alice_Kim.py")
    (tmp_path / "Alice?Kim").mkdir()
    roster = discover(tmp_path, ACCEPTED)
    every = [s.name for s in roster.submissions] + [m.name for m in roster.missing]
    assert sorted(every) == ["Alice_Kim", "Alice_Kim-2", "Alice_Kim-3", "Alice_Kim-4"]
    assert roster.missing[0].name == "Alice_Kim-2"  # sorted: "Alice Kim", "Alice?Kim", "Alice_Kim", then files


def test_unique_names_never_reuses_a_taken_name() -> None:
    entries = [Submission(n, Path(f"/{i}.py")) for i, n in enumerate(["a", "a", "a-2"])]
    assert [s.name for s in unique_names(entries)] == ["a", "a-3", "a-2"]
    assert [s.name for s in unique_names([Submission("b", Path("/b.py"))] * 3)] == ["b", "b-2", "b-3"]


def test_links_out_of_a_students_own_folder_are_refused_and_named(tmp_path: Path) -> None:
    """A link is followed only inside the student's own folder: not to the host, not to a classmate's file."""
    outside = tmp_path / "elsewhere"
    write(outside / "mallory" / ENTRY)
    secret = write(outside / "secret.py")
    cls = tmp_path / "class"
    write(cls / "alice" / ENTRY)
    (cls / "mallory").symlink_to(outside / "mallory", target_is_directory=True)
    (cls / "oscar").mkdir()
    (cls / "oscar" / ENTRY).symlink_to(secret)
    (cls / "trent.py").symlink_to(secret)
    (cls / "peggy").mkdir()
    (cls / "peggy" / ENTRY).symlink_to(cls / "alice" / ENTRY)  # a classmate's file
    write(cls / "victor" / ENTRY)
    (cls / "victor" / "helper.py").symlink_to(Path("/etc/hostname"))
    write(cls / "wendy" / "mine.py")
    (cls / "wendy" / ENTRY).symlink_to("mine.py")  # inside her own folder: followed
    roster = discover(cls, ACCEPTED)
    assert sorted(s.name for s in roster.submissions) == ["alice", "wendy"]
    missing = {m.name: m.reason.render() for m in roster.missing}
    assert set(missing) == {"mallory", "oscar", "peggy", "trent", "victor"}
    assert all("not followed" in reason for reason in missing.values()), missing
    assert "oscar/submission.py" in missing["oscar"] and "peggy/submission.py" in missing["peggy"]
    assert "victor/helper.py" in missing["victor"] and "trent.py" in missing["trent"]
    assert all(str(outside) not in str(s.entry) for s in roster.submissions)


def test_empty_class_folder_is_an_error_naming_the_layouts(tmp_path: Path) -> None:
    with pytest.raises(SubmissionError) as caught:
        discover(tmp_path, ACCEPTED)
    message = str(caught.value)
    assert "no submissions found" in message
    assert "Gradescope" in message and "GitHub Classroom" in message and "submission.py" in message
    write(tmp_path / "README.md", "# nothing here\n")
    with pytest.raises(SubmissionError, match="accepted layouts"):
        discover(tmp_path, ACCEPTED)
    with pytest.raises(SubmissionError, match="no such folder"):
        discover(tmp_path / "nope", ACCEPTED)


# --- GitHub Classroom reporting ---------------------------------------------------------------------------------


def graded(*tests: CheckResult) -> AssignmentResult:
    output = "01_tf_quickstart: 6.5/10 points (mnist, full profile, seed 7)."
    return AssignmentResult(ASSIGNMENT, "alice", SubmissionStatus.GRADED, tests, 3.2, output)


PASSED = CheckResult("runs", "Runs without errors", 1.0, 1.0, Status.PASSED, "visible", "all ran")
FAILED = CheckResult("compile", "Optimizer | loss", 0.0, 2.0, Status.FAILED, "visible", "loss: expected x\nfound y")
ACCURACY = CheckResult("accuracy", "Accuracy", 5.5, 7.0, Status.FAILED, "after_due_date", "accuracy 0.91 < 0.95")
ADVICE = CheckResult("loss_advice", "Loss advice", 0.0, 0.0, Status.FAILED, "visible", "expects logits")


def decode(output_file: Path) -> dict[str, object]:
    [line] = [line for line in output_file.read_text(encoding="utf-8").splitlines() if line.startswith("result=")]
    return json.loads(base64.b64decode(line.removeprefix("result=")))


def test_classroom_result_of_a_graded_submission() -> None:
    data = classroom_result(graded(PASSED, FAILED, ACCURACY))
    assert data["version"] == 1
    assert data["status"] == "fail"
    assert data["max_score"] == 10
    assert [(t["name"], t["status"], t["score"], t["max_score"]) for t in data["tests"]] == [
        ("Runs without errors", "pass", 1, 1),
        ("Optimizer | loss", "fail", 0, 2),
        ("Accuracy", "fail", 5.5, 7),
    ]
    keys = {"name", "status", "score", "max_score", "message", "test_code", "filename", "line_no", "duration"}
    assert all(set(test) == keys for test in data["tests"])
    assert data["tests"][1]["message"] == "loss: expected x\nfound y"
    assert data["tests"][2]["test_code"] == "accuracy"
    assert "after the due date" in data["tests"][2]["message"]  # counted, but the held-out figures stay hidden


def test_a_failed_zero_point_advice_does_not_fail_the_run() -> None:
    data = classroom_result(graded(PASSED, ADVICE))
    assert data["status"] == "pass"
    assert data["tests"][1]["status"] == "fail"


def test_report_prints_points_and_writes_github_files(tmp_path: Path) -> None:
    output, summary = tmp_path / "github_output", tmp_path / "step_summary.md"
    output.write_text("earlier=1\n", encoding="utf-8")
    env = {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    stream = io.StringIO()
    result = graded(PASSED, FAILED, ACCURACY)
    report(result, env, stream)
    shown = stream.getvalue()
    assert "Points 6.5/10" in shown.splitlines()
    assert "PASS  Runs without errors (1/1)" in shown
    assert "FAIL  Optimizer | loss (0/2)" in shown and "loss: expected x" in shown
    assert "0.91" not in shown
    assert "Accuracy" not in shown  # shown after the due date: one line, without its result
    assert "LATER 1 check(s) shown after the due date" in shown
    assert output.read_text(encoding="utf-8").startswith("earlier=1\n")
    data = decode(output)
    assert data == classroom_result(result)
    assert sum(t["score"] for t in data["tests"]) == 6.5  # what the reporter sends GitHub Classroom
    table = summary.read_text(encoding="utf-8")
    assert "### 01_tf_quickstart: 6.5/10 points" in table
    assert "| check | result | points | details |" in table
    assert "| Optimizer \\| loss | ❌ fail | 0/2 | loss: expected x found y |" in table
    assert "Accuracy" not in table and "| 1 check(s) shown after the due date | — | — | |" in table
    korean = io.StringIO()
    report(result, {}, korean, "ko")
    assert "마감 후 공개되는 검사 1개" in korean.getvalue()


def _latin_left(text: str, *known: str) -> list[str]:
    """The Latin words of `text` once the names it may carry as they are (ids, file names, the Points marker) are
    taken out."""
    for word in sorted(known, key=len, reverse=True):
        text = text.replace(word, "")
    return re.findall(r"[A-Za-z]+", text)


def test_report_in_korean_leaves_no_english_behind(tmp_path: Path) -> None:
    """Every line `grader classroom --lang ko` writes (log, job summary, the reporter's messages) is Korean around
    the names it quotes; `Points 6.5/10` is the autograding actions' marker, the same in every language."""
    ran = CheckResult("runs", "오류 없이 실행", 1.0, 1.0, Status.PASSED, "visible", "모두 실행되었습니다")
    wrong = CheckResult("compile", "설정", 0.0, 2.0, Status.FAILED, "visible", "loss가 다릅니다")
    later = CheckResult("accuracy", "정확도", 5.5, 7.0, Status.FAILED, "after_due_date", "정확도 0.91")
    result = AssignmentResult(ASSIGNMENT, "alice", SubmissionStatus.GRADED, (ran, wrong, later), 3.2, "6.5/10점.")
    checks = [("runs", "오류 없이 실행", 1.0, "visible"), ("accuracy", "정확도", 9.0, "after_due_date")]
    failed = not_graded(ASSIGNMENT, "alice", "데이터셋이 없습니다", checks, "ko")
    written = []
    for index, shown in enumerate((result, failed)):
        output, summary = tmp_path / f"output{index}", tmp_path / f"summary{index}.md"
        stream = io.StringIO()
        report(shown, {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}, stream, "ko")
        messages = [test["message"] for test in decode(output)["tests"]]
        written += [stream.getvalue(), summary.read_text(encoding="utf-8"), *messages]
    text = "\n".join(written)
    assert "Points 6.5/10" in text.splitlines()
    assert _latin_left(text, ASSIGNMENT, "Points", "loss", "visibility: after_due_date") == []
    assert "통과  오류 없이 실행 (1/1)" in text and "| 설정 | ❌ 실패 | 0/2 | loss가 다릅니다 |" in text


def test_run_classroom_in_korean_names_the_accepted_kinds_in_korean(tmp_path: Path) -> None:
    repo = clone(tmp_path / "repo", ())
    write(repo / "notes.txt", "see attached")
    stream = io.StringIO()
    assert run_classroom(ASSIGNMENT, repo, tmp_path / "out", {}, stream, lang="ko") == 0
    shown = stream.getvalue()
    assert "*.py 또는 *.ipynb 파일은 없고 다음만 있습니다" in shown
    assert _latin_left(shown, ASSIGNMENT, "Points", "repo/", "submission.py", "submission.ipynb", "*.py", "*.ipynb",
                       "notes.txt", "README.md", "Optimizer", "loss", "metric", "one-hot", "Softmax") == []  # fmt: skip


def test_report_without_github_env_writes_no_files(tmp_path: Path) -> None:
    stream = io.StringIO()
    report(graded(PASSED), {}, stream)
    assert "Points 1/1" in stream.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_not_graded_is_an_error_that_reports_no_points(tmp_path: Path) -> None:
    checks = [("runs", "Runs without errors", 1.0, "visible"), ("accuracy", "Accuracy", 9.0, "after_due_date")]
    result = not_graded(ASSIGNMENT, "alice", "Fashion-MNIST is not installed", checks)
    output, summary = tmp_path / "out", tmp_path / "summary.md"
    stream = io.StringIO()
    report(result, {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}, stream)
    data = decode(output)
    assert data["status"] == "error"
    assert data["max_score"] == 0
    assert all(t["status"] == "error" and t["score"] == t["max_score"] == 0 for t in data["tests"])
    assert all("not a score you earned" in t["message"] for t in data["tests"])
    shown = stream.getvalue()
    assert "Points" not in shown
    assert "not graded" in shown and "not a score you earned" in shown
    assert "Fashion-MNIST is not installed" in shown
    assert "0/" not in summary.read_text(encoding="utf-8")


# --- the workflow template --------------------------------------------------------------------------------------


def test_workflow_template() -> None:
    workflow = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    assert "push" in workflow["on"]
    assert "vars.GRADER_IMAGE" in workflow["env"]["GRADER_IMAGE"]
    assert "ghcr.io/OWNER/grader-cpu:0.1.0" in workflow["env"]["GRADER_IMAGE"]
    assert workflow["env"]["GRADER_ASSIGNMENT"] == ASSIGNMENT
    assert workflow["permissions"]["checks"] == "write"
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"] == "actions/checkout@v4"
    grade = next(step for step in steps if step.get("id") == "grade")
    command = " ".join(grade["run"].replace("\\\n", " ").split())
    assert "docker run --rm --network none" in command
    assert '-v "$PWD:/repo:ro" -v "$RUNNER_TEMP/out:/out"' in command
    assert '"$GRADER_IMAGE" python -m grader classroom "$GRADER_ASSIGNMENT" /repo --out /out' in command
    assert '>> "$GITHUB_OUTPUT"' in command
    reporter = steps[-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"] == "grade"
    assert reporter["env"] == {"GRADE_RESULTS": "${{ steps.grade.outputs.result }}"}
    assert "!cancelled()" in reporter["if"]


# --- run_classroom ----------------------------------------------------------------------------------------------


def test_run_classroom_grades_the_repository(
    fashion: datasets.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    repo = tmp_path / "repo"
    clone(repo, ())
    (repo / "assignments" / ASSIGNMENT).mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / ASSIGNMENT / ENTRY, repo / "assignments" / ASSIGNMENT / ENTRY)
    out, github_output = tmp_path / "out", tmp_path / "github_output"
    env = {"GITHUB_OUTPUT": str(github_output), "GITHUB_REPOSITORY": "course-org/quickstart-alice"}
    stream = io.StringIO()
    code = run_classroom(ASSIGNMENT, repo, out, env, stream, profile="smoke", backend="local", dataset=fashion.name)
    assert code == 0, stream.getvalue()
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["extra_data"]["status"] == "graded"
    assert results["extra_data"]["submission"] == "quickstart-alice"
    assert results["extra_data"]["provenance"]["profile"] == "smoke"
    assert results["extra_data"]["provenance"]["dataset"]["name"] == "fashion-mnist"
    assert results["score"] == 10
    assert "Points 10/10" in stream.getvalue().splitlines()
    data = decode(github_output)
    assert data["status"] == "pass"
    assert data["max_score"] == 10
    assert sum(t["score"] for t in data["tests"]) == 10


def test_run_classroom_without_the_entry_file_scores_zero(tmp_path: Path) -> None:
    repo = clone(tmp_path / "repo", ("notebook.py",))
    stream = io.StringIO()
    code = run_classroom(ASSIGNMENT, repo, tmp_path / "out", {}, stream)
    assert code == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0
    assert results["extra_data"]["status"] == "missing"
    assert "no submission.py or submission.ipynb in repo/ (found only: notebook.py)" in results["tests"][0]["output"]
    assert "Points 0/10" in stream.getvalue()


def test_run_classroom_with_a_dataset_problem_is_not_graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_system_copies = {name: replace(info, system_dirs=()) for name, info in datasets.DATASETS.items()}
    monkeypatch.setattr(datasets, "DATASETS", without_system_copies)
    repo = clone(tmp_path / "repo", (ENTRY,))
    output = tmp_path / "github_output"
    stream = io.StringIO()
    code = run_classroom(
        ASSIGNMENT, repo, tmp_path / "out", {"GITHUB_OUTPUT": str(output)}, stream, data_dir=tmp_path / "empty"
    )
    assert code == 1
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["extra_data"]["status"] == "not_graded"
    assert decode(output)["status"] == "error"
    assert "Points" not in stream.getvalue()


@pytest.mark.parametrize(
    ("assignment", "options", "problem"),
    [
        ("no_such_assignment", {}, "no assignment.yaml found"),
        (ASSIGNMENT, {"dataset": "cifar-10"}, "not cifar-10"),
        (ASSIGNMENT, {"profile": "huge"}, "unknown profile"),
        (ASSIGNMENT, {"backend": "cloud"}, "unknown backend"),
    ],
)
def test_run_classroom_setup_problems_are_not_graded(
    tmp_path: Path, assignment: str, options: dict[str, str], problem: str
) -> None:
    repo = clone(tmp_path / "repo", (ENTRY,))
    stream = io.StringIO()
    assert run_classroom(assignment, repo, tmp_path / "out", {}, stream, **options) == 1  # type: ignore[arg-type]
    assert problem in stream.getvalue()
    assert "not a score you earned" in stream.getvalue()


def test_a_late_push_says_so_in_the_log_and_its_points(tmp_path: Path) -> None:
    """With a due date in the spec, the Classroom run reads the last commit's date and reports the late policy's
    penalty beside the points (advice: the student's machine sets that date)."""
    folder = tmp_path / ASSIGNMENT
    shutil.copytree(ROOT / "assignments" / ASSIGNMENT, folder)
    with (folder / "assignment.yaml").open("a", encoding="utf-8") as spec_file:
        spec_file.write("due: {at: 2026-12-01T23:59:00+09:00, late: {per_day: 0.25}}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    when = {"GIT_COMMITTER_DATE": "2026-12-03T10:00:00+09:00", "GIT_AUTHOR_DATE": "2026-12-03T10:00:00+09:00"}
    env = {**when, "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for command in (
        ["init", "-q"],
        ["-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", "-C", str(repo), *command], check=True, env=env, capture_output=True)
    result = _dated(load_spec(folder), graded(PASSED, FAILED), repo)
    stream = io.StringIO()
    report(result, {}, stream)
    shown = stream.getvalue().splitlines()
    assert (
        "Submitted 2026-12-03T10:00:00+09:00, due 2026-12-01T23:59:00+09:00: 2 day(s) late, -50% (-0.5 points)."
        in shown
    )
    assert "Points 0.5/3" in shown
