"""The core state (clock, transition log) works on PostgreSQL exactly as on SQLite."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from tests.support.postgres import throwaway_database


@pytest.fixture
def pg_url():
    with throwaway_database() as url:
        yield url


def test_clock_state_persists_in_postgres(make_settings, pg_url):
    with TestClient(create_app(make_settings(database_url=pg_url))) as first:
        assert first.get("/__admin/health").status_code == 200
        first.app.state.runtime.clocks.get("default").advance(90)
        expected = first.app.state.runtime.clocks.get("default").time()
    with TestClient(create_app(make_settings(database_url=pg_url))) as second:
        assert second.app.state.runtime.clocks.get("default").time() == expected
