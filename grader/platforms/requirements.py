"""The Python packages a platform installs for one assignment: the CPU image's packages (docker/cpu/requirements.in)
less the frameworks the assignment does not use, closed over their dependencies as the locked wheels' own metadata
states them. Every line is the lock's own (exact version, sha256), so a platform installs what the grading image
holds, and a TensorFlow assignment never downloads torch and its CUDA wheels.
"""

from __future__ import annotations

import email.parser
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from grader.frameworks import FRAMEWORKS
from grader.images import DOCKER_DIR, LOCK, wheelhouse_dir

VARIANT = "cpu"
TARGET = {
    "python_version": "3.11",
    "python_full_version": "3.11.2",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
}
"""The platform the lock was resolved for (`grader image lock`: CPython 3.11, Linux x86_64)."""


class RequirementsError(Exception):
    """The lock cannot give the assignment's packages; the message says what to run."""


@dataclass(frozen=True)
class Locked:
    """One line of the lock: a package pinned to one version and one wheel's sha256."""

    name: str
    version: str
    line: str


def read_lock(path: Path) -> dict[str, Locked]:
    locked = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split(" ")[0].split("==")
            locked[canonicalize_name(name)] = Locked(canonicalize_name(name), version, line)
    return locked


def _names(lines: list[str]) -> list[str]:
    requirements = [line.split("#")[0].strip() for line in lines]
    return [canonicalize_name(Requirement(text).name) for text in requirements if text]


def roots(framework: str, image_inputs: Path) -> list[str]:
    """The packages to start from: the image's inputs, less every framework's packages but this one's."""
    if framework not in FRAMEWORKS:
        raise RequirementsError(f"unknown framework {framework!r} (known: {', '.join(FRAMEWORKS)})")
    by_extra: dict[str, list[str]] = {}
    for text in metadata.requires("grader") or []:
        requirement = Requirement(text)
        for extra in (FRAMEWORKS[key].extra for key in FRAMEWORKS):
            if requirement.marker is not None and requirement.marker.evaluate({"extra": extra}):
                by_extra.setdefault(extra, []).append(canonicalize_name(requirement.name))
    frameworks = {name for names in by_extra.values() for name in names}
    inputs = _names(image_inputs.read_text(encoding="utf-8").splitlines())
    return [name for name in inputs if name not in frameworks] + by_extra.get(FRAMEWORKS[framework].extra, [])


def wheel_requirements(wheel: Path) -> list[Requirement]:
    """`Requires-Dist` of a wheel, read from its METADATA without installing it."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        headers = email.parser.BytesHeaderParser().parsebytes(archive.read(name))
    return [Requirement(text) for text in headers.get_all("Requires-Dist") or []]


def _applies(requirement: Requirement, extra: str) -> bool:
    return requirement.marker is None or requirement.marker.evaluate({**TARGET, "extra": extra})


def closure(start: list[str], lock: dict[str, Locked], wheel: Callable[[Locked], Path]) -> list[Locked]:
    """Every locked package `start` needs on the target platform, extras followed, in the lock's order."""
    expanded: dict[str, set[str]] = {}  # package -> the extras whose requirements were followed ("": its own)
    requires: dict[str, list[Requirement]] = {}
    pending = [(name, "", "the assignment") for name in start]
    while pending:
        name, extra, needed_by = pending.pop()
        if name not in lock:
            raise RequirementsError(
                f"{name} (needed by {needed_by}) is not in docker/{VARIANT}/{LOCK}: run `grader image lock {VARIANT}`"
            )
        if extra in expanded.setdefault(name, set()):
            continue
        expanded[name].add(extra)
        if name not in requires:
            requires[name] = wheel_requirements(wheel(lock[name]))
        for requirement in requires[name]:
            if _applies(requirement, extra):
                target = canonicalize_name(requirement.name)
                pending += [(target, wanted, name) for wanted in ("", *sorted(requirement.extras))]
    return [locked for key, locked in lock.items() if key in expanded]


def _find_wheel(folder: Path, locked: Locked) -> Path | None:
    for path in folder.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(path.name)
        if name == locked.name and version == Version(locked.version):
            return path
    return None


def locked_wheel(folder: Path) -> Callable[[Locked], Path]:
    """The wheel of a lock line from the wheelhouse `folder`, downloaded there (hash checked) when missing."""

    def wheel(locked: Locked) -> Path:
        found = _find_wheel(folder, locked)
        if found is not None:
            return found
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as line:
            line.write(locked.line + "\n")
            line.flush()
            command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
            command += ["--python-version", TARGET["python_version"], "--require-hashes", "-r", line.name]
            done = subprocess.run([*command, "-d", str(folder)], capture_output=True, text=True, check=False)
        found = _find_wheel(folder, locked)
        if found is None:
            raise RequirementsError(f"cannot download {locked.line.split(' ')[0]}:\n{done.stderr[-2000:]}")
        return found

    return wheel


@dataclass(frozen=True)
class Requirements:
    """What a platform installs for one framework, and where the wheels are."""

    packages: tuple[Locked, ...]
    wheelhouse: Path

    def text(self, framework: str) -> str:
        header = f"# {framework}: the closure of its packages in docker/{VARIANT}/{LOCK} (exact versions, sha256)"
        return "\n".join([header, *(locked.line for locked in self.packages)]) + "\n"

    def wheels(self) -> list[Path]:
        wheel = locked_wheel(self.wheelhouse)
        return [wheel(locked) for locked in self.packages]


def for_framework(framework: str, wheelhouse: Path | None = None) -> Requirements:
    folder = wheelhouse or wheelhouse_dir(VARIANT)
    lock = read_lock(DOCKER_DIR / VARIANT / LOCK)
    packages = closure(roots(framework, DOCKER_DIR / VARIANT / "requirements.in"), lock, locked_wheel(folder))
    return Requirements(tuple(packages), folder)
