"""Shared fixtures: every test gets a fresh database file and a frozen virtual clock.

`make_client(**settings)` builds an app with overrides; `client` is the default one.
Time starts frozen at FIXED_START; advance it with `client.app.state.runtime.clocks`
or the admin clock API, never with sleep.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings

FIXED_START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def make_settings(tmp_path) -> Callable[..., Settings]:
    """Settings on this test's database file and frozen clock (`settings_cls` for tests
    that extend Settings, e.g. with a test-only vendor's options)."""

    def build(settings_cls: type[Settings] = Settings, **overrides) -> Settings:
        base = {
            "database_url": f"sqlite:///{tmp_path / 'emulator.db'}",
            "clock_start": FIXED_START,
            "seed": 0,
        }
        base.update(overrides)
        return settings_cls(**base)

    return build


@pytest.fixture
def open_client():
    """Open a TestClient (lifespan included) on create_app(settings); closed after the test."""
    clients: list[TestClient] = []

    def open_(settings: Settings) -> TestClient:
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield open_
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def make_client(make_settings, open_client):
    return lambda **overrides: open_client(make_settings(**overrides))


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def clock(client):
    """The default sandbox's virtual clock (frozen at FIXED_START)."""
    return client.app.state.runtime.clocks.get("default")
