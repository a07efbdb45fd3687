"""Signs of life while student code runs: the sandbox counts the training's epochs and batches into progress.json
(`grader.sandbox.progress`), the host reads them as untrusted, display-only data (`grader.runners.base`), and the
console names the framework being loaded and shows the counts (`grader.student.console`)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from grader.data.datasets import Dataset
from grader.grading import GradeOptions, grade_submission
from grader.job import Submission
from grader.messages import render
from grader.runners import Progress
from grader.runners.base import MAX_COUNT, PROGRESS_BYTES, ProgressWatch, TrainingCount, training_count
from grader.sandbox import progress
from grader.sandbox.recorder import Recorder
from grader.spec import load_spec
from grader.student.console import StepLines, doing

from .conftest import ROOT

FULL = {"step": "train_one_epoch", "epoch": 3, "epochs": 10, "batch": 1200, "batches": 1875}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, TrainingCount(3, 10, 1200, 1875)),
        ({"epoch": "3"}, None),
        ({"epoch": True}, None),
        ({"epoch": 3.0}, None),
        ({"epoch": 0}, None),
        ({"epoch": -3}, None),
        ({"epoch": MAX_COUNT + 1}, None),
        ({"epoch": [3]}, None),
        ({"epochs": 2}, TrainingCount(3, None, 1200, 1875)),
        ({"epochs": float("nan")}, TrainingCount(3, None, 1200, 1875)),
        ({"batch": 1876}, TrainingCount(3, 10, 1876, None)),
        ({"batch": {"$gt": 0}}, TrainingCount(3, 10, None, None)),
        ({"batches": 0, "batch": 0}, TrainingCount(3, 10, 0, None)),
        ({"batch": 0}, TrainingCount(3, 10, 0, 1875)),
        ({"batches": 10**30}, TrainingCount(3, 10, 1200, None)),
    ],
)
def test_training_counts_are_whole_numbers_in_range_or_dropped(
    changes: dict[str, Any], expected: TrainingCount | None
) -> None:
    assert training_count({**FULL, **changes}) == expected


def _ticks(folder: Path, contents: list[bytes | None]) -> list[Progress]:
    seen: list[Progress] = []
    watch = ProgressWatch(folder, seen.append, "torch")
    for content in contents:
        target = folder / "progress.json"
        if target.is_symlink() or target.exists():
            target.unlink()
        if content is not None:
            target.write_bytes(content)
        watch.tick()
    return seen


def test_garbage_in_progress_json_is_never_shown_and_never_raises(tmp_path: Path) -> None:
    """Student code can write progress.json: what is not a plain record of plausible numbers shows nothing."""
    good = json.dumps(FULL).encode()
    contents = [
        good,
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        b"{" * 100_000,
        json.dumps({**FULL, "step": "[red]x" * 20}).encode(),
        json.dumps({**FULL, "padding": "x" * PROGRESS_BYTES}).encode(),
        b'{"step": "train", "epoch": 1' + b"0" * 5000 + b"}",
        None,
        good,
    ]
    seen = _ticks(tmp_path, contents)
    assert [p.count for p in seen] == [TrainingCount(3, 10, 1200, 1875), *[None] * 7, TrainingCount(3, 10, 1200, 1875)]
    assert [p.step for p in seen][:2] == ["train_one_epoch", None]
    assert all(p.framework == "torch" for p in seen)


def test_a_linked_progress_file_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.json").write_text(json.dumps(FULL), encoding="utf-8")
    (tmp_path / "progress.json").symlink_to(tmp_path / "elsewhere.json")
    seen: list[Progress] = []
    ProgressWatch(tmp_path, seen.append).tick()
    assert seen[0].step is None and seen[0].count is None


@pytest.mark.parametrize(
    ("lang", "count", "shown"),
    [
        ("en", TrainingCount(3, 10, 1200, 1875), "running your `train_one_epoch` — epoch 3/10, batch 1200/1875"),
        (
            "ko",
            TrainingCount(3, 10, 1200, 1875),
            "`train_one_epoch` 코드를 실행하고 있습니다 — 에포크 3/10, 배치 1200/1875",
        ),
        ("en", TrainingCount(2, None, 7, None), "running your `train_one_epoch` — epoch 2, batch 7"),
        ("en", TrainingCount(1, 5), "running your `train_one_epoch` — epoch 1/5"),
    ],
)
def test_the_step_shows_the_epoch_and_batch(lang: str, count: TrainingCount, shown: str) -> None:
    assert render(doing(Progress("train_one_epoch", 30.0, count=count)), lang).endswith(shown)


@pytest.mark.parametrize(
    ("framework", "lang", "shown"),
    [
        ("torch", "en", "loading PyTorch and the dataset"),
        ("torch", "ko", "PyTorch와 데이터셋을 불러오고 있습니다"),
        ("lightning", "ko", "PyTorch Lightning과 데이터셋을 불러오고 있습니다"),
        ("tensorflow", "ko", "TensorFlow와 데이터셋을 불러오고 있습니다"),
        ("", "en", "loading the framework and the dataset"),
    ],
)
def test_the_loading_step_names_the_framework(framework: str, lang: str, shown: str) -> None:
    assert render(doing(Progress("prepare", 1.0, framework=framework)), lang) == shown


def test_a_long_cold_import_says_why_it_takes_long() -> None:
    slow = render(doing(Progress("prepare", 12.0, framework="torch")), "en")
    assert slow.startswith("loading PyTorch and the dataset — ") and "can take a minute" in slow


def test_off_a_terminal_a_line_for_each_epoch_and_a_heartbeat_in_long_steps() -> None:
    """A fake progress source: a 28 s cold import, then two epochs counted batch by batch."""
    stream = io.StringIO()
    lines = StepLines(Console(file=stream, width=120), "en", heartbeat_s=10.0)
    feed = [Progress("prepare", float(t), framework="torch") for t in range(0, 29)]
    for epoch in (1, 2):
        feed += [
            Progress("train_one_epoch", 30.0 + epoch * 20 + batch / 10, count=TrainingCount(epoch, 2, batch, 150))
            for batch in range(0, 150, 5)
        ]
    for seen in feed:
        lines(seen)
    assert stream.getvalue().splitlines() == [
        "[0:00] loading PyTorch and the dataset",
        "[0:10] loading PyTorch and the dataset — the first run after installing or restarting the computer can take "
        "a minute",
        "[0:20] loading PyTorch and the dataset — the first run after installing or restarting the computer can take "
        "a minute",
        "[0:50] running your `train_one_epoch` — epoch 1/2, batch 0/150",
        "[1:00] running your `train_one_epoch` — epoch 1/2, batch 100/150",
        "[1:10] running your `train_one_epoch` — epoch 2/2, batch 0/150",
        "[1:20] running your `train_one_epoch` — epoch 2/2, batch 100/150",
    ]


def _record(rec: Recorder) -> dict[str, Any]:
    return json.loads((rec.folder / "progress.json").read_text(encoding="utf-8"))


def test_the_sandbox_counts_into_its_own_step_only_and_at_a_bounded_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    rec = Recorder(tmp_path)
    with rec.step("train"):
        count = progress.TrainingCounter(rec, "train", epochs=2)
        count.epoch(1, batches=3)
        written = _record(rec)
        assert {key: written[key] for key in ("step", "epoch", "epochs", "batch", "batches")} == {
            "step": "train",
            "epoch": 1,
            "epochs": 2,
            "batch": 0,
            "batches": 3,
        }
        count.batch(1)  # within WRITE_EVERY_S of the last write: not written
        assert _record(rec)["batch"] == 0
        clock[0] += progress.WRITE_EVERY_S
        count.batch(2)
        assert _record(rec)["batch"] == 2
        count.batch(3)  # the epoch's last batch is always written
        assert _record(rec)["batch"] == 3
    with rec.step("export_weights"):
        clock[0] += 10
        count.batch(4)  # a late count from a training that is over does not touch the next step's record
        assert "epoch" not in _record(rec) and _record(rec)["step"] == "export_weights"


def test_a_count_never_raises_when_it_cannot_write(tmp_path: Path) -> None:
    """Student code can take progress.json's place (here: a folder): the count is lost, the training goes on."""
    rec = Recorder(tmp_path)
    with rec.step("train"):
        (tmp_path / "progress.json").unlink()
        (tmp_path / "progress.json" / "taken").mkdir(parents=True)
        progress.TrainingCounter(rec, "train").epoch(1)
    assert rec.records["train"]["status"] == "ok"


