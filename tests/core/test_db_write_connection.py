"""Database.write_connection (a few Core statements in one write transaction): commits on a
clean exit, rolls back on an error, and queues behind the same in-process write lock as
write_session."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from emulator.db import Database


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'w.db'}")
    with database.write_connection() as conn:
        conn.execute(text("CREATE TABLE t (v INTEGER)"))
    yield database
    database.dispose()


def _values(db: Database) -> list[int]:
    with db.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT v FROM t ORDER BY v"))]


def test_commits_on_a_clean_exit_and_rolls_back_on_an_error(db):
    with db.write_connection() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with pytest.raises(RuntimeError), db.write_connection() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
        raise RuntimeError("boom")
    assert _values(db) == [1]


def test_waits_for_a_write_session_of_another_thread(db):
    inside, release, order = threading.Event(), threading.Event(), []

    def holder():
        with db.write_session() as session:
            session.execute(text("INSERT INTO t VALUES (10)"))
            inside.set()
            release.wait(5)
            order.append("session")
            session.commit()

    thread = threading.Thread(target=holder)
    thread.start()
    assert inside.wait(5)
    writer = threading.Thread(target=lambda: _write(db, order))
    writer.start()  # queues behind the open write session (no "database is locked")
    release.set()
    thread.join(5)
    writer.join(5)
    assert order == ["session", "connection"]
    assert _values(db) == [10, 11]


def _write(db: Database, order: list[str]) -> None:
    with db.write_connection() as conn:
        conn.execute(text("INSERT INTO t VALUES (11)"))
        order.append("connection")
