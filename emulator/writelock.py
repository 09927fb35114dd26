"""One writer at a time on a SQLite file, across threads and processes, woken at once.

SQLite allows one writer. Left to itself, a second writer waits in SQLite's busy handler,
which sleeps in steps (up to 100 ms each): under load that made p99 latency seconds in one
process, and two `serve` workers on one file spent 450-500 µs of CPU per request mostly
retrying. So every write transaction first takes this lock: an RLock for the threads of one
process, then `flock` on `<database>-lock` for the processes sharing the file. The kernel
wakes a flock waiter the moment the holder releases; BEGIN IMMEDIATE then never waits on
another emulator. Readers are not involved (WAL: reads run beside a writer).
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path


class WriteLock:
    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: in-process only (an in-memory database)
        self._threads = threading.RLock()
        self._depth = 0  # re-entrant: a nested write transaction holds it already
        self._fd: int | None = None

    def __enter__(self) -> WriteLock:
        self._threads.acquire()
        try:
            if self._depth == 0 and self.path is not None:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