def test_a_counted_loader_is_the_same_loader_counted(tmp_path: Path) -> None:
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    def made() -> DataLoader[Any]:
        data = TensorDataset(torch.arange(100.0))
        return DataLoader(data, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0))

    rec = Recorder(tmp_path)
    with rec.step("train_one_epoch"):
        count = progress.TrainingCounter(rec, "train_one_epoch", 1)
        count.epoch(1, 4)
        loader = progress.counted_loader(made(), count)
        batches = [batch[0].tolist() for batch in loader]
        written = _record(rec)
    assert isinstance(loader, DataLoader) and len(loader) == 4 and loader.batch_size == 32
    assert batches == [batch[0].tolist() for batch in made()]
    assert (written["batch"], written["batches"]) == (4, 4)


KERAS_FIT = """
import json, sys
from pathlib import Path
import numpy as np
import keras
from grader.sandbox import progress
from grader.sandbox.recorder import Recorder

rec = Recorder(Path(sys.argv[1]))
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
model.compile(optimizer="sgd", loss="mse")
seen = []
class Theirs(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        seen.append(epoch)
x, y = np.zeros((64, 4), "float32"), np.zeros((64, 2), "float32")
with rec.step("train"), progress.counting_fit(progress.TrainingCounter(rec, "train", 9)):
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[Theirs()])
    record = json.loads((rec.folder / "progress.json").read_text())
    model.fit(x, y, 16, 1, 0, [Theirs()])  # callbacks by position: passed on untouched
print(json.dumps({"record": record, "seen": seen, "restored": "fit" not in vars(keras.Model)}))
"""


