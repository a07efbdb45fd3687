"""Refuses network access from the student process, so grading is offline and a download fails fast and clearly.

The Docker backend cuts the network for real (`--network none`); this guard makes the local backend behave the same.
"""

from __future__ import annotations

import sys

MESSAGE = (
    "network access is disabled while grading: the grader serves the dataset itself "
    "(tf.keras.datasets / torchvision datasets work offline as written in the course note)"
)
_BLOCKED = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "urllib.Request"}


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event in _BLOCKED:
        if event == "socket.connect" and args and getattr(args[0], "family", None) == 1:  # AF_UNIX stays local
            return
        raise PermissionError(MESSAGE)


def install() -> None:
    """Audit hooks cannot be removed once added, so student code cannot switch the guard off."""
    sys.addaudithook(_hook)
