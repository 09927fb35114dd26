"""Scenario state in the database, shared by every emulator process using it.

Each count is one atomic upsert (`INSERT .. ON CONFLICT DO UPDATE .. RETURNING`), so two
replicas taking the 5th call at once get 5 and 6, never 5 twice, on SQLite and PostgreSQL alike:

- hit counters: `scenario_counter` (sandbox, `<scenario>/<rule>`) → count;
- random draws: the n-th draw of a scenario is `Random(f"{seed}:{n}")`, with n counted in
  `scenario_counter` under `<scenario>/#rng` (`#` never occurs in a rule id), so a seeded
  sequence is the same however the calls spread over processes;
- rate limits: `scenario_window` (sandbox, key) → the current fixed window's start and the
  calls made in it; finished windows are deleted now and then so the table stays bounded.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random

from sqlalchemy import BigInteger, Column, Float, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel

from emulator.scenario_engine import state
from emulator.scenario_engine.state import RateDecision

RNG_SUFFIX = "/#rng"


class ScenarioCounter(SQLModel, table=True):
    __tablename__ = "scenario_counter"

    sandbox: str = Field(primary_key=True, max_length=128)
    key: str = Field(primary_key=True, max_length=255)
    count: int = Field(default=0, sa_type=BigInteger)


class ScenarioWindow(SQLModel, table=True):
    __tablename__ = "scenario_window"

    sandbox: str = Field(primary_key=True, max_length=128)
    key: str = Field(primary_key=True, max_length=255)
    started: float = Field(sa_column=Column(Float, nullable=False))
    ends: float = Field(sa_column=Column(Float, nullable=False, index=True))
    used: int = 0


def _key(key: str) -> str:
    """Keys carry client tokens of any length: long ones are shortened to a stable digest."""
    if len(key) <= 255:
        return key
    return key[:180] + "#" + hashlib.sha256(key.encode()).hexdigest()


class DatabaseState:
    def __init__(self, db) -> None:
        self.db = db
        self._insert = postgresql.insert if not db.is_sqlite else sqlite.insert
        self._fresh = itertools.count(1)

    def hit(self, sandbox: str, key: str) -> int:
        t = ScenarioCounter.__table__
        stmt = self._insert(t).values(sandbox=sandbox, key=_key(key), count=1)
        stmt = stmt.on_conflict_do_update(index_elements=[t.c.sandbox, t.c.key],
                                          set_={"count": t.c["count"] + 1})
        with self.db.write_session() as session:
            count = session.execute(stmt.returning(t.c["count"])).scalar_one()
            session.commit()
        return int(count)

    def hits(self, sandbox: str) -> dict[str, int]:
        t = ScenarioCounter.__table__
        with self.db.read_session() as session:
            rows = session.execute(select(t.c.key, t.c["count"]).where(t.c.sandbox == sandbox))
            return {k: int(c) for k, c in rows if not k.endswith(RNG_SUFFIX)}

    def take(self, sandbox: str, key: str, limit: int, window: float, now: float) -> RateDecision:
        start = math.floor(now / window) * window
        t = ScenarioWindow.__table__
        stmt = self._insert(t).values(sandbox=sandbox, key=_key(key), started=start,
                                      ends=start + window, used=1)
        excluded = stmt.excluded
        same = t.c.started == excluded.started

        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.sandbox, t.c.key],
            set_={"used": case((same, t.c.used + 1), else_=1),
                  "started": excluded.started, "ends": excluded.ends})
        with self.db.write_session() as session:
            used = int(session.execute(stmt.returning(t.c.used)).scalar_one())
            # clients choose their tokens: every few new windows, prune so the table stays
            # within about 1.5 × MAX_WINDOWS rows per sandbox
            if used == 1 and next(self._fresh) % max(1, state.MAX_WINDOWS // 2) == 0:
                self._prune(session, sandbox, _key(key), now)
            session.commit()
        allowed = used <= limit
        return RateDecision(allowed, limit, max(0, limit - used), start + window)

    @staticmethod
    def _prune(session, sandbox: str, keep: str, now: float) -> None:
        t = ScenarioWindow.__table__
        session.execute(delete(t).where(t.c.sandbox == sandbox, t.c.ends <= now))
        running = session.execute(select(func.count()).select_from(t)
                                  .where(t.c.sandbox == sandbox)).scalar_one()
        excess = running - state.MAX_WINDOWS
        if excess > 0:  # all still running: drop the soonest-ending others (fresh budget)
            victims = select(t.c.key).where(t.c.sandbox == sandbox, t.c.key != keep) \
                .order_by(t.c.ends, t.c.key).limit(excess)
            session.execute(delete(t).where(t.c.sandbox == sandbox,
                                            t.c.key.in_(victims.scalar_subquery())))

    def rng(self, sandbox: str, scenario: str, seed: int) -> "SharedRandom":
        return SharedRandom(self, sandbox, scenario, seed)

    def reset(self, sandbox: str, scenario: str | None = None) -> None:
        with self.db.write_session() as session:
            for table in (ScenarioCounter.__table__, ScenarioWindow.__table__):
                stmt = delete(table).where(table.c.sandbox == sandbox)
                if scenario is not None:
                    stmt = stmt.where(table.c.key.startswith(f"{scenario}/", autoescape=True))
                session.execute(stmt)
            session.commit()

    def drop_sandbox(self, sandbox: str) -> None:
        self.reset(sandbox)


class SharedRandom:
    """The draws a scenario's rules make, numbered across processes (see the module doc)."""

    def __init__(self, state: DatabaseState, sandbox: str, scenario: str, seed: int) -> None:
        self._state, self._sandbox, self._scenario, self._seed = state, sandbox, scenario, seed

    def _next(self) -> random.Random:
        n = self._state.hit(self._sandbox, self._scenario + RNG_SUFFIX)
        return random.Random(f"{self._seed}:{n}")  # str seeds hash with SHA-512: stable

    def random(self) -> float:
        return self._next().random()

    def uniform(self, a: float, b: float) -> float:
        return self._next().uniform(a, b)

    def lognormvariate(self, mu: float, sigma: float) -> float:
        return self._next().lognormvariate(mu, sigma)
