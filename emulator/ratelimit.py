"""Fixed-window rate limits, counted in the database on the sandbox clock.

The one limiter of the emulator: a vendor's own limit (scope: the vendor's name) and the
scenario `rate_limit` effect (scope "scenario") count in the same table, `rate_window`, one
row per (sandbox, scope, key) holding the current window's start and the calls made in it.
Each call is one atomic upsert (`INSERT .. ON CONFLICT DO UPDATE .. RETURNING`): two
replicas taking the 60th call at once get 60 and 61, never 60 twice, on SQLite and PostgreSQL
alike, and counts survive restarts. Windows are aligned to the clock (`floor(now / w) * w`); a
refused call counts too, as Laravel's throttle counts it. The rows are sandbox state (reset,
snapshots and sandbox copies treat them like every other row); clients choose their tokens,
so finished windows are pruned now and then and at most about 1.5 x MAX_WINDOWS run per
sandbox and scope.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass

from sqlalchemy import Column, Float, bindparam, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel

from emulator.db import table

MAX_WINDOWS = 10_000  # running windows kept per sandbox and scope


class RateWindow(SQLModel, table=True):
    __tablename__ = "rate_window"

    sandbox: str = Field(primary_key=True, max_length=128)
    scope: str = Field(primary_key=True, max_length=64)  # who counts: a vendor, "scenario"
    key: str = Field(primary_key=True, max_length=255)  # whose budget (never a raw token)
    started: float = Field(sa_column=Column(Float, nullable=False))
    ends: float = Field(sa_column=Column(Float, nullable=False, index=True))
    used: int = 0


@dataclass(frozen=True, slots=True)
class Quota:
    """One caller's budget right after a call was counted."""

    limit: int
    used: int
    reset_at: float  # clock instant the current window ends
    now: float

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset_at - self.now))

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(int(math.ceil(self.reset_at))),
        }
        if self.exceeded:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def digest(secret: str) -> str:
    """A stable stand-in for a token in a key: rows are exported with snapshots."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def short_key(key: str) -> str:
    """Keys carry client ids of any length: long ones are shortened to a stable digest."""
    if len(key) <= 255:
        return key
    return key[:180] + "#" + hashlib.sha256(key.encode()).hexdigest()


def _upsert(dialect):
    """The counting statement, built once with bind parameters: building it per call (an
    ON CONFLICT clause, its `excluded` alias, a CASE) cost about ten times what SQLite
    spends running it."""
    t = table(RateWindow)
    stmt = dialect.insert(t).values(sandbox=bindparam("sb"), scope=bindparam("scope"),
                                    key=bindparam("key"), started=bindparam("started"),
                                    ends=bindparam("ends"), used=1)
    same = t.c.started == stmt.excluded.started
    return stmt.on_conflict_do_update(
        index_elements=[t.c.sandbox, t.c.scope, t.c.key],
        set_={"used": case((same, t.c.used + 1), else_=1),
              "started": stmt.excluded.started, "ends": stmt.excluded.ends},
    ).returning(t.c.used)


class RateLimiter:
    def __init__(self, db, scope: str) -> None:
        self.db = db
        self.scope = scope
        self._take = _upsert(postgresql if not db.is_sqlite else sqlite)
        self._fresh = itertools.count(1)  # new windows this process opened (prune pacing)

    def take(self, sandbox: str, key: str, limit: int, window: float, now: float) -> Quota:
        """Count one call against `key`'s budget of `limit` per `window` seconds."""
        start = math.floor(now / window) * window
        key = short_key(key)
        params = {"sb": sandbox, "scope": self.scope, "key": key, "started": start,
                  "ends": start + window}
        # prebuilt, through the DBAPI on SQLite (py-spy: SQLAlchemy's machinery was three
        # quarters of a take, a fifth of a GmodStore list)
        with self.db.hot_write() as sql:
            used = int(sql.rows(self._take, params)[0][0])
        if used == 1 and next(self._fresh) % max(1, MAX_WINDOWS // 2) == 0:
            with self.db.write_connection() as conn:  # now and then: its own transaction
                self._prune(conn, sandbox, key, now)
        return Quota(limit, used, start + window, now)

    def peek(self, sandbox: str, key: str, limit: int, window: float, now: float) -> Quota:
        """`key`'s budget without counting a call (for an answer no limit was asked about)."""
        start = math.floor(now / window) * window
        t = table(RateWindow)
        with self.db.read_session() as session:
            used = session.execute(select(t.c.used).where(
                t.c.sandbox == sandbox, t.c.scope == self.scope, t.c.key == short_key(key),
                t.c.started == start)).scalar()
        return Quota(limit, int(used or 0), start + window, now)

    def _prune(self, conn, sandbox: str, keep: str, now: float) -> None:
        t = table(RateWindow)
        mine = (t.c.sandbox == sandbox) & (t.c.scope == self.scope)
        conn.execute(delete(t).where(mine, t.c.ends <= now))
        running = conn.execute(select(func.count()).select_from(t).where(mine)).scalar_one()
        excess = running - MAX_WINDOWS
        if excess > 0:  # all still running: drop the soonest-ending others (a fresh budget)
            victims = select(t.c.key).where(mine, t.c.key != keep) \
                .order_by(t.c.ends, t.c.key).limit(excess)
            conn.execute(delete(t).where(mine, t.c.key.in_(victims.scalar_subquery())))

    def next_reset(self, session, sandbox: str, now: float) -> float | None:
        """When the soonest running window ends (None if nobody is counted now)."""
        t = table(RateWindow)
        return session.execute(select(func.min(t.c.ends)).where(
            t.c.sandbox == sandbox, t.c.scope == self.scope, t.c.started <= now,
            t.c.ends > now)).scalar_one()

    def reset(self, sandbox: str, prefix: str | None = None) -> None:
        """Forget the windows of a sandbox (those whose key starts with `prefix`)."""
        t = table(RateWindow)
        stmt = delete(t).where(t.c.sandbox == sandbox, t.c.scope == self.scope)
        if prefix is not None:
            stmt = stmt.where(t.c.key.startswith(prefix, autoescape=True))
        with self.db.write_session() as session:
            session.execute(stmt)
            session.commit()
