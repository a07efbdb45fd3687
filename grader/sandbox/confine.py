"""The first thing the student's process does, before it imports anything else of ours or the student's: take the
limits, the identity and the filters the host asked for in `GRADER_CONFINE`, so that nothing the student's code does
later can undo them.

- Limits: data memory, file size, processes of this user, no core dumps.
- Identity: started as root inside a mount namespace (`grader.isolation` puts it there), it becomes the run's own
  unprivileged user and checks that it did; started as that user already, it only checks.
- No new privileges, and the process dies with its parent.
- Network: a seccomp filter refuses every socket that is not local (AF_UNIX, AF_NETLINK) and io_uring, for this
  process and every process it starts, where no network namespace cuts the network already. The kernel keeps the
  filter; no code in the process can remove it.

Standard library only: this runs before the frameworks are imported.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import resource
import signal
import sys
from collections.abc import Mapping
from typing import Any

ENV = "GRADER_CONFINE"
"""The environment variable holding the host's settings (JSON)."""
CONFINE_FAILED = 125
"""Exit status when the process cannot confine itself: the host reports it as its own failure, never the student's."""

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2

_LD_W_ABS, _JEQ_K, _JSET_K, _RET_K = 0x20, 0x15, 0x45, 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_EACCES, _ENOSYS, _EPERM = 13, 38, 1
_AF_UNIX, _AF_NETLINK = 1, 16
_X32_SYSCALL_BIT = 0x40000000
_ARCHES = {
    # machine: (AUDIT_ARCH_*, socket, io_uring_setup)
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}


class _Filter(ctypes.Structure):
    _fields_ = (("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint))


class _Program(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter)))


def network_filter(machine: str) -> list[tuple[int, int, int, int]] | None:
    """The classic BPF program: socket() only for local families, no io_uring, nothing from another ABI (x32 or the
    32-bit entry on x86_64, where socketcall would slip past). None on a machine it does not know."""
    if machine not in _ARCHES:
        return None
    arch, socket_nr, io_uring_nr = _ARCHES[machine]
    deny, other_abi = _RET_ERRNO | _EACCES, _RET_ERRNO | _ENOSYS
    return [
        (_LD_W_ABS, 0, 0, 4),  # 0: the syscall's architecture
        (_JEQ_K, 1, 0, arch),  # 1: native -> 3
        (_RET_K, 0, 0, other_abi),  # 2
        (_LD_W_ABS, 0, 0, 0),  # 3: the syscall number
        (_JSET_K, 0, 1, _X32_SYSCALL_BIT),  # 4: x32 -> 5, else -> 6
        (_RET_K, 0, 0, other_abi),  # 5
        (_JEQ_K, 2, 0, socket_nr),  # 6: socket -> 9
        (_JEQ_K, 0, 5, io_uring_nr),  # 7: io_uring_setup -> 8, else -> 13
        (_RET_K, 0, 0, _RET_ERRNO | _EPERM),  # 8
        (_LD_W_ABS, 0, 0, 16),  # 9: socket's first argument, the address family
        (_JEQ_K, 2, 0, _AF_UNIX),  # 10: -> 13
        (_JEQ_K, 1, 0, _AF_NETLINK),  # 11: -> 13
        (_RET_K, 0, 0, deny),  # 12
        (_RET_K, 0, 0, _RET_ALLOW),  # 13
    ]


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _prctl(libc: Any, *args: Any) -> None:
    if libc.prctl(*args) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl{args[:1]}: {os.strerror(error)}")


def cut_network(libc: Any) -> bool:
    """Install the network filter; False when this machine's architecture has none."""
    program = network_filter(platform.machine())
    if program is None:
        return False
    filters = (_Filter * len(program))(*(_Filter(*row) for row in program))
    _prctl(libc, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(_Program(len(program), filters)), 0, 0)
    return True


def _limits(settings: Mapping[str, Any]) -> None:
    for name, key in (("RLIMIT_DATA", "memory_bytes"), ("RLIMIT_FSIZE", "file_bytes"), ("RLIMIT_NPROC", "processes")):
        value = settings.get(key)
        if value is not None:
            resource.setrlimit(getattr(resource, name), (int(value), int(value)))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _become(uid: int, gid: int) -> None:
    """Drop root for the run's own user, for good: groups, real, effective and saved ids."""
    if os.geteuid() == 0 and uid != 0:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid) or os.getgroups() not in ([], [gid]):
        raise PermissionError(f"could not become uid {uid}, gid {gid}")


def apply(settings: Mapping[str, Any]) -> None:
    """Limits first (lowering them needs no privilege), then the identity, then what the kernel keeps for good."""
    libc = _libc()
    parent = os.getppid()
    _limits(settings)
    identity = settings.get("identity")
    if identity is not None:
        _become(int(identity[0]), int(identity[1]))
    _prctl(libc, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    _prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the grader died before the signal was armed
        os._exit(CONFINE_FAILED)
    if settings.get("seccomp") and not cut_network(libc):
        raise OSError(f"no network filter for {platform.machine()}")


def from_environment() -> None:
    """Confine this process as `GRADER_CONFINE` says; any failure ends it before student code could run."""
    raw = os.environ.pop(ENV, None)
    if raw is None:
        return
    try:
        apply(json.loads(raw))
    except Exception as exc:  # whatever failed, student code must not run unconfined
        print(f"grader: the sandbox could not confine itself: {exc}", file=sys.stderr)
        os._exit(CONFINE_FAILED)
