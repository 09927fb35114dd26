"""Control-plane fixtures: an app serving only the test-only Toy vendor.

The real vendors are left out so these tests do not depend on their timing (GVP's periodic
events, for instance, would move "the next event"); tests/control/test_real_vendors.py covers
the control plane against them end to end.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from emulator.settings import settings_class
from tests.control.toy import TOKEN, Toy

TOY_AUTH = {"Authorization": f"Bearer {TOKEN}"}
ToySettings = settings_class({"toy": Toy})  # an app of these settings serves Toy only


@pytest.fixture
def make_toy_client(make_settings, open_client):
    return lambda **overrides: open_client(make_settings(ToySettings, **overrides))


@pytest.fixture
def toy(make_toy_client) -> TestClient:
    return make_toy_client()


def new_order(client, item="gem", seconds=60, sandbox=None) -> dict:
    headers = {**TOY_AUTH, **({"X-Emulator-Sandbox": sandbox} if sandbox else {})}
    r = client.post("/toy/orders", json={"item": item, "seconds": seconds}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()
