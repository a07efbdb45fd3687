"""The students' commands as a student meets them: `grader check` (language, check ids, progress, exit status) and
`grader run` (their own `__main__` flow or notebook, with the course data served offline)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from grader import cli, results
from grader.cli import CHECKS_FAILED, build_parser, main
from grader.data import datasets
from grader.data.datasets import Dataset
from grader.grading import GradeOptions
from grader.messages import CATALOGUE
from grader.platforms.github_classroom import ci as classroom_ci
from grader.results import AssignmentResult, Status, SubmissionStatus
from grader.runners import Progress
from grader.runners.base import ProgressWatch, wait_for
from grader.student.console import StepLines, wrap_block
from grader.student.run import RUN_FOLDER, TIMED_OUT

from .conftest import ROOT

TORCH = ROOT / "solutions" / "02_torch_loop"
SMOKE = ["--dataset", "fashion-mnist"]
SLOW_START = "def train_one_epoch(model, loader, device):\n    time.sleep(1)\n"


@pytest.mark.parametrize("command", ["check", "classroom", "run"])
def test_lang_is_an_option_and_help_shows_it(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args([command, "--help"])
    assert stopped.value.code == 0
    assert "--lang {en,ko}" in capsys.readouterr().out


def test_check_help_gives_the_exit_status_of_a_failed_check(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["check", "--help"])
    assert f"{CHECKS_FAILED} a visible check failed" in " ".join(capsys.readouterr().out.split())


def _passing(options: list[GradeOptions]) -> object:
    """A stand-in for grade_submission that records its options and passes every check, without running anything."""

    def grade(spec: object, submission: object, data: Dataset, chosen: GradeOptions, **_: object) -> AssignmentResult:
        options.append(chosen)
        test = results.TestResult("runs", "Runs", 1.0, 1.0, Status.PASSED, "visible", "ok")
        return AssignmentResult("02_torch_loop", "alice", SubmissionStatus.GRADED, (test,), 0.1, "")

    return grade


def test_lang_reaches_the_grading_options_of_check_and_classroom(
    fashion: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options: list[GradeOptions] = []
    monkeypatch.setattr(cli, "grade_submission", _passing(options))
    monkeypatch.setattr(classroom_ci, "grade_submission", _passing(options))
    assert main(["check", "02_torch_loop", str(TORCH / "submission.py"), *SMOKE, "--lang", "ko"]) == 0
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "submission.py").write_text((TORCH / "submission.py").read_text(encoding="utf-8"), encoding="utf-8")
    out = ["--out", str(tmp_path / "out")]
    assert main(["classroom", "02_torch_loop", str(repo), *out, *SMOKE, "--lang", "ko"]) == 0
    assert [o.lang for o in options] == ["ko", "ko"]


@pytest.mark.slow
def test_a_failing_visible_check_exits_3_with_ids_and_progress_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The flawed example, its training made to last a second so that progress polls must see it."""
    source = (TORCH / "examples" / "softmax_dim0.py").read_text(encoding="utf-8")
    slowed = source.replace("def train_one_epoch(model, loader, device):\n", SLOW_START, 1)
    assert slowed != source
    (tmp_path / "softmax_dim0.py").write_text(f"import time\n{slowed}", encoding="utf-8")
    code = main(["check", "02_torch_loop", str(tmp_path / "softmax_dim0.py"), *SMOKE])
    shown = capsys.readouterr().out
    assert code == CHECKS_FAILED
    assert "FAIL architecture · Model architecture (0/2)" in shown
    assert "PASS zero_grad · " in shown and "NOTE loss_advice · " in shown
    progress = [line for line in shown.splitlines() if line.startswith("[0:")]
    assert progress[0].endswith("loading PyTorch and the dataset")
    assert any(line.endswith("running your `train_one_epoch` — epoch 1/1, batch 0/63") for line in progress)
    assert progress[-1].endswith("checking the results")


@pytest.mark.slow
def test_the_reference_passes_with_exit_0_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "02_torch_loop", str(TORCH / "submission.py"), *SMOKE, "--lang", "ko"]) == 0
    shown = capsys.readouterr().out
    assert "통과 data_pipeline · " in shown
    assert "공개 항목: 9점 중 9점 (smoke 프로필)." in shown
    assert "1개 항목은 마감일 이후에 채점합니다" in shown


