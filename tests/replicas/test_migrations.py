"""Alembic migrations: the migrated schema is exactly the models' (SQLite and PostgreSQL), a
model change without a revision fails here, and processes starting together migrate once."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from emulator.db import Database
from emulator.migrations import HEAD, alembic_config, current, managed_tables, upgrade

UPGRADE = ("import sys; from emulator.db import Database; from emulator.migrations import upgrade;"
           "ran = upgrade(Database(sys.argv[1])); print(ran, 'alembic' in sys.modules)")


def test_head_constant_is_the_newest_revision():
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        yield request.getfixturevalue("pg_url")


def _schema_diff(db: Database) -> list:
    managed = managed_tables()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, *_: type_ != "table" or name in managed,
        })
        return compare_metadata(context, SQLModel.metadata)


def test_migrated_schema_matches_the_models(empty_url):
    db = Database(empty_url)
    try:  # every revision, run by Alembic (a new database is otherwise made from the models)
        assert upgrade(db, new_from_models=False) is True
        assert _schema_diff(db) == [], "models changed without a migration"
        assert upgrade(db) is False  # at head: nothing to do
    finally:
        db.dispose()


def test_a_new_database_made_from_the_models_is_at_head_for_alembic(empty_url):
    from alembic import command

    db = Database(empty_url)
    try:
        assert upgrade(db) is True  # the fast path: create_all, then stamped at HEAD
        assert _schema_diff(db) == []
        with db.engine.connect() as conn:
            assert current(conn) == HEAD
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")  # Alembic agrees: nothing to run
            conn.commit()
            assert current(conn) == HEAD
    finally:
        db.dispose()


def _upgrade_in_subprocess(url: str) -> str:
    done = subprocess.run([sys.executable, "-c", UPGRADE, url], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_two_processes_starting_together_migrate_once(empty_url):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(_upgrade_in_subprocess, [empty_url, empty_url]))
    # one migrated; the other waited on the lock (or came later) and found the schema at head
    assert [r.split()[0] for r in results] == ["False", "True"], results


def test_at_head_alembic_is_not_even_imported(empty_url):
    assert _upgrade_in_subprocess(empty_url).startswith("True")
    assert _upgrade_in_subprocess(empty_url) == "False False"  # cold start stays fast
