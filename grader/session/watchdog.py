"""A session that makes no progress says so: every thread's stack is written to a log and the console names it.

A Python thread notices the stall, writes the stacks (`faulthandler.dump_traceback`) and says where they are. Should the
process be stuck in native code that holds the GIL, that thread cannot run: `faulthandler`'s own C timer, armed a
little later, writes them then. Any sign of progress (a submission finished) re-arms both. The log stays only when
something was written to it.
"""

from __future__ import annotations

import faulthandler
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

LOG_NAME = "stalls.log"
POLL_S = 0.5
FALLBACK_AFTER_S = 5.0


class Watchdog:
    """`with Watchdog(timeout_s, folder, notify) as dog:` ... `dog.progress()` each time something finishes."""

    def __init__(self, timeout_s: float, folder: Path, notify: Callable[[str], None]) -> None:
        self.timeout_s, self.path, self.notify = timeout_s, folder / LOG_NAME, notify
        self._last = time.monotonic()
        self._reported = False
        self._stop = threading.Event()
        self._log: IO[str] | None = None
        self._thread = threading.Thread(target=self._watch, name="grader-watchdog", daemon=True)

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.path.open("a", encoding="utf-8")
        self._arm()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        faulthandler.cancel_dump_traceback_later()
        if self._log is not None:
            self._log.close()
        if self.path.is_file() and self.path.stat().st_size == 0:
            self.path.unlink()

    def progress(self) -> None:
        self._last = time.monotonic()
        self._reported = False
        self._arm()

    def _arm(self) -> None:
        """faulthandler has one timer per process: one session at a time watches (a session is one per process)."""
        assert self._log is not None
        faulthandler.dump_traceback_later(self.timeout_s + FALLBACK_AFTER_S, repeat=False, file=self._log)

    def _watch(self) -> None:
        while not self._stop.wait(POLL_S):
            stalled = time.monotonic() - self._last
            if stalled >= self.timeout_s and not self._reported and self._log is not None:
                self._reported = True
                faulthandler.cancel_dump_traceback_later()
                self._log.write(f"No submission finished in the last {stalled:.0f} s; every thread's stack:\n")
                self._log.flush()
                faulthandler.dump_traceback(file=self._log, all_threads=True)
                self.notify(
                    f"No submission finished in the last {stalled:.0f} s: every thread's stack is in {self.path}. "
                    "The session goes on; stop it with Ctrl-C if it stays stuck, and send that file with your report."
                )
