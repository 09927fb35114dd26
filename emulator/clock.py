"""Injected time.

Every time-based rule (progression, token and URL expiry, rate-limit windows) reads a `Clock`
so tests and users can freeze and fast-forward time instead of sleeping. A clock is either
running (wall time plus an offset) or frozen at an instant; advancing moves either kind forward.

Each sandbox has its own clock, kept in the database (`clock_state`) so a restart keeps it and
several emulator processes sharing the database agree on it. A process caches each clock and
checks its row's version once per request (one primary-key read); changes are read-modify-write
transactions on the row, so two replicas advancing at once both count.
"""

from __future__ import annotations

import contextvars
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import BigInteger, bindparam, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Field, SQLModel

from emulator.db import table

State = tuple[float, float | None]  # (offset, frozen_at)
# Sandboxes whose clock was already checked in the current request (set by the pipeline):
# within one request a second check could only observe a change that raced the request.
checked_in_request: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "clock_checked", default=None)


class ClockState(SQLModel, table=True):
    __tablename__ = "clock_state"

    sandbox: str = Field(primary_key=True, max_length=64)
    offset: float = 0.0
    frozen_at: float | None = None
    # opaque and random (not a counter): a row deleted and re-created never repeats a version
    # another process still caches
    version: int = Field(default=0, sa_type=BigInteger)


class Clock:
    """A virtual clock: `wall() + offset`, or a frozen instant."""

    def __init__(
        self,
        offset: float = 0.0,
        frozen_at: float | None = None,
        wall: Callable[[], float] = time.time,
        on_change: Callable[[Clock], None] | None = None,
        store: Callable | None = None,
    ) -> None:
        self._offset = offset
        self._frozen_at = frozen_at
        self._wall = wall
        self._on_change = on_change
        self._store = store  # set by ClockRegistry: changes go through the database
        self.version = 0
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
        def change(offset: float, frozen: float | None, wall: float) -> State:
            now = frozen if frozen is not None else wall + offset
            return offset, (now if at is None else float(at))
        self._apply(change)

    def resume(self) -> None:
        """Run again from the current virtual instant (time does not jump back)."""
        def change(offset: float, frozen: float | None, wall: float) -> State:
            return (frozen - wall, None) if frozen is not None else (offset, None)
        self._apply(change)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock only moves forward")

        def change(offset: float, frozen: float | None, wall: float) -> State:
            return (offset, frozen + seconds) if frozen is not None else (offset + seconds, None)
        self._apply(change)

    def set(self, offset: float, frozen_at: float | None) -> None:
        self._apply(lambda _o, _f, _w: (offset, frozen_at))

    def _apply(self, change: Callable[[float, float | None, float], State]) -> None:
        if self._store is not None:  # the stored state is the truth: change it there
            self._offset, self._frozen_at, self.version = self._store(change, self._wall)
            return
        with self._lock:
            self._offset, self._frozen_at = change(self._offset, self._frozen_at, self._wall())
        if self._on_change is not None:
            self._on_change(self)

    def _load(self, offset: float, frozen_at: float | None, version: int) -> None:
        self._offset, self._frozen_at, self.version = offset, frozen_at, version


class ClockRegistry:
    """One clock per sandbox: cached, checked against the database once per request."""

    def __init__(self, db, start: datetime | None = None) -> None:
        self._db = db
        self._start = start.timestamp() if start is not None else None
        self._clocks: dict[str, Clock] = {}
        self._lock = threading.Lock()
        self._table = t = table(ClockState)
        # built once and run as a prebuilt read (Database.hot_read: on SQLite a third of a Core
        # execution's cost); it runs once per request
        self._read = select(t.c.offset, t.c.frozen_at, t.c.version).where(
            t.c.sandbox == bindparam("sandbox"))

    def get(self, sandbox: str) -> Clock:
        clock = self._clocks.get(sandbox)
        if clock is None:
            with self._lock:
                clock = self._clocks.get(sandbox)
                if clock is None:
                    clock = self._clocks[sandbox] = Clock(0.0, self._start,
                                                          store=self._storer(sandbox))
                    clock.version = -1  # never matches: the first use reads the row
        checked = checked_in_request.get()
        if checked is None or sandbox not in checked:
            self._refresh(sandbox, clock)
            if checked is not None:
                checked.add(sandbox)
        return clock

    def _refresh(self, sandbox: str, clock: Clock) -> None:
        params = {"sandbox": sandbox}
        try:  # one autocommit statement (a round trip on PostgreSQL: quick_engine)
            with self._db.hot_read() as sql:
                rows = sql.rows(self._read, params)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            with self._db.hot_read() as sql:  # the PostgreSQL server restarted: once more
                rows = sql.rows(self._read, params)
        self._load_row(clock, rows[0] if rows else None)

    def _load_row(self, clock: Clock, row) -> None:
        if row is None:
            if clock.version != 0:  # never set, or forgotten (perhaps by another process)
                clock._load(0.0, self._start, 0)
        elif row[2] != clock.version:
            clock._load(row[0], row[1], row[2])

    def forget(self, sandbox: str) -> None:
        """Drop a sandbox's clock (reset/delete): the next read starts from the default."""
        with self._db.write_session() as session:
            row = session.get(ClockState, sandbox)
            if row is not None:
                session.delete(row)
            session.commit()
        with self._lock:
            clock = self._clocks.get(sandbox)
        if clock is not None:
            clock._load(0.0, self._start, 0)

    def _storer(self, sandbox: str):
        def store(change, wall: Callable[[], float]) -> tuple[float, float | None, int]:
            for attempt in range(2):  # two processes inserting the first row at once: retry
                try:
                    return self._store(sandbox, change, wall)
                except IntegrityError:
                    if attempt:
                        raise
            raise AssertionError("unreachable")
        return store

    def _store(self, sandbox: str, change, wall) -> tuple[float, float | None, int]:
        with self._db.write_session() as session:
            # row lock on PostgreSQL (SQLite's write transaction already excludes others)
            row = session.get(ClockState, sandbox, with_for_update=True)
            if row is None:
                row = ClockState(sandbox=sandbox, offset=0.0, frozen_at=self._start)
            row.offset, row.frozen_at = change(row.offset, row.frozen_at, wall())
            row.version = secrets.randbits(62) or 1
            session.add(row)
            session.commit()
            return row.offset, row.frozen_at, row.version
