"""Prebuilt statements on the hot path: written once with SQLAlchemy, run through the DBAPI on
SQLite.

A request's own SQL on SQLite is a statement or three of microseconds each; SQLAlchemy's
per-call machinery around them (cache lookup, parameter processing, transaction and result
objects) cost several times that (py-spy under wrk: three quarters of the rate limiter's
upsert, 40 % of an HL register). `HotSQL` runs the same Core statements, compiled once to
SQLite's SQL, on the thread's DBAPI connection (Database.hot_read / hot_write), and through a
Core connection on any other database, so a vendor writes one code path. Only plain column
types belong here (text, numbers): no type processing happens on the SQLite path.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import namedtuple
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.util import symbol


@dataclass(frozen=True, slots=True)
class Prepared:
    """A statement compiled to SQLite's SQL and the order of its bind parameters."""

    sql: str
    names: tuple[str, ...]  # the bind parameters in SQL order
    defaults: Mapping[str, Any]  # values written into the statement (`.values(used=1)`)
    row: Any = None  # a SELECT's rows: named tuples, read by column name like Core rows

    def args(self, params: Mapping[str, Any]) -> tuple:
        return tuple(params[n] if n in params else self.defaults[n] for n in self.names)


# (id(statement), inserted keys) -> (statement, compiled); statements are module constants
_prepared: dict[tuple[int, tuple[str, ...] | None], tuple[Any, Prepared]] = {}
_lock = threading.Lock()


def prepare_sqlite(stmt: Any, keys: tuple[str, ...] | None = None) -> Prepared:
    """`stmt` compiled once; an INSERT without values for the columns in `keys` (as SQLAlchemy
    compiles one for an executemany), so a row missing a key fails instead of storing NULL."""
    found = _prepared.get((id(stmt), keys))
    if found is not None and found[0] is stmt:
        return found[1]
    compiled = stmt.compile(dialect=sqlite.dialect(),
                            column_keys=list(keys) if keys is not None else None)
    columns = getattr(stmt, "selected_columns", None)
    prepared = Prepared(compiled.string, tuple(compiled.positiontup or ()),
                        {k: v for k, v in compiled.params.items()
                         if v is not None and not isinstance(v, symbol)},  # REQUIRED
                        namedtuple("Row", list(columns.keys()), rename=True)
                        if columns is not None else None)
    with _lock:
        _prepared[(id(stmt), keys)] = (stmt, prepared)
    return prepared


class HotSQL:
    """Prebuilt Core statements inside one transaction (or one autocommit read): a DBAPI cursor
    on SQLite, a Core connection elsewhere. A constraint violation is SQLAlchemy's
    IntegrityError on both."""

    def __init__(self, *, cursor: Any = None, conn: Any = None) -> None:
        self._cursor, self._conn = cursor, conn

    def rows(self, stmt: Any, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The statement's rows: a SELECT's read by column name on both databases."""
        if self._conn is not None:
            return list(self._conn.execute(stmt, params or {}).all())
        p = prepare_sqlite(stmt)
        try:
            found = self._cursor.execute(p.sql, p.args(params or {})).fetchall()
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(p.sql, params, exc) from None
        return list(map(p.row._make, found)) if p.row is not None else found

    def execute(self, stmt: Any, params: Mapping[str, Any]) -> None:
        """An INSERT of one row, or an UPDATE / DELETE."""
        self.executemany(stmt, [params])

    def executemany(self, stmt: Any, rows: Iterable[Mapping[str, Any]]) -> None:
        """A write once per row (an INSERT's rows all have the keys of the first)."""
        rows = list(rows)
        if not rows:
            return
        if self._conn is not None:
            self._conn.execute(stmt, rows)
            return
        p = prepare_sqlite(stmt, tuple(rows[0]) if stmt.is_insert else None)
        try:
            self._cursor.executemany(p.sql, [p.args(row) for row in rows])
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(p.sql, rows, exc) from None


@contextmanager
def in_session(session: Any) -> Iterator[HotSQL]:
    """Prebuilt statements inside an ORM session's transaction, on its own connection (a
    vendor whose call runs in one write session, GVP): the rows it writes are the session's."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield HotSQL(conn=conn)
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        yield HotSQL(cursor=cursor)
    finally:
        cursor.close()
