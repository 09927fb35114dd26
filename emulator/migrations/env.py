"""Alembic environment: the target is SQLModel.metadata with the managed models imported.

Run by `emulator.migrations.upgrade()` at start (a connection is handed over in
`config.attributes`), or by hand for a new revision:

    .venv/bin/python -m emulator.migrations revision -m "what changed"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from emulator.migrations import managed_tables

MANAGED = managed_tables()  # the core's models and the migrated vendors' (registry)
target_metadata = SQLModel.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    # tables of test or plug-in vendors (`Vendor.migrated` False) are not the emulator's to migrate
    if type_ == "table":
        return name in MANAGED or name == "alembic_version"
    return True


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=True,  # SQLite cannot ALTER most things: future revisions copy tables
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: pass a connection in config.attributes or a URL")
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
