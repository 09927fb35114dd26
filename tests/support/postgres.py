"""Throwaway PostgreSQL databases on the local server (127.0.0.1:5432, trust auth).

CI machines run PostgreSQL next to the suite; each test that wants it gets a fresh database,
dropped afterwards. Set EMULATOR_TEST_PG_ADMIN_URL to point elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support import needs

ADMIN_URL = os.environ.get("EMULATOR_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _connect():
    import psycopg

    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


def postgres_available() -> bool:
    try:
        with _connect():
            return True
    except Exception:
        return False


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create a database, yield its SQLAlchemy URL (psycopg 3 driver), drop it after."""
    needs.require(postgres_available(), f"PostgreSQL not reachable at {ADMIN_URL}")
    name = f"emulator_test_{uuid.uuid4().hex[:12]}"
    with _connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with _connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
