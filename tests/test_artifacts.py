"""Tests for reading sandbox artifacts as data only: no symlinks, devices, oversized files or pickles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader import artifacts
from grader.artifacts import ArtifactError, Observation, read_array, read_arrays, read_json
from grader.messages import render

Reader = Callable[[Path], Any]
READERS: dict[str, tuple[str, Reader]] = {
    "json": ("progress.json", read_json),
    "array": ("weights.npy", read_array),
    "arrays": ("weights.npz", read_arrays),
}


class Payload:
    """Unpickling this calls os.mkdir(marker): proof, if the marker appears, that a pickle ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return os.mkdir, (str(self.marker),)


def _object_array(marker: Path) -> np.ndarray:
    array = np.empty(1, dtype=object)
    array[0] = Payload(marker)
    return array


def _write_valid(path: Path) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps({"step": "train"}), encoding="utf-8")
    elif path.suffix == ".npy":
        np.save(path, np.arange(6, dtype=np.float32))
    else:
        np.savez(path, a=np.arange(3), b=np.ones((2, 2)))


@pytest.fixture(params=sorted(READERS))
def reader(request: pytest.FixtureRequest) -> tuple[str, Reader]:
    return READERS[request.param]


def test_valid_files_read(tmp_path: Path, reader: tuple[str, Reader]) -> None:
    name, read = reader
    _write_valid(tmp_path / name)
    assert read(tmp_path / name) is not None


def test_valid_contents(tmp_path: Path) -> None:
    for name, _ in READERS.values():
        _write_valid(tmp_path / name)
    assert read_json(tmp_path / "progress.json") == {"step": "train"}
    np.testing.assert_array_equal(read_array(tmp_path / "weights.npy"), np.arange(6, dtype=np.float32))
    bundle = read_arrays(tmp_path / "weights.npz")
    assert sorted(bundle) == ["a", "b"]
    np.testing.assert_array_equal(bundle["b"], np.ones((2, 2)))


def test_symlink_refused(tmp_path: Path, reader: tuple[str, Reader]) -> None:
    name, read = reader
    (tmp_path / name).symlink_to("/etc/passwd")
    with pytest.raises(ArtifactError, match="symbolic link"):
        read(tmp_path / name)


def test_symlink_to_valid_artifact_refused(tmp_path: Path, reader: tuple[str, Reader]) -> None:
    name, read = reader
    real = tmp_path / "real"
    real.mkdir()
    _write_valid(real / name)
    (tmp_path / name).symlink_to(real / name)
    with pytest.raises(ArtifactError, match="symbolic link"):
        read(tmp_path / name)


def test_fifo_refused(tmp_path: Path, reader: tuple[str, Reader]) -> None:
    name, read = reader
    os.mkfifo(tmp_path / name)
    with pytest.raises(ArtifactError, match="not a regular file"):
        read(tmp_path / name)


def test_directory_refused(tmp_path: Path, reader: tuple[str, Reader]) -> None:
    name, read = reader
    (tmp_path / name).mkdir()
    with pytest.raises(ArtifactError, match="not a regular file"):
        read(tmp_path / name)


def test_missing_file(tmp_path: Path, reader: tuple[str, Reader]) -> None:
    name, read = reader
    with pytest.raises(ArtifactError, match="missing"):
        read(tmp_path / name)


def test_oversized_refused(tmp_path: Path, reader: tuple[str, Reader], monkeypatch: pytest.MonkeyPatch) -> None:
    name, read = reader
    _write_valid(tmp_path / name)
    size = (tmp_path / name).stat().st_size
    monkeypatch.setattr(artifacts, "MAX_ARTIFACT_BYTES", size)
    read(tmp_path / name)  # exactly at the limit is fine
    monkeypatch.setattr(artifacts, "MAX_ARTIFACT_BYTES", size - 1)
    with pytest.raises(ArtifactError, match="limit; refused"):
        read(tmp_path / name)


@pytest.mark.parametrize("name", ["weights.pkl", "weights-1.npy", "weights1.npy", "weights.npy.tmp", ".hidden.json"])
def test_unexpected_names_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    np.save(tmp_path / "plain.npy", np.zeros(3))
    (tmp_path / "plain.npy").rename(path)
    for read in (read_json, read_array, read_arrays):
        with pytest.raises(ArtifactError, match="unexpected artifact name"):
            read(path)