@pytest.mark.slow
def test_keras_fit_is_counted_beside_the_students_own_callbacks(tmp_path: Path) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KERAS_FIT), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert {key: result["record"][key] for key in ("step", "epoch", "epochs", "batch", "batches")} == {
        "step": "train",
        "epoch": 2,
        "epochs": 2,
        "batch": 4,
        "batches": 4,
    }
    assert result["seen"] == [0, 1, 0] and result["restored"]


SLOWED = {  # each batch made to last 20 ms, so that polls four times a second must see the training's counts
    "01_tf_quickstart": (
        "model.fit(x_train, y_train, epochs=epochs)",
        "model.fit(x_train, y_train, epochs=epochs, callbacks=[tf.keras.callbacks.LambdaCallback("
        "on_train_batch_end=lambda *_, **__: __import__('time').sleep(0.02))])",
    ),
    "02_torch_loop": (
        "    for images, labels in loader:\n",
        "    for images, labels in loader:\n        __import__('time').sleep(0.02)\n",
    ),
    "03_lightning_module": (
        "        images, labels = batch\n",
        "        images, labels = batch\n        __import__('time').sleep(0.02)\n",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("assignment", "step"),
    [("01_tf_quickstart", "train"), ("02_torch_loop", "train_one_epoch"), ("03_lightning_module", "fit")],
)
def test_a_real_grading_reports_epochs_and_batches(
    fashion: Dataset, tmp_path: Path, assignment: str, step: str
) -> None:
    """The smoke profile: 2,000 training images in batches of 32 (63 batches), one epoch."""
    source = (ROOT / "solutions" / assignment / "submission.py").read_text(encoding="utf-8")
    old, new = SLOWED[assignment]
    assert old in source
    (tmp_path / "submission.py").write_text(source.replace(old, new, 1), encoding="utf-8")
    seen: list[Progress] = []
    spec = load_spec(assignment)
    submission = Submission("reference", tmp_path / "submission.py")
    result = grade_submission(spec, submission, fashion, GradeOptions(profile="smoke"), progress=seen.append)
    assert result.score == result.max_score
    counts = [p.count for p in seen if p.step == step and p.count is not None]
    assert counts and all(c.epoch == 1 and c.epochs == 1 and c.batches == 63 for c in counts)
    assert any(c.batch is not None and 0 < c.batch < 63 for c in counts)
    assert {p.framework for p in seen} == {spec.framework}
