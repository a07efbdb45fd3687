"""Tests for the dataset cache: fetch from a local HTTP mirror, import, verify, load."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from grader.data import datasets
from grader.data.datasets import DATASETS, DatasetError, DatasetFile, DatasetInfo

FILENAMES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
# sha256 over Fashion-MNIST's four content sha256s: a grade's provenance must never drift.
FASHION_CHECKSUM = "697249e9d1e87d6b2c6a738e828c890264cffecccb13840d472e3585751a5582"


@dataclass(frozen=True)
class Fixture:
    """Tiny IDX dataset on disk plus a descriptor whose checksums match it."""

    folder: Path
    arrays: dict[str, np.ndarray]
    info: DatasetInfo


def _arrays(seed: int, n_train: int = 50, n_test: int = 20) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def _write(folder: Path, arrays: dict[str, np.ndarray], *, compress: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for role, array in arrays.items():
        name = FILENAMES[role] if compress else FILENAMES[role].removesuffix(".gz")
        datasets.write_idx(folder / name, array, compress=compress)


def _describe(folder: Path, name: str = "tiny", *, pin_content: bool = True) -> DatasetInfo:
    files = []
    for role, filename in FILENAMES.items():
        raw = (folder / filename).read_bytes()
        sha = hashlib.sha256(gzip.decompress(raw)).hexdigest() if pin_content else None
        files.append(DatasetFile(role, filename, hashlib.md5(raw).hexdigest(), sha))
    return DatasetInfo(name, "Tiny test digits", (), tuple(files), ())


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Keep every test away from the real ~/.cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GRADER_DATA_DIR", str(cache))
    return cache


@pytest.fixture
def tiny(tmp_path: Path) -> Fixture:
    arrays = _arrays(seed=0)
    _write(tmp_path / "source", arrays)
    return Fixture(tmp_path / "source", arrays, _describe(tmp_path / "source"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture
def mirror(tmp_path: Path, tiny: Fixture) -> Iterator[str]:
    """Serve ``good/`` (genuine), ``corrupt/`` (wrong bytes) and ``empty/`` (404s) on 127.0.0.1."""
    root = tmp_path / "www"
    shutil.copytree(tiny.folder, root / "good")
    _write(root / "corrupt", _arrays(seed=1))
    (root / "corrupt" / FILENAMES["test_labels"]).write_bytes(b"\x1f\x8bnot really gzip")
    (root / "empty").mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _assert_matches(dataset: datasets.Dataset, arrays: dict[str, np.ndarray]) -> None:
    np.testing.assert_array_equal(dataset.x_train, arrays["train_images"])
    np.testing.assert_array_equal(dataset.y_train, arrays["train_labels"])
    np.testing.assert_array_equal(dataset.x_test, arrays["test_images"])
    np.testing.assert_array_equal(dataset.y_test, arrays["test_labels"])


@pytest.mark.parametrize("compress", [True, False])
def test_idx_roundtrip(tmp_path: Path, compress: bool) -> None:
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    datasets.write_idx(tmp_path / "a.idx", array, compress=compress)
    assert ((tmp_path / "a.idx").read_bytes()[:2] == b"\x1f\x8b") is compress
    np.testing.assert_array_equal(datasets.read_idx(tmp_path / "a.idx"), array)


def test_write_idx_rejects_non_uint8(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="uint8"):
        datasets.write_idx(tmp_path / "a.idx", np.zeros(3, dtype=np.float32), compress=False)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"hello world, not idx",
        bytes([0, 0, 0x0D, 1]) + (4).to_bytes(4, "big") + bytes(16),  # float32 code
        bytes([0, 0, 0x08, 2]) + (3).to_bytes(4, "big"),  # header cut short
        bytes([0, 0, 0x08, 1]) + (5).to_bytes(4, "big") + bytes(4),  # data cut short
        bytes([0, 0, 0x08, 1]) + (2).to_bytes(4, "big") + bytes(3),  # trailing byte
        b"\x1f\x8b\x08\x00garbage",  # gzip magic, broken stream
        gzip.compress(b"gzip around garbage"),
    ],
)
def test_read_idx_rejects_garbage(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "bad-file.idx"
    path.write_bytes(payload)
    with pytest.raises(DatasetError, match=r"bad-file\.idx"):
        datasets.read_idx(path)


def test_read_idx_missing_file_is_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"absent\.idx"):
        datasets.read_idx(tmp_path / "absent.idx")


def test_fetch_then_load(tiny: Fixture, mirror: str, isolated_cache: Path) -> None:
    folder = datasets.fetch("tiny", mirrors=[f"{mirror}/good/"], info=tiny.info)
    assert folder == isolated_cache / "tiny"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FILENAMES.values(), "manifest.json"])
    manifest = json.loads((folder / "manifest.json").read_text())["files"]
    assert manifest == {f.filename: f.content_sha256 for f in tiny.info.files}

    dataset = datasets.load("tiny", info=tiny.info)
    _assert_matches(dataset, tiny.arrays)
    assert dataset.source == folder
    # readable by every user: the images bake the cache in as root and grade as an unprivileged user
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o644}
    expected = hashlib.sha256("\n".join(f.content_sha256 or "" for f in tiny.info.files).encode()).hexdigest()
    assert dataset.checksum == expected
    assert datasets.locate("tiny", info=tiny.info) == folder


def test_fetch_skips_files_already_cached(tiny: Fixture, mirror: str) -> None:
    datasets.fetch("tiny", mirrors=[f"{mirror}/good"], info=tiny.info)
    # No mirrors at all: succeeds only because nothing needs downloading.
    folder = datasets.fetch("tiny", mirrors=[], info=tiny.info)
    _assert_matches(datasets.load("tiny", info=tiny.info), tiny.arrays)
    assert folder.is_dir()


@pytest.mark.parametrize("first", ["empty", "corrupt"])
def test_fetch_falls_back_to_next_mirror(tiny: Fixture, mirror: str, first: str) -> None:
    datasets.fetch("tiny", mirrors=[f"{mirror}/{first}/", f"{mirror}/good/"], info=tiny.info)
    _assert_matches(datasets.load("tiny", info=tiny.info), tiny.arrays)


def test_fetch_all_mirrors_fail(tiny: Fixture, mirror: str, isolated_cache: Path) -> None:
    mirrors = [f"{mirror}/empty/", f"{mirror}/corrupt/", "http://127.0.0.1:1/"]
    with pytest.raises(DatasetError) as excinfo:
        datasets.fetch("tiny", mirrors=mirrors, timeout=5, info=tiny.info)
    message = str(excinfo.value)
    assert "grader data import tiny <folder>" in message
    assert "404" in message
    assert "expected gzip md5" in message
    for url in mirrors:
        assert url in message
    assert datasets.locate("tiny", info=tiny.info) is None
    assert not list((isolated_cache / "tiny").glob("*.gz"))


@pytest.mark.parametrize("compress", [True, False])
def test_import_folder(tmp_path: Path, tiny: Fixture, compress: bool) -> None:
    source = tmp_path / "downloads"
    _write(source, tiny.arrays, compress=compress)
    folder = datasets.import_folder("tiny", source, info=tiny.info)
    assert datasets.locate("tiny", info=tiny.info) == folder
    dataset = datasets.load("tiny", info=tiny.info)
    _assert_matches(dataset, tiny.arrays)
    assert dataset.source == folder


def test_import_raw_file_of_unpinned_dataset_is_refused(tmp_path: Path, tiny: Fixture) -> None:
    info = _describe(tiny.folder, pin_content=False)
    source = tmp_path / "raw"
    _write(source, tiny.arrays, compress=False)
    with pytest.raises(DatasetError, match=r"only the published \.gz"):
        datasets.import_folder("tiny", source, info=info)


def test_import_wrong_file_names_it(tmp_path: Path, tiny: Fixture, isolated_cache: Path) -> None:
    source = tmp_path / "mixed"
    shutil.copytree(tiny.folder, source)
    datasets.write_idx(source / FILENAMES["train_labels"], _arrays(seed=2)["train_labels"], compress=True)
    expected = next(f for f in tiny.info.files if f.role == "train_labels")
    with pytest.raises(DatasetError) as excinfo:
        datasets.import_folder("tiny", source, info=tiny.info)
    message = str(excinfo.value)
    assert FILENAMES["train_labels"] in message
    assert expected.archive_md5 in message
    assert "found gzip md5" in message
    assert not (isolated_cache / "tiny").exists(), "a failed import must leave the cache untouched"


def test_import_missing_file_names_it(tmp_path: Path, tiny: Fixture) -> None:
    source = tmp_path / "partial"
    shutil.copytree(tiny.folder, source)
    (source / FILENAMES["test_images"]).unlink()
    with pytest.raises(DatasetError, match="t10k-images-idx3-ubyte"):
        datasets.import_folder("tiny", source, info=tiny.info)


def test_cache_corruption_detected_and_refetch_repairs(tiny: Fixture, mirror: str) -> None:
    folder = datasets.fetch("tiny", mirrors=[f"{mirror}/good"], info=tiny.info)
    datasets.write_idx(folder / FILENAMES["test_images"], _arrays(seed=3)["test_images"], compress=True)
    with pytest.raises(DatasetError, match="cache corrupted, re-fetch") as excinfo:
        datasets.load("tiny", info=tiny.info)
    assert "grader data fetch tiny" in str(excinfo.value)

    datasets.fetch("tiny", mirrors=[f"{mirror}/good"], info=tiny.info)
    _assert_matches(datasets.load("tiny", info=tiny.info), tiny.arrays)


def test_unreadable_manifest_is_cache_corruption(tiny: Fixture, mirror: str) -> None:
    folder = datasets.fetch("tiny", mirrors=[f"{mirror}/good"], info=tiny.info)
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(DatasetError, match="cache corrupted"):
        datasets.load("tiny", info=tiny.info)


def test_unknown_name_lists_known_ones() -> None:
    with pytest.raises(DatasetError, match="nope") as excinfo:
        datasets.load("nope")
    for name in DATASETS:
        assert name in str(excinfo.value)


def test_missing_dataset_names_the_fix(tiny: Fixture) -> None:
    with pytest.raises(DatasetError) as excinfo:
        datasets.load("tiny", info=tiny.info)
    message = str(excinfo.value)
    assert "grader data fetch tiny" in message
    assert "grader data import tiny <folder>" in message
    assert "--dataset fashion-mnist" in message


def test_missing_fashion_mnist_mentions_debian_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    nowhere = replace(DATASETS["fashion-mnist"], system_dirs=(tmp_path / "nowhere",))
    monkeypatch.setitem(DATASETS, "fashion-mnist", nowhere)
    with pytest.raises(DatasetError, match="apt-get install dataset-fashion-mnist"):
        datasets.load("fashion-mnist")


def test_system_dir_is_used_and_verified(tmp_path: Path, tiny: Fixture) -> None:
    system = tmp_path / "usr-share"
    _write(system, tiny.arrays, compress=False)  # raw files verify via the pinned content sha256
    info = replace(tiny.info, system_dirs=(tmp_path / "absent", system))
    assert datasets.locate("tiny", info=info) == system
    dataset = datasets.load("tiny", info=info)
    _assert_matches(dataset, tiny.arrays)
    assert dataset.source == system

    datasets.write_idx(system / "train-images-idx3-ubyte", _arrays(seed=4)["train_images"], compress=False)
    with pytest.raises(DatasetError, match="train-images-idx3-ubyte"):
        datasets.load("tiny", info=info)


def test_cache_wins_over_system_dir(tmp_path: Path, tiny: Fixture, isolated_cache: Path) -> None:
    system = tmp_path / "usr-share"
    shutil.copytree(tiny.folder, system)
    info = replace(tiny.info, system_dirs=(system,))
    datasets.import_folder("tiny", tiny.folder, info=info)
    assert datasets.load("tiny", info=info).source == isolated_cache / "tiny"


@pytest.mark.parametrize(
    ("role", "bad", "message"),
    [
        ("train_labels", np.full(50, 10, dtype=np.uint8), "expected 0-9"),
        ("test_labels", np.zeros(19, dtype=np.uint8), "labels have shape"),
        ("train_images", np.zeros((50, 28, 27), dtype=np.uint8), "expected \\(N, 28, 28\\)"),
    ],
)
def test_load_checks_shapes(tmp_path: Path, role: str, bad: np.ndarray, message: str) -> None:
    source = tmp_path / "odd"
    _write(source, {**_arrays(seed=5), role: bad})
    info = _describe(source)
    datasets.import_folder("tiny", source, info=info)
    with pytest.raises(DatasetError, match=message):
        datasets.load("tiny", info=info)


def test_status_reports_each_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny: Fixture) -> None:
    system = tmp_path / "usr-share"
    info = replace(tiny.info, system_dirs=(system,))
    monkeypatch.setattr(datasets, "DATASETS", {"tiny": info})
    assert datasets.status() == [("tiny", "missing: run grader data fetch tiny")]
    shutil.copytree(tiny.folder, system)
    assert datasets.status() == [("tiny", f"system copy at {system}")]
    folder = datasets.import_folder("tiny", tiny.folder, info=info)
    assert datasets.status() == [("tiny", f"cached at {folder}")]


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "elsewhere"))
    assert datasets.default_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("GRADER_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert datasets.default_cache_dir() == tmp_path / ".cache" / "grader" / "datasets"


def test_fashion_descriptor_matches_published_table() -> None:
    fashion = {f.role: f for f in DATASETS["fashion-mnist"].files}
    assert fashion["train_images"].archive_md5 == "8d4fb7e6c68d591d4c3dfef9ec88bf0d"
    test_labels_sha = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
    assert fashion["test_labels"].content_sha256 == test_labels_sha
    assert all(f.content_sha256 is None for f in DATASETS["mnist"].files)
    assert [f.filename for f in DATASETS["mnist"].files] == list(FILENAMES.values())


@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_debian_fashion_mnist(isolated_cache: Path) -> None:
    dataset = datasets.load("fashion-mnist")
    assert dataset.source == DEBIAN_FASHION
    assert dataset.x_train.shape == (60000, 28, 28)
    assert dataset.x_test.shape == (10000, 28, 28)
    assert dataset.x_train.dtype == np.uint8
    assert np.bincount(dataset.y_train).tolist() == [6000] * 10
    assert np.bincount(dataset.y_test).tolist() == [1000] * 10
    assert dataset.checksum == FASHION_CHECKSUM

    datasets.import_folder("fashion-mnist", DEBIAN_FASHION)
    cached = datasets.load("fashion-mnist")
    assert cached.source == isolated_cache / "fashion-mnist"
    assert cached.checksum == FASHION_CHECKSUM