def test_payload_is_a_real_exploit(tmp_path: Path) -> None:
    """Control: with allow_pickle=True the payload does run, so the next test's check is meaningful."""
    marker = tmp_path / "pwned"
    np.save(tmp_path / "evil.npy", _object_array(marker), allow_pickle=True)
    np.load(tmp_path / "evil.npy", allow_pickle=True)
    assert marker.exists()


def test_pickled_object_array_refused_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "weights.npy"
    np.save(path, _object_array(marker), allow_pickle=True)
    with pytest.raises(ArtifactError, match="not a plain numeric array"):
        read_array(path)
    assert not marker.exists()


def test_pickled_object_array_in_bundle_refused_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "weights.npz"
    np.savez(path, ok=np.zeros(2), evil=_object_array(marker))
    with pytest.raises(ArtifactError, match="not a bundle of plain numeric arrays"):
        read_arrays(path)
    assert not marker.exists()


@pytest.mark.parametrize("array", [np.array(["a", "b"]), np.array([1 + 2j]), np.zeros(2, dtype="datetime64[s]")])
def test_non_numeric_arrays_refused(tmp_path: Path, array: np.ndarray) -> None:
    np.save(tmp_path / "weights.npy", array)
    with pytest.raises(ArtifactError, match="not a plain numeric array"):
        read_array(tmp_path / "weights.npy")
    np.savez(tmp_path / "weights.npz", bad=array)
    with pytest.raises(ArtifactError, match="entry 'bad' is not numeric"):
        read_arrays(tmp_path / "weights.npz")


def test_garbage_files_refused(tmp_path: Path) -> None:
    for name in ("progress.json", "weights.npy", "weights.npz"):
        (tmp_path / name).write_bytes(b"\xff\xfe not data {")
    with pytest.raises(ArtifactError, match="not valid JSON"):
        read_json(tmp_path / "progress.json")
    with pytest.raises(ArtifactError, match="not a plain numeric array"):
        read_array(tmp_path / "weights.npy")
    with pytest.raises(ArtifactError, match="not a bundle"):
        read_arrays(tmp_path / "weights.npz")


@pytest.fixture
def run_folder(tmp_path: Path) -> Path:
    (tmp_path / "steps").mkdir()
    return tmp_path


def _progress(folder: Path, step: str) -> None:
    (folder / "progress.json").write_text(json.dumps({"step": step}), encoding="utf-8")


def test_step_read(run_folder: Path) -> None:
    record = {"status": "ok", "seconds": 1.5, "facts": {"optimizer": "adamw"}}
    (run_folder / "steps" / "compile_model.json").write_text(json.dumps(record), encoding="utf-8")
    step = Observation(run_folder, None).step("compile_model")
    assert step.ok
    assert step.seconds == pytest.approx(1.5)
    assert step.facts == {"optimizer": "adamw"}
    assert step.error is None


def test_missing_step_named_in_progress_is_interrupted(run_folder: Path) -> None:
    _progress(run_folder, "train")
    obs = Observation(run_folder, "killed: out of time")
    train = obs.step("train")
    assert train.status == "interrupted"
    assert train.error == "killed: out of time"
    later = obs.step("predict_proba")
    assert later.status == "not_reached"
    assert render(later.error) == "not reached: the process stopped during `train` (killed: out of time)"
    assert (
        render(later.error, "ko")
        == "이 단계까지 실행되지 않았습니다. `train` 실행 중에 프로세스가 멈췄습니다 (killed: out of time)"
    )


def test_missing_step_without_progress_is_not_reached(run_folder: Path) -> None:
    step = Observation(run_folder, "exit code 1").step("train")
    assert step.status == "not_reached"
    assert render(step.error) == "not reached (exit code 1)"
    assert not step.ok


def test_missing_step_after_done_is_not_reached(run_folder: Path) -> None:
    _progress(run_folder, "done")
    assert Observation(run_folder, None).step("done").status == "not_reached"


