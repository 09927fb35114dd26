"""Schema migrations (Alembic), applied when the emulator starts.

`upgrade(db)` is cheap when there is nothing to do: one query reads `alembic_version` and, at
HEAD, Alembic is never imported (start-up stays well under a second). Otherwise the upgrade
runs under a lock so processes starting together on an empty database migrate once: a
PostgreSQL advisory lock, or on SQLite a write transaction (BEGIN IMMEDIATE) held throughout.
Each then re-reads the version, so the one that waited finds the work done.

A model change needs a new revision (tests/replicas/test_migrations.py fails otherwise):

    .venv/bin/python -m emulator.migrations revision -m "what changed"
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from sqlalchemy import text
from sqlmodel import SQLModel

log = logging.getLogger("emulator.migrations")
HEAD = "0001"  # the newest revision; a test checks it against versions/
HERE = Path(__file__).resolve().parent
ADVISORY_LOCK_ID = 0x656D756C  # "emul": serialises migrations across processes on PostgreSQL
MODEL_MODULES = (
    "emulator.clock",
    "emulator.journal",
    "emulator.lifecycle.machine",
    "emulator.control.models",
    "emulator.scenario_engine.selection",
    "emulator.scenario_engine.shared_state",
    "emulator.vendors.hlconnect.models",
    "emulator.vendors.gmodstore.models",
    "emulator.vendors.gvp.models",
)


def import_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def managed_tables() -> set[str]:
    """Tables defined by the emulator's own model modules (plug-in vendors' are not)."""
    import_models()
    names: set[str] = set()
    for name in MODEL_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            table = getattr(value, "__table__", None)
            if table is not None and getattr(value, "__module__", None) == name:
                names.add(table.name)
    return names


def alembic_config(url: str | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current(conn) -> str | None:
    try:
        with conn.begin_nested() if conn.in_transaction() else conn.begin():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no table yet: an empty (or pre-migrations) database
        return None


def upgrade(db) -> bool:
    """Bring the schema to HEAD; True when a migration ran. Then create plug-in tables."""
    ran = False
    with db.engine.connect() as conn:
        if current(conn) != HEAD:
            ran = _locked_upgrade(db, conn)
    _create_plugin_tables(db)
    return ran


def _locked_upgrade(db, conn) -> bool:
    from alembic import command

    if db.is_sqlite:
        conn = conn.execution_options(sqlite_immediate=True)  # see emulator/db.py
        conn.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: other processes wait here
    else:
        conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        conn.commit()  # the lock is the session's; the upgrade gets its own transaction
    try:
        if _version_inside(conn) == HEAD:
            conn.commit()
            return False  # another process migrated while this one waited
        config = alembic_config()
        config.attributes["connection"] = conn
        log.debug("migrating the database schema to %s", HEAD)
        logging.getLogger("alembic").setLevel(logging.WARNING)  # stderr is for problems
        command.upgrade(config, "head")
        conn.commit()
        return True
    finally:
        if not db.is_sqlite:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": ADVISORY_LOCK_ID})
            conn.commit()


def _version_inside(conn) -> str | None:
    try:
        with conn.begin_nested():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def _create_plugin_tables(db) -> None:
    managed = managed_tables()
    extra = [t for t in SQLModel.metadata.sorted_tables if t.name not in managed]
    if extra:
        SQLModel.metadata.create_all(db.engine, tables=extra)