def test_progress_is_read_from_the_artifacts_as_data(tmp_path: Path) -> None:
    seen: list[Progress] = []
    watch = ProgressWatch(tmp_path, seen.append)
    watch.tick()
    (tmp_path / "progress.json").write_text(json.dumps({"step": "train", "started": 0}), encoding="utf-8")
    watch.tick()
    (tmp_path / "progress.json").write_text(json.dumps({"step": "[red]x" * 20}), encoding="utf-8")
    watch.tick()
    (tmp_path / "progress.json").unlink()
    (tmp_path / "elsewhere.json").write_text(json.dumps({"step": "train"}), encoding="utf-8")
    (tmp_path / "progress.json").symlink_to(tmp_path / "elsewhere.json")
    watch.tick()
    assert [p.step for p in seen] == [None, "train", None, None]
    assert all(p.elapsed_s >= 0 for p in seen)


def test_off_a_terminal_progress_is_one_line_per_new_step() -> None:
    stream = io.StringIO()
    lines = StepLines(Console(file=stream, width=80), "en")
    for step, elapsed in ((None, 0.1), ("prepare", 0.5), ("prepare", 1.0), ("train", 65.0), ("fit", 70.0)):
        lines(Progress(step, elapsed))
    assert stream.getvalue().splitlines() == [
        "[0:00] starting the grader",
        "[0:00] loading the framework and the dataset",
        "[1:05] running your `train`",
        "[1:10] training your model with the grader's Trainer",
    ]


@pytest.mark.slow
def test_the_runs_of_a_staged_job_are_named_in_its_progress(capsys: pytest.CaptureFixture[str]) -> None:
    """04/05 grade in three runs, each with a clock of its own from 0:00: each line says which run it is."""
    reference = ROOT / "solutions" / "05_torch_save_load" / "submission.py"
    assert main(["check", "05_torch_save_load", str(reference), *SMOKE]) == 0
    progress = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    for run in ("save", "inspect", "load"):
        assert any(line.startswith(f"[{run} 0:") for line in progress), progress
    assert not any(line.startswith("[0:") for line in progress)


def test_wrapped_lines_keep_the_block_indent_and_their_own() -> None:
    text = "The model does not match the course note's MLP:\n- layer 6 (Softmax): expected dim=1, found 0 " * 2
    wrapped = wrap_block(text.strip(), 5, 40)
    assert all(cell_len(line) <= 40 for line in wrapped)
    assert all(line.startswith("     ") for line in wrapped)
    assert wrapped[0] == "     The model does not match the course"
    assert wrapped[1] == "     note's MLP:"
    assert wrapped[2].startswith("     - layer 6")
    code = wrap_block('  File "submission.py", line 12, in load_data and more words here', 4, 30)
    assert all(line.startswith("      ") for line in code)


def test_wrapping_counts_korean_cells_and_never_splits_a_word() -> None:
    wrapped = wrap_block("공개 항목이 하나라도 실패하면 종료 코드 3으로 끝납니다", 2, 30)
    assert all(cell_len(line) <= 30 for line in wrapped) and all(line.startswith("  ") for line in wrapped)
    assert len(wrapped) == 3
    assert wrap_block("see /a/very/long/path/that/does/not/fit/anywhere.py now", 0, 20)[1].startswith("/a/very")


def _run(tmp_path: Path, name: str, source: str, assignment: str = "02_torch_loop", *options: str) -> int:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return main(["run", assignment, str(path), *SMOKE, *options])


TORCHVISION_FLOW = """
import sys
import torchvision

if __name__ == "__main__":
    train = torchvision.datasets.MNIST(root="./data", train=True, download=True)
    test = torchvision.datasets.MNIST(root="./data", train=False, download=True)
    print("shapes", tuple(train.data.shape), tuple(test.data.shape))
    sys.exit(7)
"""


