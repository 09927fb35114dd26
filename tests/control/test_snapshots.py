"""Snapshots: save, list, restore (rows and clock), delete, export/import, sandbox from one."""

from __future__ import annotations

from tests.control.conftest import TOY_AUTH, new_order


def sb(sandbox_id: str) -> dict:
    return {"X-Emulator-Sandbox": sandbox_id}


def _ids(client, headers=None) -> list[str]:
    return sorted(o["id"] for o in client.get("/__admin/orders", headers=headers).json()["orders"])


def test_save_list_restore_delete(toy):
    new_order(toy)
    toy.post("/__admin/clock/advance", json={"seconds": 10})
    r = toy.post("/__admin/snapshots", json={"name": "one", "description": "one order"})
    assert r.status_code == 201
    assert r.json()["rows"] >= 3  # order + its creation record + the clock
    assert r.json()["source_sandbox"] == "default"
    new_order(toy)
    toy.post("/__admin/clock/advance", json={"seconds": 100})
    assert _ids(toy) == ["T1", "T2"]

    r = toy.post("/__admin/snapshots/one/restore")
    assert r.status_code == 200
    assert r.json()["clock"]["now"] == "2026-01-01T00:00:10Z"
    assert _ids(toy) == ["T1"]
    assert toy.get("/__admin/clock").json()["now"] == "2026-01-01T00:00:10Z"
    # the restored order keeps its history
    detail = toy.get("/__admin/orders/toy/T1").json()
    assert [t["to"] for t in detail["transitions"]] == ["processing"]

    listed = toy.get("/__admin/snapshots").json()["snapshots"]
    assert [s["name"] for s in listed] == ["one"] and listed[0]["description"] == "one order"
    assert toy.delete("/__admin/snapshots/one").status_code == 204
    assert toy.get("/__admin/snapshots").json()["snapshots"] == []
    assert toy.post("/__admin/snapshots/one/restore").status_code == 404
    assert toy.delete("/__admin/snapshots/one").status_code == 404


def test_snapshot_rows_are_invisible_to_traffic_and_coverage(toy):
    new_order(toy)
    toy.post("/__admin/snapshots", json={"name": "s"})
    toy.post("/__admin/reset")
    assert _ids(toy) == []
    assert toy.get("/toy/orders/T1", headers=TOY_AUTH).status_code == 404
    cov = toy.get("/__admin/coverage?all_sandboxes=true").json()
    toy_machine = next(m for m in cov["machines"] if m["machine"] == "toy.order")
    assert toy_machine["states"]["covered"] == 0


def test_names_conflicts_and_overwrite(toy):
    assert toy.post("/__admin/snapshots", json={"name": "bad name"}).status_code == 400
    assert toy.post("/__admin/snapshots", json={"name": "a"}).status_code == 201
    r = toy.post("/__admin/snapshots", json={"name": "a"})
    assert r.status_code == 409 and "overwrite" in r.json()["detail"]
    new_order(toy)
    r = toy.post("/__admin/snapshots", json={"name": "a", "overwrite": True})
    assert r.status_code == 201
    toy.post("/__admin/reset")
    toy.post("/__admin/snapshots/a/restore")
    assert _ids(toy) == ["T1"]


def test_restore_into_another_sandbox_leaves_the_source_alone(toy):
    new_order(toy)
    toy.post("/__admin/snapshots", json={"name": "s"})
    other = toy.post("/__admin/sandboxes").json()["id"]
    new_order(toy, sandbox=other)
    new_order(toy, sandbox=other)
    toy.post("/__admin/snapshots/s/restore", headers=sb(other))
    assert _ids(toy, sb(other)) == ["T1"]
    assert _ids(toy) == ["T1"]


def test_sandbox_from_snapshot_copies_state_and_clock(toy):
    new_order(toy, seconds=60)
    toy.post("/__admin/clock/advance", json={"seconds": 30})
    toy.post("/__admin/snapshots", json={"name": "half-way"})
    r = toy.post("/__admin/sandboxes", json={"from": "half-way"})
    assert r.status_code == 201 and r.json()["from_snapshot"] == "half-way"
    sid = r.json()["id"]
    assert r.json()["clock"]["now"] == "2026-01-01T00:00:30Z"
    order = toy.get("/toy/orders/T1", headers={**TOY_AUTH, **sb(sid)}).json()
    assert order["status"] == "processing"
    toy.post("/__admin/clock/advance", json={"seconds": 30}, headers=sb(sid))
    order = toy.get("/toy/orders/T1", headers={**TOY_AUTH, **sb(sid)}).json()
    assert order["status"] == "completed"
    # the original sandbox did not move
    assert toy.get("/toy/orders/T1", headers=TOY_AUTH).json()["status"] == "processing"


def test_export_and_import_round_trip(toy):
    new_order(toy, item="sword")
    toy.post("/__admin/snapshots", json={"name": "ci-cache"})
    r = toy.get("/__admin/snapshots/ci-cache/export")
    assert r.status_code == 200
    assert 'filename="ci-cache.snapshot.json"' in r.headers["content-disposition"]
    document = r.json()
    assert document["format"] == "purchase-emulator-snapshot"
    assert document["tables"]["toy_order"]["rows"]
    assert "pk" not in document["tables"]["toy_order"]["columns"]

    toy.delete("/__admin/snapshots/ci-cache")
    toy.post("/__admin/reset")
    r = toy.post("/__admin/snapshots/import", json=document)
    assert r.status_code == 201 and r.json()["name"] == "ci-cache"
    assert toy.post("/__admin/snapshots/import", json=document).status_code == 409
    assert toy.post("/__admin/snapshots/import?overwrite=true", json=document).status_code == 201
    sid = toy.post("/__admin/sandboxes", json={"from": "ci-cache"}).json()["id"]
    order = toy.get("/toy/orders/T1", headers={**TOY_AUTH, **sb(sid)}).json()
    assert order["item"] == "sword"


def test_import_rejects_bad_files_clearly_and_writes_nothing(toy):
    base = {"format": "purchase-emulator-snapshot", "version": 1, "name": "x", "tables": {}}
    r = toy.post("/__admin/snapshots/import", json={**base, "format": "zip"})
    assert r.status_code == 422 and "format" in r.json()["detail"]
    r = toy.post("/__admin/snapshots/import", json={**base, "tables": {"nope": {}}})
    assert r.status_code == 422 and r.json()["detail"].startswith("tables.nope: no such table")
    r = toy.post("/__admin/snapshots/import", json={**base, "tables": {
        "toy_order": {"columns": ["id", "colour"], "rows": []}}})
    assert r.status_code == 422 and "unknown column 'colour'" in r.json()["detail"]
    r = toy.post("/__admin/snapshots/import", json={**base, "tables": {
        "toy_order": {"columns": ["id"], "rows": [["a", "b"]]}}})
    assert r.status_code == 422 and "toy_order.rows[0]" in r.json()["detail"]
    r = toy.post("/__admin/snapshots/import", json={**base, "tables": {  # NOT NULL missing
        "toy_order": {"columns": ["id"], "rows": [["a"]]}}})
    assert r.status_code == 422 and "cannot be stored" in r.json()["detail"]
    r = toy.post("/__admin/snapshots/import", content=b"{not json",
                 headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert toy.get("/__admin/snapshots").json()["snapshots"] == []
