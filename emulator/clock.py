"""Injected time.

Every time-based rule (progression, token and URL expiry, rate-limit windows) reads a `Clock`
so tests and users can freeze and fast-forward time instead of sleeping. A clock is either
running (wall time plus an offset) or frozen at an instant; advancing moves either kind forward.
Each sandbox has its own clock; the registry persists their state so a restart keeps it.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Callable

from sqlmodel import Field, SQLModel


class ClockState(SQLModel, table=True):
    __tablename__ = "clock_state"

    sandbox: str = Field(primary_key=True, max_length=64)
    offset: float = 0.0
    frozen_at: float | None = None


class Clock:
    """A virtual clock: `wall() + offset`, or a frozen instant."""

    def __init__(
        self,
        offset: float = 0.0,
        frozen_at: float | None = None,
        wall: Callable[[], float] = time.time,
        on_change: Callable[["Clock"], None] | None = None,
    ) -> None:
        self._offset = offset
        self._frozen_at = frozen_at
        self._wall = wall
        self._on_change = on_change
        self._lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------
    def time(self) -> float:
        """Seconds since the UNIX epoch on this clock."""
        frozen = self._frozen_at
        return frozen if frozen is not None else self._wall() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def offset(self) -> float:
        return self._offset

    @property
    def frozen_at(self) -> float | None:
        return self._frozen_at

    def state(self) -> dict:
        return {
            "now": self.now().isoformat().replace("+00:00", "Z"),
            "epoch": self.time(),
            "frozen": self.frozen,
            "offset_seconds": self._offset,
        }

    # -- changing ------------------------------------------------------------------------
    def freeze(self, at: float | None = None) -> None:
        with self._lock:
            self._frozen_at = self.time() if at is None else float(at)
        self._changed()

    def resume(self) -> None:
        """Run again from the current virtual instant (time does not jump back)."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - self._wall()
                self._frozen_at = None
        self._changed()

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds
        self._changed()

    def set(self, offset: float, frozen_at: float | None) -> None:
        with self._lock:
            self._offset, self._frozen_at = offset, frozen_at
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)


class ClockRegistry:
    """One clock per sandbox, loaded lazily from and written through to the database."""

    def __init__(self, db, start: datetime | None = None) -> None:
        self._db = db
        self._start = start.timestamp() if start is not None else None
        self._clocks: dict[str, Clock] = {}
        self._lock = threading.Lock()

    def get(self, sandbox: str) -> Clock:
        clock = self._clocks.get(sandbox)
        if clock is None:
            with self._lock:
                clock = self._clocks.get(sandbox) or self._load(sandbox)
                self._clocks[sandbox] = clock
        return clock

    def forget(self, sandbox: str) -> None:
        """Drop a sandbox's clock (reset/delete): the next read starts from the default."""
        with self._lock:
            self._clocks.pop(sandbox, None)
        with self._db.write_session() as session:
            row = session.get(ClockState, sandbox)
            if row is not None:
                session.delete(row)
            session.commit()

    def _load(self, sandbox: str) -> Clock:
        with self._db.read_session() as session:
            row = session.get(ClockState, sandbox)
        if row is not None:
            return Clock(row.offset, row.frozen_at, on_change=self._saver(sandbox))
        return Clock(0.0, self._start, on_change=self._saver(sandbox))

    def _saver(self, sandbox: str) -> Callable[[Clock], None]:
        def save(clock: Clock) -> None:
            with self._db.write_session() as session:
                row = session.get(ClockState, sandbox) or ClockState(sandbox=sandbox)
                row.offset, row.frozen_at = clock.offset, clock.frozen_at
                session.add(row)
                session.commit()

        return save
