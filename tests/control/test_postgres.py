"""The control plane on PostgreSQL (shared state for several emulator processes): the same
generic INSERT ... SELECT copies, deletes, spares and imports (skipped without a server)."""

from __future__ import annotations

import pytest

from tests.control.conftest import TOY_AUTH, new_order
from tests.support.postgres import throwaway_database


@pytest.fixture
def pg(make_toy_client):
    with throwaway_database() as url:
        client = make_toy_client(database_url=url)
        yield client
        client.app.state.runtime.control.pool.wait()
        client.__exit__(None, None, None)
        client.app.state.runtime.db.dispose()


def test_sandboxes_snapshots_reset_and_coverage_on_postgres(pg):
    new_order(pg, item="pg")
    pg.post("/__admin/clock/advance", json={"seconds": 30})
    assert pg.post("/__admin/snapshots", json={"name": "s"}).status_code == 201
    pg.app.state.runtime.control.pool.wait()
    spare = pg.post("/__admin/sandboxes", json={"from": "s"}).json()
    copied = pg.post("/__admin/sandboxes", json={"id": "mine", "from": "s"}).json()
    for sid in (spare["id"], copied["id"]):
        headers = {**TOY_AUTH, "X-Emulator-Sandbox": sid}
        assert pg.get("/toy/orders/T1", headers=headers).json()["item"] == "pg"
        assert pg.get("/__admin/clock", headers=headers).json()["now"] == "2026-01-01T00:00:30Z"
    pg.post("/__admin/orders/toy/T1/force", json={"action": "fail"},
            headers={"X-Emulator-Sandbox": "mine"})
    cov = pg.get("/__admin/coverage?all_sandboxes=true").json()
    toy = next(m for m in cov["machines"] if m["machine"] == "toy.order")
    assert {"from": "processing", "to": "failed", "count": 1} in toy["transitions"]["exercised"]

    document = pg.get("/__admin/snapshots/s/export").json()
    assert pg.post("/__admin/snapshots/import?overwrite=true", json=document).status_code == 201
    pg.post("/__admin/reset", headers={"X-Emulator-Sandbox": "mine"})
    assert pg.get("/__admin/orders", headers={"X-Emulator-Sandbox": "mine"}).json()["count"] == 0
    pg.post("/__admin/snapshots/s/restore", headers={"X-Emulator-Sandbox": "mine"})
    assert pg.get("/__admin/orders", headers={"X-Emulator-Sandbox": "mine"}).json()["count"] == 1
    assert pg.post("/__admin/reset", json={"all": True}).status_code == 200
    assert pg.get("/__admin/orders").json()["count"] == 0
