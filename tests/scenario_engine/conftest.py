"""Scenario-engine fixtures: an app serving only the test-only Acme vendor, with scenarios
written by the test into its own directory, and the engine's sleeps recorded (not slept).

`make_acme(scenarios={name: {...rules...}}, active=[...])` → TestClient. Scenario bodies may be
dicts (dumped to YAML, `name` filled in) or raw YAML text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import settings_class
from tests.conftest import FIXED_START
from tests.scenario_engine.acme import Acme
from tests.support.scenarios import write_scenario  # noqa: F401  (tests import it from here)

AcmeSettings = settings_class({"acme": Acme})  # an app of these settings serves Acme only


@pytest.fixture
def scenario_dir(tmp_path) -> Path:
    directory = tmp_path / "scenarios"
    directory.mkdir()
    return directory


@pytest.fixture
def acme_settings(tmp_path, scenario_dir):
    def build(**overrides) -> AcmeSettings:
        base = {"database_url": f"sqlite:///{tmp_path / 'emulator.db'}",
                "clock_start": FIXED_START, "seed": 0, "scenarios_dir": [scenario_dir]}
        return AcmeSettings(**{**base, **overrides})

    return build


@pytest.fixture
def make_acme(acme_settings, scenario_dir):
    clients: list[TestClient] = []

    def build(scenarios: dict | None = None, active: list[str] | None = None,
              **overrides) -> TestClient:
        for name, body in (scenarios or {}).items():
            write_scenario(scenario_dir, name, body)
        settings = acme_settings(scenarios=active or [], **overrides)
        client = TestClient(create_app(settings))
        client.__enter__()
        engine = client.app.state.runtime.scenarios
        engine.library.reload_interval = 0  # see edits at once (tests never wait)
        client.sleeps = []

        async def record(seconds: float) -> None:
            client.sleeps.append(seconds)

        engine.sleep = record
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def rule(match: dict | None = None, rule_id: str = "r1", **effects) -> dict:
    return {"id": rule_id, "match": match or {}, "effects": effects}


@pytest.fixture
def clock_for():
    return lambda client, sandbox="default": client.app.state.runtime.clocks.get(sandbox)