def test_symlinked_progress_is_ignored(run_folder: Path) -> None:
    (run_folder / "real.json").write_text(json.dumps({"step": "train"}), encoding="utf-8")
    (run_folder / "progress.json").symlink_to(run_folder / "real.json")
    assert Observation(run_folder, None).step("train").status == "not_reached"


def test_symlinked_step_is_an_error(run_folder: Path) -> None:
    (run_folder / "steps" / "train.json").symlink_to("/etc/passwd")
    step = Observation(run_folder, None).step("train")
    assert step.status == "error"
    assert render(step.error).startswith("the grader refused this step's record: ")
    assert "symbolic link" in render(step.error)


def test_step_record_not_a_mapping_is_an_error(run_folder: Path) -> None:
    (run_folder / "steps" / "train.json").write_text("[1, 2]", encoding="utf-8")
    step = Observation(run_folder, None).step("train")
    assert step.status == "error"
    assert render(step.error) == "the grader could not read this step's record"


def test_observation_environment(run_folder: Path) -> None:
    obs = Observation(run_folder, None)
    assert obs.environment() == {}
    (run_folder / "environment.json").symlink_to("/etc/passwd")
    assert obs.environment() == {}
    (run_folder / "environment.json").unlink()
    (run_folder / "environment.json").write_text(json.dumps({"python": "3.11"}), encoding="utf-8")
    assert obs.environment() == {"python": "3.11"}


# --- bounds: what a record may declare, before anything is allocated ----------------------------------------------

BOMB_READER = """
import resource, sys
from pathlib import Path
from grader.artifacts import ArtifactError, read_arrays
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_arrays(Path(sys.argv[1]))
except ArtifactError as exc:
    print("refused:", exc)
print("peak_mb", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def _bomb(path: Path, count: int, data_bytes: int) -> Path:
    """An .npz whose one array's header declares `count` float64 values, holding `data_bytes` of zeros after it."""
    header = np.lib.format.header_data_from_array_1_0(np.zeros(0))
    header["shape"] = (count,)
    chunk = bytes(min(data_bytes, 64 * 1024 * 1024))
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
        bundle.open("w0.npy", "w", force_zip64=True) as member,
    ):
        np.lib.format.write_array_header_1_0(member, header)
        for _ in range(data_bytes // max(1, len(chunk))):
            member.write(chunk)
    return path


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    """1 MB on disk, 1 GiB inflated: refused from its declared sizes; reading adds next to nothing to the reader's
    peak memory (whatever the imports before it took, which the environment the suite inherits can change)."""
    path = _bomb(tmp_path / "weights_trained.npz", 2**27, 2**30)
    assert path.stat().st_size < 2 * 1024 * 1024
    done = subprocess.run([sys.executable, "-c", BOMB_READER, str(path)], capture_output=True, text=True, check=True)
    assert "refused: weights_trained.npz: member 'w0.npy' refused" in done.stdout
    assert int(done.stdout.split("peak_mb")[1]) < 100, done.stdout  # what reading added, past the imports


def test_an_array_header_that_declares_more_than_it_holds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="declares 2147483648 bytes of array"):
        read_arrays(_bomb(tmp_path / "weights.npz", 2**28, 1024))
    header = np.lib.format.header_data_from_array_1_0(np.zeros(0))
    header["shape"] = (10,)
    with (tmp_path / "weights.npy").open("wb") as handle:
        np.lib.format.write_array_header_1_0(handle, header)
        handle.write(bytes(8))
    with pytest.raises(ArtifactError, match="holds 8 bytes where its header declares 80"):
        read_array(tmp_path / "weights.npy")


def test_a_hard_link_is_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "outside.npy", np.zeros(3))
    (tmp_path / "weights.npy").hardlink_to(tmp_path / "outside.npy")
    with pytest.raises(ArtifactError, match="hard link"):
        read_array(tmp_path / "weights.npy")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"learning_rate": ' + "9" * 5000 + "}", "an integer of 5000 digits"),
        ("[" * 40 + "]" * 40, "nested deeper than 32 levels"),
        ("[" * 100000 + "]" * 100000, "not valid JSON"),
    ],
)
def test_json_records_are_bounded(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "progress.json").write_text(text, encoding="utf-8")
    with pytest.raises(ArtifactError, match=problem):
        read_json(tmp_path / "progress.json")
