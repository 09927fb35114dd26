"""Engine and sessions.

SQLite (the default) runs in WAL mode with a busy timeout, and write transactions start with
`BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can fail with
SQLITE_BUSY_SNAPSHOT under concurrency, which the busy timeout does not retry. Any other
SQLAlchemy URL (PostgreSQL) is used as is.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from emulator.hotsql import HotSQL
from emulator.writelock import WriteLock

log = logging.getLogger("emulator.db")
STARTUP_LOCK_ID = 0x656D7573  # PostgreSQL advisory lock held through start-up ("emus")
# SQLite conditions outside the emulator's control (another process's lock, a full disk, a
# read-only or vanished file): logged once per failure in plain words; the request gets its
# vendor's 500 envelope (emulator/pipeline.py) and the next request tries again.
_STORE_FAILURES = ("database is locked", "database or disk is full", "readonly database",
                   "disk i/o error", "unable to open database file")
# After these, a pooled connection may be stuck in the state it was opened in (pysqlite opens a
# read-only file read-only for good): drop the pool so the next request reconnects.
_RECONNECT = ("readonly database", "disk i/o error", "unable to open database file")


def table(model: type[SQLModel]) -> Table:
    """A table model's Core table (SQLModel gives `__table__` no static type)."""
    return model.__table__  # type: ignore[attr-defined]


