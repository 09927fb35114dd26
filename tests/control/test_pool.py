"""Spare sandboxes: pre-copied from a snapshot, invisible until claimed, dropped on change."""

from __future__ import annotations

from sqlalchemy import select

from emulator.control.models import SandboxRow
from tests.control.conftest import TOY_AUTH, new_order


def _spares(client, snapshot: str) -> list[str]:
    runtime = client.app.state.runtime
    runtime.control.pool.wait()
    with runtime.db.read_session() as session:
        return list(session.execute(select(SandboxRow.id).where(
            SandboxRow.pooled_for == snapshot)).scalars())


def test_spares_are_ready_invisible_and_claimed(toy):
    new_order(toy, item="shield")
    toy.post("/__admin/snapshots", json={"name": "s"})
    spares = _spares(toy, "s")
    assert len(spares) == 2  # sandbox_pool_size default
    # a spare is not a sandbox yet: unknown to traffic, absent from the listing
    assert toy.get("/__admin/clock", headers={"X-Emulator-Sandbox": spares[0]}).status_code == 404
    assert [s["id"] for s in toy.get("/__admin/sandboxes").json()["sandboxes"]] == ["default"]
    assert toy.get(f"/__admin/sandboxes/{spares[0]}").status_code == 404
    assert toy.delete(f"/__admin/sandboxes/{spares[0]}").status_code == 404

    created = toy.post("/__admin/sandboxes", json={"from": "s"}).json()
    assert created["id"] in spares and created["from_snapshot"] == "s"
    headers = {**TOY_AUTH, "X-Emulator-Sandbox": created["id"]}
    assert toy.get("/toy/orders/T1", headers=headers).json()["item"] == "shield"
    assert len(_spares(toy, "s")) == 2  # topped up again in the background


def test_changing_or_deleting_the_snapshot_drops_its_spares(toy):
    new_order(toy, item="old")
    toy.post("/__admin/snapshots", json={"name": "s"})
    old = set(_spares(toy, "s"))
    toy.post("/__admin/orders/toy/T1/force", json={"action": "complete"})
    toy.post("/__admin/snapshots", json={"name": "s", "overwrite": True})
    new = set(_spares(toy, "s"))
    assert new and not new & old
    sid = toy.post("/__admin/sandboxes", json={"from": "s"}).json()["id"]
    assert toy.get("/__admin/orders/toy/T1", headers={"X-Emulator-Sandbox": sid}).json()[
        "status"] == "completed"
    toy.delete("/__admin/snapshots/s")
    assert _spares(toy, "s") == []
    assert toy.get("/__admin/orders", headers={"X-Emulator-Sandbox": sid}).json()["count"] == 1


def test_reset_all_rebuilds_spares_and_a_chosen_id_copies_now(toy):
    new_order(toy)
    toy.post("/__admin/snapshots", json={"name": "s"})
    before = set(_spares(toy, "s"))
    toy.post("/__admin/reset", json={"all": True})
    after = set(_spares(toy, "s"))
    assert len(after) == 2 and not after & before
    r = toy.post("/__admin/sandboxes", json={"id": "mine", "from": "s"})
    assert r.json()["id"] == "mine"
    assert toy.get("/__admin/orders", headers={"X-Emulator-Sandbox": "mine"}).json()["count"] == 1


def test_pool_can_be_turned_off(make_toy_client):
    client = make_toy_client(sandbox_pool_size=0)
    new_order(client)
    client.post("/__admin/snapshots", json={"name": "s"})
    assert _spares(client, "s") == []
    sid = client.post("/__admin/sandboxes", json={"from": "s"}).json()["id"]
    assert client.get("/__admin/orders", headers={"X-Emulator-Sandbox": sid}).json()["count"] == 1
