"""Local cache of MNIST and Fashion-MNIST in their standard IDX files.

Grading must be reproducible and usually runs offline, so every file is
verified against published checksums before it is trusted, and each loaded
:class:`Dataset` carries a checksum that records exactly which data graded a
submission.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader import atomic

ROLES: tuple[str, ...] = ("train_images", "train_labels", "test_images", "test_labels")
_GZIP_MAGIC = b"\x1f\x8b"
_IDX_UINT8 = 0x08
_MANIFEST = "manifest.json"
_UNPACKED = ".unpacked"
_IMAGE_SHAPE = (28, 28)
_NUM_CLASSES = 10
# Datasets a distribution ships, so offline machines have a way to get them.
_SYSTEM_PACKAGES = {"fashion-mnist": "dataset-fashion-mnist"}
SHARED_MODE = 0o644
"""A shared cache, or an image's baked-in data, is read by users other than its writer."""
_OFFLINE_FALLBACK = "offline, `apt-get install dataset-fashion-mnist` and grade with `--dataset fashion-mnist`"


class DatasetError(Exception):
    """A dataset problem the user must fix; the message says what and how."""


@dataclass(frozen=True)
class DatasetFile:
    """One IDX file and the checksums that let us trust a copy of it."""

    role: str
    filename: str
    archive_md5: str
    content_sha256: str | None


@dataclass(frozen=True)
class DatasetInfo:
    """Where a dataset comes from and how to recognise genuine copies."""

    name: str
    title: str
    mirrors: tuple[str, ...]
    files: tuple[DatasetFile, ...]
    system_dirs: tuple[Path, ...]


@dataclass(frozen=True)
class Dataset:
    """Loaded arrays (read-only, so one submission cannot alter another's data)."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    checksum: str
    source: Path


def _files(md5s: str, sha256s: str | None) -> tuple[DatasetFile, ...]:
    """Build the four standard file descriptors from whitespace-separated digests."""
    names = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
    names += ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    shas = sha256s.split() if sha256s else [None] * len(ROLES)
    return tuple(DatasetFile(*row) for row in zip(ROLES, names, md5s.split(), shas, strict=True))


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        title="MNIST handwritten digits",
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
        files=_files(
            "f68b3c2dcbeaaa9fbdd348bbdeb94873 d53e105ee54ea40749a09fcbcd1e9432 "
            "9fb629c4189551a2d022fa330f9573f3 ec29112dd5afa0611ce80d1b7f02629c",
            None,
        ),
        system_dirs=(Path("/usr/share/datasets/mnist"),),
    ),
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        title="Fashion-MNIST clothing images",
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        files=_files(
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d 25c81989df183df01b3e8a0aad5dffbe "
            "bef4ecab320f06d8554ea6380940ec79 bb300cfdad3c16e7a12a480ee83cd310",
            # Measured on Debian's re-compressed copy, whose .gz md5s differ from upstream's.
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888 "
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9 "
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b "
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ),
        system_dirs=(Path("/usr/share/datasets/fashion-mnist"),),
    ),
}


@dataclass(frozen=True)
class _Blob:
    """A file's bytes plus the digests verification needs, computed once."""

    label: str
    raw: bytes
    archive_md5: str | None  # None when the bytes are not gzip
    content: bytes
    content_sha256: str


def _unpacked_copy(folder: Path, archive_md5: str) -> tuple[bytes, str] | None:
    """The content of the archive with this md5, as an earlier load kept it (`<md5>-<content sha256>.idx`), if its
    bytes still have the sha256 its name records."""
    for copy in folder.glob(f"{archive_md5}-*.idx"):
        try:
            content = copy.read_bytes()
        except OSError:
            continue
        sha256 = hashlib.sha256(content).hexdigest()
        if copy.stem == f"{archive_md5}-{sha256}":
            return content, sha256
    return None