def test_run_serves_torchvision_offline_and_passes_the_exit_code_on(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, "flow.py", TORCHVISION_FLOW) == 7
    out = capfd.readouterr().out
    assert "shapes (2000, 28, 28) (500, 28, 28)" in out
    assert "Running flow.py as __main__ on fashion-mnist" in out
    assert "Your program ended with exit code 7" in out


KERAS_FLOW = """
import tensorflow as tf

if __name__ == "__main__":
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    print("shapes", x_train.shape, x_test.shape)
"""


def test_run_serves_the_keras_loader_offline(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, "flow.py", KERAS_FLOW, "01_tf_quickstart", "--lang", "ko") == 0
    out = capfd.readouterr().out
    assert "shapes (2000, 28, 28) (500, 28, 28)" in out
    assert "(종료 코드 0)" in out


def test_run_stops_a_program_at_the_time_limit(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str]
) -> None:
    source = 'import time\nif __name__ == "__main__":\n    print("started", flush=True)\n    time.sleep(60)\n'
    assert _run(tmp_path, "slow.py", source, "02_torch_loop", "--time-limit", "1") == TIMED_OUT
    out = capfd.readouterr().out
    assert "started" in out and "after 1 s (the time limit" in out


def _notebook(cells: list[str]) -> str:
    code = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": s} for s in cells]
    title = {"cell_type": "markdown", "metadata": {}, "source": "# My notebook"}
    return json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [title, *code]})


def test_run_runs_a_notebook_top_to_bottom_and_names_cells_in_tracebacks(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str]
) -> None:
    notebook = _notebook(
        [
            "!pip install torchvision\n%matplotlib inline\nimport torchvision",
            "train = torchvision.datasets.MNIST(root='./data', train=True, download=True)\nprint('train', len(train))",
            "def broken():\n    return 1 / 0",
            "x = 1\nbroken()",
        ]
    )
    assert _run(tmp_path, "work.ipynb", notebook) == 1
    captured = capfd.readouterr()
    assert "train 2000" in captured.out
    assert "IPython magics and `!` shell lines are skipped" in captured.out
    assert '"work.ipynb", cell 5, line 2, in <module>' in captured.err
    assert '"work.ipynb", cell 4, line 2, in broken' in captured.err
    assert "runpy" not in captured.err


SAVING_FLOW = """
import os
from pathlib import Path

if __name__ == "__main__":
    print("the folder holds", sorted(os.listdir(".")))
    Path("model.pt").write_bytes(b"weights")
"""


def test_run_keeps_its_folder_with_what_the_program_saved_and_never_deletes_an_earlier_run(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / RUN_FOLDER / "02_torch_loop"
    assert _run(tmp_path, "flow.py", SAVING_FLOW) == 0
    first = " ".join(capfd.readouterr().out.split())  # as read, whatever the wrapping
    assert "the folder holds ['data']" in first  # torchvision's files in ./data, as grading serves them
    assert (folder / "model.pt").read_bytes() == b"weights"
    assert sorted(p.name for p in folder.iterdir()) == ["model.pt"]  # the dataset copy is taken back
    assert f"kept: {folder}" in first and f"in the folder {folder}" in first
    assert (tmp_path / RUN_FOLDER / ".gitignore").read_text(encoding="utf-8").endswith("*\n")

    assert _run(tmp_path, "flow.py", SAVING_FLOW) == 0
    second = " ".join(capfd.readouterr().out.split())
    assert "the folder holds ['data']" in second  # each run starts afresh, as a grading run does
    earlier = tmp_path / RUN_FOLDER / "02_torch_loop.1"
    assert f"The previous run's folder is kept as {earlier}." in second
    assert (earlier / "model.pt").read_bytes() == b"weights" and (folder / "model.pt").is_file()


COLAB_FLOW = [
    "!pip install -q torchvision\n%matplotlib inline",
    "from google.colab import drive\ndrive.mount('/content/drive')",
    "import torchvision\ntrain = torchvision.datasets.MNIST(root='./data', train=True, download=True)",
    "from google.colab import files\nuploaded = files.upload()\nfor name in uploaded:\n    print(name)",
    "open('model.pt', 'wb').write(b'weights')\nprint('reached the end with', len(train))",
]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_run_skips_the_colab_lines_of_a_notebook_says_which_and_runs_it_to_the_end(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str], lang: str
) -> None:
    assert _run(tmp_path, "colab.ipynb", _notebook(COLAB_FLOW), "02_torch_loop", "--lang", lang) == 0
    out = capfd.readouterr().out
    assert "reached the end with 2000" in out
    skipped = {
        "en": ["cell 3, line 1: from google.colab import drive", "cell 3, line 2: drive.mount('/content/drive')",
               "cell 5, line 2: uploaded = files.upload()", "cell 5, lines 3-4: for name in uploaded:"],
        "ko": ["3번 셀 1번째 줄: from google.colab import drive", "5번 셀 3-4번째 줄: for name in uploaded:"],
    }[lang]  # fmt: skip
    for line in skipped:
        assert f"  {line}" in out
    assert {"en": "cell 2: IPython magics", "ko": "2번 셀: IPython 매직"}[lang] in out