class Database:
    def __init__(self, url: str, busy_timeout_ms: int = 30_000) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # SQLite allows one writer: writers of every thread and process queue on this lock
        # (emulator/writelock.py), not on SQLite's sleeping busy handler
        self._write_lock = WriteLock(None)
        self._held = threading.local()  # each thread's DBAPI connection for the raw paths
        self._all_held: list[Any] = []
        self._held_lock = threading.Lock()
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                file = Path(parsed.database).expanduser()
                file.parent.mkdir(parents=True, exist_ok=True)
                self._write_lock = WriteLock(file.with_name(file.name + "-lock"))
            self.engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
                pool_size=8,
                max_overflow=24,
            )
            _configure_sqlite(self.engine, busy_timeout_ms)
            self.quick_engine = self.engine
            if not parsed.database or parsed.database == ":memory:":
                return  # a second engine would open a second, empty, in-memory database
            # Reads of one statement on the hot path (the clock check, HL Connect's info) need
            # no transaction: in autocommit they skip the BEGIN/ROLLBACK pair a pooled
            # connection of `engine` would send, about a third of such a read's cost.
            self.quick_engine = create_engine(
                url, isolation_level="AUTOCOMMIT",
                connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
                pool_size=8, max_overflow=24,
            )
            _configure_sqlite(self.quick_engine, busy_timeout_ms, autocommit=True)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            # Per-request bookkeeping (the clock check, the journal) is one statement or two:
            # in autocommit, without a ping per checkout, that is one round trip each instead of
            # four, and the journal's commits do not wait for the WAL flush (other sessions see
            # them at once; a server crash may lose the last milliseconds of journal).
            self.quick_engine = create_engine(
                url, isolation_level="AUTOCOMMIT", pool_size=10, max_overflow=20,
                connect_args={"options": "-c synchronous_commit=off"})

    @contextmanager
    def startup_lock(self) -> Iterator[None]:
        """Processes starting together take turns through start-up (migrations, seeding,
        fixtures), so none sees another's half-done work: a PostgreSQL advisory lock, or on
        SQLite the write lock, held throughout."""
        if self.is_sqlite:
            with self._write_lock:
                yield
            return
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": STARTUP_LOCK_ID})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": STARTUP_LOCK_ID})
                conn.commit()

    def migrate(self, vendors=None) -> bool:
        """Schema to the newest Alembic revision (emulator/migrations), plus the tables of
        plug-in vendors among `vendors` (default: the registered ones); cheap when current."""
        from emulator.migrations import upgrade

        return upgrade(self, vendors=vendors)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session whose transaction takes the write lock up front (on SQLite)."""
        if not self.is_sqlite:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
            return
        with self._write_lock, Session(self.engine, expire_on_commit=False) as session:
            session.connection(execution_options={"sqlite_immediate": True})
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection inside a write transaction, committed on a clean exit: for a few
        Core statements where a Session costs more than the SQL itself (hot_write on
        PostgreSQL, the rate limiter's pruning). Same write lock and BEGIN IMMEDIATE as
        write_session on SQLite."""
        if not self.is_sqlite:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.connect() as conn:
            conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _raw_write(self) -> Iterator[Any]:  # a DBAPI (sqlite3) cursor
        """hot_write on SQLite: a DBAPI cursor inside BEGIN IMMEDIATE ... COMMIT under the write
        lock, where SQLAlchemy's statement, transaction and pool machinery cost more than
        SQLite's work (the journal's writer: py-spy put it at 15 % of an HL info request, two
        thirds of that SQLAlchemy). A store failure is reported and recovered from as on the
        engine (`_on_error`)."""
        with self._write_lock, self._dbapi() as raw:
            cursor = raw.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    if raw.in_transaction:
                        cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            finally:
                cursor.close()

    @contextmanager
    def _raw_read(self) -> Iterator[Any]:  # a DBAPI (sqlite3) cursor
        """hot_read on SQLite: a DBAPI cursor in autocommit, closed after, so no read stays
        open."""
        with self._dbapi() as raw:
            cursor = raw.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    @contextmanager
    def hot_write(self, durable: bool = True) -> Iterator[HotSQL]:
        """One write transaction of prebuilt statements (emulator/hotsql.py says why). On
        PostgreSQL `durable=False` runs them as autocommit statements that do not wait for the
        WAL flush (the journal's bookkeeping, `quick_engine`); SQLite commits alike either way."""
        if self.is_sqlite:
            with self._raw_write() as cursor:
                yield HotSQL(cursor=cursor)
        else:
            with self.write_connection() if durable else self.quick_engine.connect() as conn:
                yield HotSQL(conn=conn)

    @contextmanager
    def hot_read(self) -> Iterator[HotSQL]:
        """Prebuilt reads in autocommit (emulator/hotsql.py)."""
        if self.is_sqlite:
            with self._raw_read() as cursor:
                yield HotSQL(cursor=cursor)
        else:
            with self.quick_engine.connect() as conn:
                yield HotSQL(conn=conn)

    @contextmanager
    def _dbapi(self) -> Iterator[Any]:
        """This thread's DBAPI connection for the raw paths, held between uses: a pool checkout
        and its reset on return cost as much as the statement (py-spy: about 2 % of a request
        each, three per GmodStore list). Any SQLite error hands it back to the pool (its reset
        rolls back what a failed COMMIT left open) or drops it (a store failure that may leave
        it stuck); dispose() returns them all."""
        raw = getattr(self._held, "conn", None)
        if raw is None:
            raw = self.quick_engine.raw_connection()  # autocommit (_on_connect): raw paths BEGIN
            with self._held_lock:
                self._all_held.append(raw)
            self._held.conn = raw
        try:
            yield raw
        except sqlite3.Error as exc:
            self._held.conn = None
            with self._held_lock:
                self._all_held.remove(raw)
            if _store_failure(self.engine, exc) in _RECONNECT:
                raw.invalidate()  # this connection may be stuck as it was opened
            raw.close()  # back to the pool (or discarded, once invalidated)
            raise

    def dispose(self) -> None:
        with self._held_lock:
            held, self._all_held = self._all_held, []
        self._held = threading.local()
        for raw in held:
            raw.close()
        self.engine.dispose()
        if self.quick_engine is not self.engine:
            self.quick_engine.dispose()
        self._write_lock.close()


def _set_wal(cur, busy_timeout_ms: int) -> None:
    """WAL mode, waiting for a process that is creating the same new database: until its first
    write the file is not yet in WAL mode, and switching needs a lock SQLite refuses at once
    (no busy handler: a lock upgrade that could deadlock) while the creator holds its write
    transaction. Two emulators starting together on a new file hit this."""
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _store_failure(engine: Engine, exc: BaseException) -> str | None:
    """Which condition outside the emulator's control `exc` is (logged once), or None."""
    message = str(exc).lower()
    failure = next((f for f in _STORE_FAILURES if f in message), None)
    if failure is not None:
        log.error("state store unavailable (%s): %s", failure,
                  engine.url.render_as_string(hide_password=True))
    return failure


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, autocommit: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - driver hook
        # Let SQLAlchemy, not pysqlite, emit BEGIN so we can choose IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        _set_wal(cur, busy_timeout_ms)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    if not autocommit:
        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:  # pragma: no cover - driver hook
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:
        failure = _store_failure(engine, context.original_exception)
        if failure is None:
            return  # constraint violations and the like are the vendors' business
        if failure in _RECONNECT:
            context.is_disconnect = True  # SQLAlchemy invalidates the pool: fresh connections
