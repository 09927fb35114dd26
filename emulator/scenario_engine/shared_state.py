"""Scenario state in the database, shared by every emulator process using it.

Each count is one atomic upsert (`INSERT .. ON CONFLICT DO UPDATE .. RETURNING`), so two
replicas taking the 5th call at once get 5 and 6, never 5 twice, on SQLite and PostgreSQL alike:

- hit counters: `scenario_counter` (sandbox, `<scenario>/<rule>`) → count;
- random draws: the n-th draw of a scenario is `Random(f"{seed}:{n}")`, with n counted in
  `scenario_counter` under `<scenario>/#rng` (`#` never occurs in a rule id), so a seeded
  sequence is the same however the calls spread over processes;
- rate limits: the emulator's one limiter (emulator/ratelimit.py), scope "scenario", keys
  `<scenario>/<rule>/<client>`.

Keys are plain strings, so a hot-reloaded scenario keeps its counts for rules whose id is kept.
"""

from __future__ import annotations

import random
import zlib

from sqlalchemy import BigInteger, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel

from emulator.db import table
from emulator.ratelimit import RateLimiter, short_key

RNG_SUFFIX = "/#rng"
RATE_SCOPE = "scenario"


class ScenarioCounter(SQLModel, table=True):
    __tablename__ = "scenario_counter"

    sandbox: str = Field(primary_key=True, max_length=128)
    key: str = Field(primary_key=True, max_length=255)
    count: int = Field(default=0, sa_type=BigInteger)


def derive_seed(global_seed: int, scenario: str) -> int:
    """A scenario's default seed: stable across runs and processes (not Python's hash())."""
    return zlib.crc32(f"{global_seed}:{scenario}".encode())


class DatabaseState:
    def __init__(self, db) -> None:
        self.db = db
        self._insert = postgresql.insert if not db.is_sqlite else sqlite.insert
        self.limits = RateLimiter(db, RATE_SCOPE)

    def hit(self, sandbox: str, key: str) -> int:
        """Count one more matching call for `key`; return the new count (1 for the first)."""
        t = table(ScenarioCounter)
        stmt = self._insert(t).values(sandbox=sandbox, key=short_key(key), count=1)
        stmt = stmt.on_conflict_do_update(index_elements=[t.c.sandbox, t.c.key],
                                          set_={"count": t.c["count"] + 1})
        with self.db.write_session() as session:
            count = session.execute(stmt.returning(t.c["count"])).scalar_one()
            session.commit()
        return int(count)

    def hits(self, sandbox: str) -> dict[str, int]:
        t = table(ScenarioCounter)
        with self.db.read_session() as session:
            rows = session.execute(select(t.c.key, t.c["count"]).where(t.c.sandbox == sandbox))
            return {k: int(c) for k, c in rows if not k.endswith(RNG_SUFFIX)}

    def rng(self, sandbox: str, scenario: str, seed: int) -> SharedRandom:
        return SharedRandom(self, sandbox, scenario, seed)

    def reset(self, sandbox: str, scenario: str | None = None) -> None:
        """Forget counts, rate-limit windows and RNG positions (of one scenario, or all)."""
        prefix = None if scenario is None else f"{scenario}/"
        t = table(ScenarioCounter)
        stmt = delete(t).where(t.c.sandbox == sandbox)
        if prefix is not None:
            stmt = stmt.where(t.c.key.startswith(prefix, autoescape=True))
        with self.db.write_session() as session:
            session.execute(stmt)
            session.commit()
        self.limits.reset(sandbox, prefix)


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
