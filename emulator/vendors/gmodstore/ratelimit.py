"""Per-caller fixed-window rate limiting, counted in the database on the sandbox clock.

One atomic upsert (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`) per request, so counts
survive restarts and stay exact when several workers or replicas share the database.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from emulator.vendors.gmodstore.models import GmsRateWindow


@dataclass(frozen=True)
class Quota:
    limit: int
    count: int
    reset_at: float  # clock instant the window ends
    now: float

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

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


def caller_key(token: str | None, client_ip: str | None) -> str:
    """Known tokens are limited per token; everything else per client address (like Laravel's
    throttle, which runs before authentication). The token itself is never stored."""
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return f"ip:{client_ip or 'unknown'}"


def window_start(now: float, window: int) -> float:
    return math.floor(now / window) * window


def hit(db, sandbox: str, key: str, now: float, limit: int, window: int) -> Quota:
    """Count one request and return the caller's quota after it."""
    start = window_start(now, window)
    dialect = postgresql if not db.is_sqlite else sqlite
    stmt = dialect.insert(GmsRateWindow).values(sandbox=sandbox, key=key, window_start=start,
                                                count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["sandbox", "key", "window_start"],
        set_={"count": GmsRateWindow.__table__.c["count"] + 1},
    ).returning(GmsRateWindow.__table__.c["count"])
    with db.write_session() as session:
        count = session.execute(stmt).scalar_one()
        if count == 1:  # a new window: this caller's older ones are dead weight now
            session.execute(delete(GmsRateWindow).where(
                GmsRateWindow.sandbox == sandbox, GmsRateWindow.key == key,
                GmsRateWindow.window_start < start))
        session.commit()
    return Quota(limit, count, start + window, now)


def peek(db, sandbox: str, key: str, now: float, limit: int, window: int) -> Quota:
    """The caller's quota without counting a request (for answers the gate never saw)."""
    start = window_start(now, window)
    with db.read_session() as session:
        count = session.execute(select(GmsRateWindow.__table__.c["count"]).where(
            GmsRateWindow.sandbox == sandbox, GmsRateWindow.key == key,
            GmsRateWindow.window_start == start)).scalar() or 0
    return Quota(limit, count, start + window, now)


def next_reset(session, sandbox: str, now: float, window: int) -> float | None:
    """When the current window of anyone counted in it ends (None if nobody is counted)."""
    start = window_start(now, window)
    found = session.execute(select(func.count()).select_from(GmsRateWindow).where(
        GmsRateWindow.sandbox == sandbox, GmsRateWindow.window_start == start)).scalar_one()
    return start + window if found else None

