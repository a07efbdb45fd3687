"""The grader's secret on this host, and what is derived from it. Student code never reads it (the sandbox's view and
user leave it out), so two things depend on it that student code must not be able to reproduce:

- which test images are held out: the spec's seed is public, and with it alone a student who read the grader could
  rebuild the held-out set from the public test set;
- that a results.json was written by this grader: a cached result is trusted only with a signature made with it.

The key lives in `$GRADER_KEY_FILE`, else `~/.config/grader/course.key` (created on first use, readable by its owner
alone). Course staff who grade on several machines share that file, so every machine holds out the same images. An
export carries the split key only, never the file itself.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE_ENV = "GRADER_KEY_FILE"
SPLIT_KEY_ENV = "GRADER_SPLIT_KEY"
"""A split key given directly (a CI secret), where no key file is kept."""
KEY_BYTES = 32
SHOWN = 12


class CourseKeyError(Exception):
    """The key file exists but cannot be used; the message says how to fix it."""


def key_file() -> Path:
    configured = os.environ.get(KEY_FILE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "grader" / "course.key"


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another grader made it first: use theirs
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(KEY_BYTES).encode() + b"\n")


@functools.lru_cache(maxsize=4)
def _master(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError) as exc:
        raise CourseKeyError(f"{path}: not a grader key ({exc}); remove it to have a new one made") from None
    if len(key) < 16:
        raise CourseKeyError(f"{path}: a grader key needs at least 16 bytes (32 hex digits)")
    return key


def master_key() -> bytes:
    return _master(key_file())


def _derive(purpose: bytes) -> bytes:
    return hmac.new(master_key(), purpose, hashlib.sha256).digest()


def split_key() -> str:
    """The key the held-out images are drawn with (what an export or a cluster task carries): `$GRADER_SPLIT_KEY`,
    else one derived from the key file."""
    return os.environ.get(SPLIT_KEY_ENV, "").strip() or _derive(b"held-out split").hex()


def keyed_seed(key: str, *parts: object) -> int:
    """A seed for a draw that student code must not be able to repeat: the split key with what the draw is for."""
    message = "\0".join(str(part) for part in parts).encode()
    return int.from_bytes(hmac.new(key.encode(), message, hashlib.sha256).digest(), "big")


def key_id(key: str) -> str:
    """A short name for a split key that reveals nothing of it, for provenance."""
    return hashlib.sha256(b"grader split key id\0" + key.encode()).hexdigest()[:SHOWN]


def sign(payload: bytes) -> str:
    return hmac.new(_derive(b"results"), payload, hashlib.sha256).hexdigest()


def verify(payload: bytes, signature: object) -> bool:
    return isinstance(signature, str) and hmac.compare_digest(sign(payload), signature)
