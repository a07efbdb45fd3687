"""The grading images: a locally built Debian base (for hosts that cannot pull), the lock files, and hermetic builds.

Builds are offline: the wheels are resolved on the host into a wheelhouse, checked against the lock's hashes, and
installed in the build with `--no-index`; only the resulting virtual environment reaches the final image.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader import __version__
from grader.data import datasets

ROOT = Path(__file__).resolve().parent.parent
DOCKER_DIR = ROOT / "docker"
VARIANTS = ("cpu", "cuda")
BASE_IMAGE = "grader-base:bookworm"
LOCK = "requirements.lock"


class ImageError(Exception):
    """A build that cannot go on; the message says what to install or run."""


@dataclass(frozen=True)
class ImageInfo:
    tag: str
    image_id: str
    size_bytes: int
    seconds: float
    labels: dict[str, str] = field(default_factory=dict)


def image_tag(variant: str) -> str:
    return f"grader-{variant}:{__version__}"


def wheelhouse_dir(variant: str) -> Path:
    root = os.environ.get("GRADER_WHEELHOUSE")
    return (Path(root) if root else Path.home() / ".cache" / "grader" / "wheelhouse") / variant


def _run(command: list[str], what: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        hint = {"docker": "apt-get install docker.io, then start dockerd", "debootstrap": "apt-get install debootstrap"}
        raise ImageError(f"{what} needs `{command[0]}`, which is not installed: {hint.get(command[0], 'install it')}")
    result = subprocess.run(command, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise ImageError(f"{what} failed ({' '.join(command[:3])} ...):\n{(result.stderr or result.stdout)[-3000:]}")
    return result


def engine_available() -> str | None:
    """None when a Docker engine answers; otherwise why not, with the fix."""
    if shutil.which("docker") is None:
        return "the docker command is not installed: apt-get install docker.io, then start dockerd"
    result = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True)
    if result.returncode != 0:
        return "no Docker engine is running: start it (as root: `dockerd &`), or grade with --backend local"
    return None


def inspect(tag: str) -> ImageInfo | None:
    """The image's ID, size and labels in one `docker image inspect` (each docker command costs 15-25 ms)."""
    if shutil.which("docker") is None:
        return None
    result = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}} {{.Size}} {{json .Config.Labels}}", tag],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return None
    image_id, size, labels = result.stdout.split(maxsplit=2)
    return ImageInfo(tag, image_id, int(size), 0.0, json.loads(labels) or {})


def build_base(tag: str = BASE_IMAGE, suite: str = "bookworm") -> ImageInfo:
    """debootstrap a minimal Debian with Python 3.11 and import it as an image (no registry needed)."""
    reason = engine_available()
    if reason:
        raise ImageError(reason)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="grader-base-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        packages = "--include=python3,python3-venv,passwd"
        _run(["debootstrap", "--variant=minbase", packages, suite, str(rootfs)], "debootstrap")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        _run(["docker", "import", "-", tag], "docker import", stdin=tar.stdout)
        tar.wait()
    info = inspect(tag)
    if info is None:
        raise ImageError(f"the base image {tag} was not created")
    return replace(info, seconds=time.perf_counter() - started)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _wheel_name(path: Path) -> str:
    name, version = path.name.split("-")[:2]
    return f"{name.replace('_', '-').lower()}=={version}"


def _pip_download(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--python-version", "3.11", *args]


def lock(variant: str) -> Path:
    """Resolve docker/VARIANT/requirements.in into wheels and pin each one with its sha256."""
    source = DOCKER_DIR / variant / "requirements.in"
    folder = wheelhouse_dir(variant)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-lock-") as tmp:
        _run(_pip_download("-r", str(source), "-d", tmp), f"resolving {source}")
        wheels = sorted(Path(tmp).glob("*.whl"))
        lines = [f"# {variant} image: generated by `grader image lock {variant}` from requirements.in"]
        lines += [f"{_wheel_name(path)} --hash=sha256:{_sha256(path)}" for path in wheels]
        for path in wheels:
            path.replace(folder / path.name)
    target = DOCKER_DIR / variant / LOCK
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def source_sha256() -> str:
    """A digest of what an image carries from this repository (the grader's code, the assignment specs), stamped on
    each image so a stale image is noticed, not silently used."""
    digest = hashlib.sha256()
    files = [*(ROOT / "grader").rglob("*.py"), *(ROOT / "assignments").glob("*/assignment.yaml")]
    for path in sorted(files):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def label(tag: str, key: str) -> str | None:
    info = inspect(tag)
    return None if info is None else info.labels.get(key)


def lock_sha256(variant: str) -> str:
    return _sha256(DOCKER_DIR / variant / LOCK)


def _context(variant: str, folder: Path) -> None:
    """Lay out the build context: the locked wheels (downloaded if missing), the grader's wheel, the assignment specs,
    the datasets."""
    lock_file = DOCKER_DIR / variant / LOCK
    if not lock_file.exists():
        raise ImageError(f"{lock_file} is missing: run `grader image lock {variant}` first")
    wheels = wheelhouse_dir(variant)
    _run(_pip_download("--no-deps", "--require-hashes", "-r", str(lock_file), "-d", str(wheels)), "the wheelhouse")
    (folder / "wheelhouse").mkdir()
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split(" ")[0].split("==")
            [wheel] = [p for p in wheels.glob("*.whl") if _wheel_name(p) == f"{name}=={version}"]
            os.link(wheel, folder / "wheelhouse" / wheel.name)
    shutil.copyfile(lock_file, folder / "wheelhouse" / LOCK)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(folder / "grader"), str(ROOT)], "the grader wheel"
    )
    shutil.copytree(ROOT / "assignments", folder / "assignments", ignore=shutil.ignore_patterns("__pycache__"))
    for name in datasets.DATASETS:
        source = datasets.locate(name)
        if source is not None:
            shutil.copytree(source, folder / "datasets" / name, ignore=shutil.ignore_patterns("manifest.json"))
    (folder / "datasets").mkdir(exist_ok=True)


def build(variant: str, base: str | None = None, tag: str | None = None) -> ImageInfo:
    """Build docker/Dockerfile for one variant; `base` defaults to the Dockerfile's pinned python:3.11-slim."""
    if variant not in VARIANTS:
        raise ImageError(f"unknown image {variant!r} (known: {', '.join(VARIANTS)})")
    reason = engine_available()
    if reason:
        raise ImageError(reason)
    tag = tag or image_tag(variant)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="grader-image-") as tmp:
        context = Path(tmp)
        _context(variant, context)
        shutil.copyfile(DOCKER_DIR / "Dockerfile", context / "Dockerfile")
        command = ["docker", "build", "--force-rm", "-t", tag, "--label", f"grader.lock_sha256={lock_sha256(variant)}"]
        command += ["--label", f"grader.source_sha256={source_sha256()}"]
        if base:
            command += ["--build-arg", f"BASE={base}"]
        # Streamed, not captured: a build takes minutes and its log is what the instructor needs when it fails.
        result = subprocess.run([*command, str(context)], env={**os.environ, "DOCKER_BUILDKIT": "0"}, check=False)
        if result.returncode != 0:
            raise ImageError(
                f"building the {variant} image failed (docker build exited {result.returncode}; log above)"
            )
    info = inspect(tag)
    if info is None:
        raise ImageError(f"the {variant} image {tag} was not created")
    return replace(info, seconds=time.perf_counter() - started)
