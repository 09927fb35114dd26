"""The GmodStore flow on PostgreSQL: the same answers as on SQLite (upserts, keyset cursors on
double-precision times, the partial unique index, fixture rows)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    assert_error,
    create,
    created,
    purchase_url,
    purchases_url,
)
from tests.support.postgres import throwaway_database


@pytest.fixture
def pg_client(make_settings):
    with throwaway_database() as url, TestClient(create_app(make_settings(database_url=url,
                                             gmodstore={"rate_limit": 30}))) as client:
        yield client
        client.app.state.runtime.db.dispose()


def test_whole_flow_on_postgres(pg_client):
    client = pg_client
    clock = client.app.state.runtime.clocks.get("default")
    bought = [created(client, u) for u in BUYERS]
    assert_error(create(client, BUYERS[0]), 400, "already has an active")
    clock.advance(1.25)  # fractional clock seconds survive the cursor round trip
    late = created(client, BUYERS[0], "00000000-0000-4000-a000-000000000002")
    assert late["createdAt"] == "2026-01-01T00:00:01Z"
    page1 = client.get(purchases_url(), params={"perPage": 3}, headers=DEMO).json()
    page2 = client.get(purchases_url(), params={"perPage": 3, "cursor": page1["cursors"]["next"]},
                       headers=DEMO).json()
    assert [p["id"] for p in page1["data"] + page2["data"]] == [b["id"] for b in bought]
    back = client.get(purchases_url(), params={"perPage": 3, "cursor": page2["cursors"]["prev"]},
                      headers=DEMO).json()
    assert back["data"] == page1["data"]
    r = client.put(purchase_url(bought[1]["id"]), json={"revoked": True}, headers=DEMO)
    assert r.json()["data"]["revoked"] is True
    revoked = client.get(purchases_url(), params={"filter[revoked]": "true"}, headers=DEMO)
    assert [p["id"] for p in revoked.json()["data"]] == [bought[1]["id"]]
    fixture = {"gmodstore": {"products": [{"id": "pg-product", "name": "PG HUD",
                                           "teamId": "00000000-0000-4000-b000-000000000001"}]}}
    assert client.post("/__admin/fixtures", json=fixture).status_code == 200
    assert create(client, BUYERS[2], "pg-product").status_code == 201
    statuses = [client.get(purchases_url(), headers=DEMO).status_code for _ in range(30)]
    assert statuses == [200] * 18 + [429] * 12  # 12 of the 30 were spent above
    r = client.get(purchases_url(), headers=DEMO)
    assert_error(r, 429)
    assert int(r.headers["retry-after"]) == 59  # 1.25 s into the window, rounded up


def test_nul_characters_are_client_errors_on_postgres(pg_client):
    """PostgreSQL text cannot hold NUL: such input is a 400/404, never a database error."""
    client = pg_client
    bought = created(client)
    assert_error(create(client, "7656\x00119"), 400, "NUL", field="userId")
    assert_error(client.get(purchases_url(), params={"filter[userId]": "a\x00b"},
                            headers=DEMO), 400, field="filter.userId")
    assert_error(client.get(purchases_url("prod%00uct"), headers=DEMO), 404)
    assert_error(client.get(purchase_url("pur%00chase"), headers=DEMO), 404)
    assert_error(client.put(purchase_url("x%00"), json={"revoked": True}, headers=DEMO), 404)
    assert client.get(purchase_url(bought["id"]), headers=DEMO).status_code == 200
