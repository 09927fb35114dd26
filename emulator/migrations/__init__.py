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
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import SQLModel

from emulator.db import table

if TYPE_CHECKING:
    from emulator.vendors.base import Vendor

log = logging.getLogger("emulator.migrations")
HEAD = "0004"  # the newest revision; a test checks it against versions/
HERE = Path(__file__).resolve().parent
ADVISORY_LOCK_ID = 0x656D756C  # "emul": serialises migrations across processes on PostgreSQL
# the core's own tables; vendors declare theirs (`Vendor.tables`, `Vendor.migrated`)
CORE_MODEL_MODULES = (
    "emulator.clock",
    "emulator.journal",
    "emulator.lifecycle.machine",
    "emulator.control.models",
    "emulator.ratelimit",
    "emulator.scenario_engine.selection",
    "emulator.scenario_engine.shared_state",
)


def _vendors(vendors: Mapping[str, type[Vendor]] | None) -> Mapping[str, type[Vendor]]:
    if vendors is None:
        from emulator.vendors.registry import vendor_classes

        vendors = vendor_classes()
    return vendors


def managed_tables(vendors: Mapping[str, type[Vendor]] | None = None) -> set[str]:
    """Tables the revisions in versions/ create: the core's and those of vendors that declare
    `migrated = True` (a plug-in vendor's are created from its models instead)."""
    names: set[str] = set()
    for name in CORE_MODEL_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            found = getattr(value, "__table__", None)
            if found is not None and getattr(value, "__module__", None) == name:
                names.add(found.name)
    for cls in _vendors(vendors).values():
        if cls.migrated:
            names.update(table(model).name for model in cls.tables())
    return names


def vendor_tables(vendors: Mapping[str, type[Vendor]] | None = None) -> set[str]:
    return {table(model).name for cls in _vendors(vendors).values()
            for model in cls.tables()}


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


def upgrade(db, *, new_from_models: bool = True,
            vendors: Mapping[str, type[Vendor]] | None = None) -> bool:
    """Bring the schema to HEAD; True when a migration ran. Then create plug-in tables.

    A brand-new database is created from the models and stamped at HEAD (no Alembic import:
    ~0.2 s of start-up); `new_from_models=False` runs every revision instead, which is how the
    tests prove the revisions and the models describe the same schema."""
    ran = False
    managed = managed_tables(vendors)
    with db.engine.connect() as conn:
        if current(conn) != HEAD:
            ran = _locked_upgrade(db, conn, new_from_models, managed)
    _create_plugin_tables(db, vendor_tables(vendors) - managed)
    return ran


def _locked_upgrade(db, conn, new_from_models: bool, managed: set[str]) -> bool:
    if db.is_sqlite:
        conn = conn.execution_options(sqlite_immediate=True)  # see emulator/db.py
        conn.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: other processes wait here
    else:
        conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        conn.commit()  # the lock is the session's; the upgrade gets its own transaction
    try:
        version = _version_inside(conn)
        if version == HEAD:
            conn.commit()
            return False  # another process migrated while this one waited
        if new_from_models and version is None and not _has_managed_tables(conn, managed):
            # a brand-new database: the models are the schema at HEAD (tests/replicas/
            # test_migrations.py keeps them equal), so create it and record HEAD without
            # importing Alembic
            SQLModel.metadata.create_all(conn, tables=[
                t for t in SQLModel.metadata.sorted_tables if t.name in managed])
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                              "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                         {"v": HEAD})
            conn.commit()
            return True
        from alembic import command

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


def _has_managed_tables(conn, managed: set[str]) -> bool:
    from sqlalchemy import inspect

    return bool(managed & set(inspect(conn).get_table_names()))


def _version_inside(conn) -> str | None:
    try:
        with conn.begin_nested():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def _create_plugin_tables(db, names: set[str]) -> None:
    """Plug-in vendors' tables, from their models (their schema is theirs to evolve)."""
    extra = [t for t in SQLModel.metadata.sorted_tables if t.name in names]
    if extra:
        SQLModel.metadata.create_all(db.engine, tables=extra)