def _inspect(raw: bytes, label: str, unpacked: Path | None = None) -> _Blob:
    """The digests of `raw` and of its content. Inflating is most of a load's time (0.2 s for Fashion-MNIST, about four
    times reading and hashing the content), so with `unpacked` the content is read from a copy kept there by an
    earlier load, or kept there now; a cache that cannot be written just inflates every time."""
    if not raw.startswith(_GZIP_MAGIC):
        return _Blob(label, raw, None, raw, hashlib.sha256(raw).hexdigest())
    archive_md5 = hashlib.md5(raw).hexdigest()
    copied = _unpacked_copy(unpacked, archive_md5) if unpacked is not None else None
    if copied is not None:
        return _Blob(label, raw, archive_md5, *copied)
    try:
        content = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"{label}: corrupt gzip data ({exc})") from exc
    sha256 = hashlib.sha256(content).hexdigest()
    if unpacked is not None:
        with contextlib.suppress(OSError):
            atomic.write_bytes(unpacked / f"{archive_md5}-{sha256}.idx", content, SHARED_MODE)
    return _Blob(label, raw, archive_md5, content, sha256)


def _read_blob(path: Path, unpacked: Path | None = None) -> _Blob:
    try:
        return _inspect(path.read_bytes(), str(path), unpacked)
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _parse_idx(content: bytes, label: str) -> np.ndarray:
    if len(content) < 4 or content[:2] != b"\0\0" or content[2] != _IDX_UINT8 or content[3] == 0:
        raise DatasetError(f"{label}: not a uint8 IDX file (bad header {content[:4].hex() or 'empty'})")
    ndim = content[3]
    start = 4 + 4 * ndim
    if len(content) < start:
        raise DatasetError(f"{label}: IDX header truncated")
    dims = tuple(int(d) for d in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    if len(content) - start != int(np.prod(dims)):
        raise DatasetError(f"{label}: IDX dims {dims} need {int(np.prod(dims))} bytes, file has {len(content) - start}")
    return np.frombuffer(content, dtype=np.uint8, offset=start).reshape(dims)


def read_idx(path: Path) -> np.ndarray:
    """Read a uint8 IDX file, gzip-compressed or raw (detected by magic bytes)."""
    blob = _read_blob(path)
    return _parse_idx(blob.content, blob.label)


def write_idx(path: Path, array: np.ndarray, *, compress: bool) -> None:
    """Write a uint8 IDX file; gzip uses mtime 0 so equal arrays give equal bytes."""
    if array.dtype != np.uint8 or not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX writer needs uint8 with 1-255 dims, got {array.dtype} {array.shape}")
    header = bytes([0, 0, _IDX_UINT8, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    data = header + np.ascontiguousarray(array).tobytes()
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)


def default_cache_dir() -> Path:
    """``$GRADER_DATA_DIR`` if set, else ``~/.cache/grader/datasets``."""
    env = os.environ.get("GRADER_DATA_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "grader" / "datasets"


def storage_dirs(dataset: Dataset | None = None) -> tuple[Path, ...]:
    """Every folder of this host that may hold a dataset's files or their inflated copies: the cache, the system's
    folders, and where `dataset` was read from. Student code must read none of them (`grader.isolation`)."""
    folders = {default_cache_dir(), *(folder.parent for info in DATASETS.values() for folder in info.system_dirs)}
    if dataset is not None:
        folders |= {dataset.source, dataset.source.parent}
    return tuple(sorted({folder.resolve() for folder in folders} | folders))


def _resolve(name: str, info: DatasetInfo | None) -> DatasetInfo:
    if info is not None:  # tests and callers with their own descriptor
        return info
    if name not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; known datasets: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def _ordered(info: DatasetInfo) -> tuple[DatasetFile, ...]:
    by_role = {f.role: f for f in info.files}
    if set(by_role) != set(ROLES) or len(info.files) != len(ROLES):
        raise ValueError(f"{info.name}: descriptor needs exactly one file per role {ROLES}")
    return tuple(by_role[role] for role in ROLES)


def _cache_folder(info: DatasetInfo, cache_dir: Path | None) -> Path:
    return (cache_dir if cache_dir is not None else default_cache_dir()) / info.name


def _unpacked_dir(cache_dir: Path | None) -> Path:
    """Where loads keep the inflated content of .gz files: beside the datasets' folders, whose files stay as
    published."""
    return (cache_dir if cache_dir is not None else default_cache_dir()) / _UNPACKED


def _find(folder: Path, file: DatasetFile) -> Path | None:
    """The file under its published name, or decompressed without ``.gz``."""
    for candidate in (folder / file.filename, folder / file.filename.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _paths(folder: Path, info: DatasetInfo) -> list[Path] | None:
    """All four files in role order, or None when any is absent."""
    paths = [_find(folder, f) for f in _ordered(info)]
    return [p for p in paths if p is not None] if None not in paths else None


def _fixes(info: DatasetInfo) -> str:
    package = _SYSTEM_PACKAGES.get(info.name)
    offline = f"`apt-get install {package}`" if package else _OFFLINE_FALLBACK
    return (
        f"`grader data fetch {info.name}` to download it; `grader data import {info.name} <folder>` "
        f"to use files you already have; {offline}"
    )


def _verify(file: DatasetFile, blob: _Blob) -> None:
    if blob.archive_md5 == file.archive_md5:
        return
    if file.content_sha256 is not None and blob.content_sha256 == file.content_sha256:
        return
    expected = f"gzip md5 {file.archive_md5}"
    if file.content_sha256 is not None:
        expected += f" or content sha256 {file.content_sha256}"
    found = f"gzip md5 {blob.archive_md5}" if blob.archive_md5 else "an uncompressed file"
    if file.content_sha256 is None and not blob.archive_md5:
        found += " (only the published .gz can be verified for this dataset)"
    raise DatasetError(
        f"{blob.label} is not a genuine {file.filename}: expected {expected}, "
        f"found {found} with content sha256 {blob.content_sha256}"
    )


def _cached_blob(folder: Path, file: DatasetFile, unpacked: Path | None = None) -> _Blob:
    """Read a cached file, trusting it only if it still matches what was verified on entry."""
    path = _find(folder, file)
    if path is None:
        raise DatasetError(f"{folder} lacks {file.filename}")
    blob = _read_blob(path, unpacked)
    if _manifest(folder).get(file.filename) != blob.content_sha256:
        raise DatasetError(f"{path} does not match {folder / _MANIFEST}")
    return blob


def _is_cached(folder: Path, file: DatasetFile) -> bool:
    try:
        _cached_blob(folder, file)
    except DatasetError:
        return False
    return True


def _manifest(folder: Path) -> dict[str, str]:
    try:
        files = json.loads((folder / _MANIFEST).read_text())["files"]
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{folder / _MANIFEST} is unreadable ({exc})") from exc
    return {str(k): str(v) for k, v in files.items()}


def _store(folder: Path, file: DatasetFile, stored_name: str, blob: _Blob) -> None:
    """Place a verified file in the cache and record its content digest."""
    atomic.write_bytes(folder / stored_name, blob.raw, SHARED_MODE)
    for other in (file.filename, file.filename.removesuffix(".gz")):
        if other != stored_name:
            (folder / other).unlink(missing_ok=True)
    manifest = _manifest(folder) | {file.filename: blob.content_sha256}
    atomic.write_bytes(
        folder / _MANIFEST, json.dumps({"files": manifest}, indent=2, sort_keys=True).encode(), SHARED_MODE
    )


def locate(name: str, cache_dir: Path | None = None, *, info: DatasetInfo | None = None) -> Path | None:
    """The folder holding all four files: the cache first, then system dirs."""
    info = _resolve(name, info)
    for folder in (_cache_folder(info, cache_dir), *info.system_dirs):
        if _paths(folder, info) is not None:
            return folder
    return None


def load(name: str, cache_dir: Path | None = None, *, info: DatasetInfo | None = None) -> Dataset:
    """Load and validate a dataset; cached files are checked against the manifest."""
    info = _resolve(name, info)
    folder = locate(name, cache_dir, info=info)
    if folder is None:
        searched = ", ".join(str(p) for p in (_cache_folder(info, cache_dir), *info.system_dirs))
        raise DatasetError(f"dataset {info.name!r} not found (looked in {searched}). Fix: {_fixes(info)}")
    cached = folder == _cache_folder(info, cache_dir)
    unpacked = _unpacked_dir(cache_dir)
    blobs: list[_Blob] = []
    for file, path in zip(_ordered(info), _paths(folder, info) or (), strict=True):
        if cached:
            try:
                blobs.append(_cached_blob(folder, file, unpacked))
            except DatasetError as exc:
                raise DatasetError(f"cache corrupted, re-fetch: {exc}. Fix: {_fixes(info)}") from exc
        else:
            blobs.append(_read_blob(path, unpacked))
            _verify(file, blobs[-1])
    x_train, y_train, x_test, y_test = (_parse_idx(b.content, b.label) for b in blobs)
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != 3 or x.shape[1:] != _IMAGE_SHAPE:
            raise DatasetError(f"{info.name} {split} images have shape {x.shape}, expected (N, 28, 28)")
        if y.shape != (x.shape[0],):
            raise DatasetError(f"{info.name} {split} labels have shape {y.shape}, expected ({x.shape[0]},)")
        if y.size and int(y.max()) >= _NUM_CLASSES:
            raise DatasetError(f"{info.name} {split} labels contain {int(y.max())}, expected 0-9")
    checksum = hashlib.sha256("\n".join(b.content_sha256 for b in blobs).encode()).hexdigest()
    return Dataset(info.name, x_train, y_train, x_test, y_test, checksum, folder)


def _download(url: str, timeout: float) -> bytes:
    import urllib.request  # only `grader data fetch` downloads: grading does not pay for importing it

    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def fetch(
    name: str,
    cache_dir: Path | None = None,
    *,
    mirrors: Sequence[str] | None = None,
    timeout: float = 30.0,
    info: DatasetInfo | None = None,
) -> Path:
    """Download missing files into the cache, trying mirrors in order until one verifies."""
    import http.client

    info = _resolve(name, info)
    folder = _cache_folder(info, cache_dir)
    urls = tuple(mirrors if mirrors is not None else info.mirrors)
    for file in _ordered(info):
        if _is_cached(folder, file):
            continue
        errors: list[str] = []
        for mirror in urls:
            url = mirror.rstrip("/") + "/" + file.filename
            try:
                blob = _inspect(_download(url, timeout), url)
                _verify(file, blob)
            except (OSError, http.client.HTTPException, ValueError, DatasetError) as exc:
                errors.append(f"  {mirror}: {exc}")
                continue
            _store(folder, file, file.filename, blob)
            break
        else:
            raise DatasetError(
                f"could not download {file.filename} for {info.name}:\n"
                + "\n".join(errors or ["  no mirrors"])
                + f"\nno network? import the files: grader data import {info.name} <folder>"
            )
    return folder


def import_folder(name: str, folder: Path, cache_dir: Path | None = None, *, info: DatasetInfo | None = None) -> Path:
    """Copy the four files (``.gz`` or raw) from ``folder`` into the cache once all verify."""
    info = _resolve(name, info)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder; pass the folder holding the {info.title} files")
    found: list[tuple[DatasetFile, Path, _Blob]] = []
    for file in _ordered(info):
        path = _find(folder, file)
        if path is None:
            raise DatasetError(
                f"{folder} lacks {file.filename} (or {file.filename.removesuffix('.gz')}); "
                f"put all four {info.title} files there"
            )
        blob = _read_blob(path)
        _verify(file, blob)
        found.append((file, path, blob))
    target = _cache_folder(info, cache_dir)
    for file, path, blob in found:
        _store(target, file, path.name, blob)
    return target


def status(cache_dir: Path | None = None) -> list[tuple[str, str]]:
    """One human-readable line per known dataset: where it is, or how to get it."""
    lines: list[tuple[str, str]] = []
    for name, info in DATASETS.items():
        folder = locate(name, cache_dir)
        if folder is None:
            package = _SYSTEM_PACKAGES.get(name)
            extra = f" (or apt-get install {package})" if package else ""
            lines.append((name, f"missing: run grader data fetch {name}{extra}"))
        elif folder == _cache_folder(info, cache_dir):
            lines.append((name, f"cached at {folder}"))
        else:
            lines.append((name, f"system copy at {folder}"))
    return lines
