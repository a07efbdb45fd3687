"""What a run sees in its own namespaces (bubblewrap): the system's programs and libraries read-only, the Python
that runs it and the grader's own package read-only, the job's folders at /job, and nothing else of the host. Its
own processes only, no network, a private /tmp and working folder of bounded size.

What the host keeps from student code is left out by construction (results, caches, classmates' jobs, earlier
runs' records are never bound); the few places inside a bound folder that hold datasets are covered by empty
folders (`hidden`), so no copy of a test set is readable.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grader

SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
JOB = Path("/job")
WORK_BYTES = 512 * 1024 * 1024
TMP_BYTES = 256 * 1024 * 1024


def package_dir() -> Path:
    """The grader package this host runs: the sandbox imports exactly this one, never another installed copy."""
    return Path(grader.__file__).resolve().parent


def runtime_roots() -> list[Path]:
    """The folders the interpreter needs (a virtual environment and the installation it points to)."""
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, Path(sys.executable).parent]
    paths = [Path(p) for p in candidates] + [Path(p).resolve() for p in candidates]
    paths.append(Path(sys.executable).resolve().parent)
    return outermost(p for p in paths if p.is_dir() and not _under_system(p))


def _under_system(path: Path) -> bool:
    return any(path == Path(root) or path.is_relative_to(root) for root in SYSTEM if Path(root).is_dir())


def outermost(paths: Iterable[Path]) -> list[Path]:
    """Each folder once, and none inside another of them."""
    unique = sorted(set(paths), key=lambda p: (len(p.parts), str(p)))
    kept: list[Path] = []
    for path in unique:
        if not any(path.is_relative_to(other) for other in kept):
            kept.append(path)
    return kept


@dataclass(frozen=True)
class Mount:
    """One host folder or file at a path inside; `writable` for the run's outputs only."""

    source: Path
    target: Path
    writable: bool = False


@dataclass(frozen=True)
class View:
    mounts: tuple[Mount, ...]
    hidden: tuple[Path, ...] = ()
    """Folders inside a read-only bound folder that must look empty (where datasets live)."""
    devices: tuple[Path, ...] = ()
    """Device nodes passed through (the GPU's, with --device cuda)."""
    work: Path = JOB / "work"
    as_user: bool = False
    """The grader is not root: the namespaces need a user namespace of their own."""
    inner: tuple[Mount, ...] = field(default_factory=tuple)
    """Read-only folders bound inside the working folder once it exists (torchvision's `./data`)."""


def _system_args() -> list[str]:
    args: list[str] = []
    for root in SYSTEM:
        path = Path(root)
        if path.is_symlink():
            args += ["--symlink", str(path.readlink()), root]
        elif path.is_dir():
            args += ["--ro-bind", root, root]
    return args


def _parents(targets: Iterable[Path]) -> list[str]:
    """Folders above the bound ones, searchable by everyone: bubblewrap would make them root's alone, and a run that
    is not root could then not reach its own interpreter."""
    made: list[Path] = []
    for target in targets:
        for parent in reversed(target.parents):
            if parent != Path("/") and parent not in made and not _under_system(parent):
                made.append(parent)
    return [arg for folder in made for arg in ("--perms", "0755", "--dir", str(folder))]


def _hide(hidden: Sequence[Path], bound: Sequence[Path]) -> list[str]:
    args: list[str] = []
    for path in hidden:
        if path.is_dir() and any(path.is_relative_to(root) for root in bound):
            args += ["--tmpfs", str(path)]
    return args


def bwrap_command(bwrap: str, view: View, command: Sequence[str]) -> list[str]:
    """The bubblewrap command line that runs `command` inside the view."""
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if view.as_user:
        namespaces = ["--unshare-user", "--disable-userns", *namespaces]
    runtime = [*runtime_roots(), package_dir()]
    args = [bwrap, *namespaces, "--die-with-parent", "--new-session", "--hostname", "sandbox", *_system_args()]
    # The private /tmp first: an interpreter or a checkout of the grader that lives under /tmp is bound on top of it.
    args += ["--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    args += _parents(outermost(runtime))
    for root in outermost(runtime):
        args += ["--ro-bind", str(root), str(root)]
    bound = [Path(r) for r in SYSTEM if Path(r).is_dir() and not Path(r).is_symlink()] + outermost(runtime)
    args += _hide(view.hidden, bound)
    args += ["--ro-bind-try", "/sys", "/sys", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm"]
    for device in view.devices:
        args += ["--dev-bind", str(device), str(device)]
    args += ["--dir", str(JOB)]
    args += ["--perms", "1777", "--size", str(WORK_BYTES), "--tmpfs", str(view.work)]
    for mount in (*view.mounts, *view.inner):
        args += ["--bind" if mount.writable else "--ro-bind", str(mount.source), str(mount.target)]
    return [*args, "--chdir", str(view.work), "--", *command]