def test_run_never_says_grading_in_korean(
    tmp_path: Path, fashion: Dataset, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`grader run` grades nothing: not one of its lines says 채점, the dataset it falls back to included."""
    locate = datasets.locate
    monkeypatch.setattr(
        datasets, "locate", lambda name, *args, **kw: None if name == "mnist" else locate(name, *args, **kw)
    )
    path = tmp_path / "colab.ipynb"
    path.write_text(_notebook(COLAB_FLOW), encoding="utf-8")
    for _ in range(2):  # the second run also says where the first one's folder went
        assert main(["run", "02_torch_loop", str(path), "--lang", "ko"]) == 0
    out = " ".join(capfd.readouterr().out.split())
    assert "fashion-mnist" in out and "대신 제공합니다" in out and "이전 실행의 폴더는" in out
    assert "채점" not in out
    unreadable = ("not_a_notebook", "version", "invalid", "invalid_json", "too_large")  # a notebook run cannot read
    said = ["dataset.fallback_run", "notebook.cell", "notebook.cells", "notebook.colab_line", "notebook.colab_lines"]
    run_ids = [key for key in CATALOGUE if key.startswith("cli.run.")]
    for key in [*run_ids, *said, *(f"notebook.{name}" for name in unreadable)]:
        assert "채점" not in CATALOGUE[key].ko, key


def test_run_refuses_a_file_that_is_not_a_notebook(
    tmp_path: Path, fashion: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, "broken.ipynb", '{"cells": "no"}') == 2
    assert "broken.ipynb" in capsys.readouterr().err


class _Container:
    """A stand-in for the `docker run` process: running for two waits, then done."""

    def __init__(self) -> None:
        self.polls = 0

    def wait(self, timeout: float | None = None) -> int:
        self.polls += 1
        if self.polls <= 2:
            raise subprocess.TimeoutExpired("docker run", timeout or 0)
        return 0


def test_the_docker_backend_reports_progress_while_it_waits(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text(json.dumps({"step": "fit"}), encoding="utf-8")
    seen: list[Progress] = []
    ended = wait_for(_Container(), 60.0, (), ProgressWatch(tmp_path, seen.append), lambda: None)  # type: ignore[arg-type]
    assert ended == (False, False)
    assert [p.step for p in seen] == ["fit", "fit"]


WHICH_GRADER = """
import sys

if __name__ == "__main__":
    print("runner", sys.modules["grader.sandbox.student_main"].__file__)
"""


def test_run_uses_the_grader_the_command_runs_even_from_a_checkout_on_pythonpath(
    tmp_path: Path, fashion: Dataset
) -> None:
    """A checkout used through PYTHONPATH, beside an installed grader: the program runs under the checkout's
    sandbox, not the installed one (`-I` alone would ignore PYTHONPATH)."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "grader", checkout / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "flow.py").write_text(WHICH_GRADER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(checkout), "GRADER_ASSIGNMENTS_DIR": str(ROOT / "assignments")}
    command = [sys.executable, "-m", "grader", "run", "02_torch_loop", str(tmp_path / "flow.py"), *SMOKE]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"runner {checkout / 'grader' / 'sandbox' / 'student_main.py'}" in done.stdout
