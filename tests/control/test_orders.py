"""/__admin/orders: list with filters, one with history, forcing, and coverage."""

from __future__ import annotations

from tests.control.conftest import TOY_AUTH, new_order


def test_list_filters_and_newest_first(toy):
    new_order(toy, item="a")
    toy.post("/__admin/clock/advance", json={"seconds": 61})
    new_order(toy, item="b")
    listed = toy.get("/__admin/orders").json()
    assert listed["count"] == 2
    assert [(o["vendor"], o["id"], o["status"]) for o in listed["orders"]] == [
        ("toy", "T2", "processing"), ("toy", "T1", "completed")]  # lazily progressed
    assert [o["id"] for o in toy.get("/__admin/orders?status=completed").json()["orders"]] == ["T1"]
    assert toy.get("/__admin/orders?vendor=toy&kind=order").json()["count"] == 2
    assert toy.get("/__admin/orders?kind=licence").json()["count"] == 0
    r = toy.get("/__admin/orders?vendor=nope")
    assert r.status_code == 404 and "no vendor 'nope'" in r.json()["detail"]


def test_detail_has_the_full_transition_history(toy):
    new_order(toy, seconds=60)
    toy.post("/__admin/clock/advance", json={"seconds": 60})
    r = toy.get("/__admin/orders/toy/T1")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "completed" and body["vendor"] == "toy"
    assert [(t["from"], t["to"], t["at"]) for t in body["transitions"]] == [
        (None, "processing", 1767225600.0), ("processing", "completed", 1767225660.0)]
    assert toy.get("/__admin/orders/toy/T9").status_code == 404
    assert toy.get("/__admin/orders/nope/T1").status_code == 404


def test_force_complete_fail_and_stay_processing(toy):
    new_order(toy)
    new_order(toy)
    new_order(toy)
    r = toy.post("/__admin/orders/toy/T1/force", json={"action": "complete"})
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert r.json()["transitions"][-1]["reason"] == "forced complete"
    r = toy.post("/__admin/orders/toy/T2/force", json={"action": "fail", "message": "Out of stock"})
    assert r.json()["status"] == "failed" and r.json()["message"] == "Out of stock"
    assert toy.get("/toy/orders/T2", headers=TOY_AUTH).json()["message"] == "Out of stock"
    r = toy.post("/__admin/orders/toy/T3/force", json={"action": "processing"})
    assert r.json()["status"] == "processing"
    toy.post("/__admin/clock/advance", json={"seconds": 86400})
    assert toy.get("/toy/orders/T3", headers=TOY_AUTH).json()["status"] == "processing"


def test_force_errors(toy):
    new_order(toy)
    toy.post("/__admin/orders/toy/T1/force", json={"action": "complete"})
    r = toy.post("/__admin/orders/toy/T1/force", json={"action": "fail"})
    assert r.status_code == 409
    assert r.json() == {"detail": "toy.order cannot move from completed to failed"}
    assert toy.get("/__admin/orders/toy/T1").json()["status"] == "completed"
    assert toy.post("/__admin/orders/toy/T9/force", json={"action": "complete"}).status_code == 404
    r = toy.post("/__admin/orders/toy/T1/force", json={"action": "explode"})
    assert r.status_code == 422 and "action" in r.json()["detail"]


def test_coverage_reports_reached_and_missing(toy):
    cov = toy.get("/__admin/coverage").json()
    machine = next(m for m in cov["machines"] if m["machine"] == "toy.order")
    assert machine["states"]["covered"] == 0 and machine["percent"] == 0.0
    new_order(toy)
    new_order(toy)
    toy.post("/__admin/orders/toy/T1/force", json={"action": "complete"})
    cov = toy.get("/__admin/coverage").json()
    machine = next(m for m in cov["machines"] if m["machine"] == "toy.order")
    assert machine["states"]["missing"] == ["failed", "refunded"]
    assert [s["state"] for s in machine["states"]["reached"]] == ["completed", "processing"]
    assert machine["transitions"]["exercised"] == [
        {"from": "processing", "to": "completed", "count": 1}]
    assert machine["transitions"]["missing"] == [
        {"from": "completed", "to": "refunded"}, {"from": "processing", "to": "failed"}]
    assert machine["percent"] == round(100 * 3 / 7, 1)
    # another sandbox has its own coverage; all_sandboxes adds them up
    sid = toy.post("/__admin/sandboxes").json()["id"]
    new_order(toy, sandbox=sid)
    toy.post("/__admin/orders/toy/T1/force", json={"action": "fail"},
             headers={"X-Emulator-Sandbox": sid})
    mine = toy.get("/__admin/coverage", headers={"X-Emulator-Sandbox": sid}).json()
    m = next(m for m in mine["machines"] if m["machine"] == "toy.order")
    assert m["states"]["missing"] == ["completed", "refunded"]
    everything = toy.get("/__admin/coverage?all_sandboxes=true").json()
    m = next(m for m in everything["machines"] if m["machine"] == "toy.order")
    assert m["states"]["missing"] == ["refunded"] and everything["sandbox"] is None
