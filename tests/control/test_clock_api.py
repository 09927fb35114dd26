"""The clock API, per sandbox: read, freeze, advance, jump to the next event, resume."""

from __future__ import annotations

from tests.control.conftest import TOY_AUTH, new_order


def test_read_and_advance(toy):
    r = toy.get("/__admin/clock")
    assert r.status_code == 200
    body = r.json()
    assert body["now"] == "2026-01-01T00:00:00Z" and body["frozen"] is True
    assert body["sandbox"] == "default" and body["next_event"] is None
    r = toy.post("/__admin/clock/advance", json={"seconds": 3600})
    assert r.json()["now"] == "2026-01-01T01:00:00Z" and r.json()["advanced_seconds"] == 3600


def test_advance_validation(toy):
    for bad in ({"seconds": 0}, {"seconds": -5}, {}, {"seconds": "soon"}, {"seconds": 1e12}):
        r = toy.post("/__admin/clock/advance", json=bad)
        assert r.status_code == 422, bad
        assert "seconds" in r.json()["detail"]
    assert toy.get("/__admin/clock").json()["now"] == "2026-01-01T00:00:00Z"


def test_advance_completes_a_time_based_order(toy):
    order = new_order(toy, seconds=120)
    toy.post("/__admin/clock/advance", json={"seconds": 119})
    assert toy.get(f"/toy/orders/{order['id']}", headers=TOY_AUTH).json()["status"] == "processing"
    toy.post("/__admin/clock/advance", json={"seconds": 1})
    assert toy.get(f"/toy/orders/{order['id']}", headers=TOY_AUTH).json()["status"] == "completed"


def test_advance_to_next_event_jumps_to_the_earliest(toy):
    new_order(toy, seconds=300)
    new_order(toy, seconds=90)
    r = toy.get("/__admin/clock")
    assert r.json()["next_event"] == {"at": "2026-01-01T00:01:30Z", "epoch": 1767225690.0,
                                      "vendor": "toy"}
    r = toy.post("/__admin/clock/advance-to-next-event")
    assert r.json()["advanced_seconds"] == 90 and r.json()["now"] == "2026-01-01T00:01:30Z"
    assert toy.get("/toy/orders/T2", headers=TOY_AUTH).json()["status"] == "completed"
    assert toy.get("/toy/orders/T1", headers=TOY_AUTH).json()["status"] == "processing"
    r = toy.post("/__admin/clock/advance-to-next-event")
    assert r.json()["now"] == "2026-01-01T00:05:00Z"
    toy.get("/toy/orders/T1", headers=TOY_AUTH)
    r = toy.post("/__admin/clock/advance-to-next-event")  # nothing left: no move
    assert r.json()["advanced_seconds"] == 0 and r.json()["event"] is None
    assert r.json()["now"] == "2026-01-01T00:05:00Z"


def test_freeze_at_instant_and_resume(toy):
    r = toy.post("/__admin/clock/freeze", json={"at": "2030-06-01T12:00:00Z"})
    assert r.json()["now"] == "2030-06-01T12:00:00Z" and r.json()["frozen"] is True
    r = toy.post("/__admin/clock/freeze", json={"at": 1767225600})
    assert r.json()["now"] == "2026-01-01T00:00:00Z"
    r = toy.post("/__admin/clock/freeze", json={"at": "2030-06-01T12:00:00"})
    assert r.status_code == 400 and "timezone" in r.json()["detail"]
    for loose in ("1767225600", True):  # a string is a date-time; a number is a number
        assert toy.post("/__admin/clock/freeze", json={"at": loose}).status_code == 422, loose
    for beyond in (3.3e176, 253402300800, -1, "10000-01-01T00:00:00Z"):
        r = toy.post("/__admin/clock/freeze", json={"at": beyond})
        assert r.status_code in (400, 422), beyond  # 422: no date-time pydantic can read
    assert toy.get("/__admin/clock").json()["now"] == "2026-01-01T00:00:00Z"  # unchanged
    toy.post("/__admin/clock/freeze", json={"at": 253402300000})
    r = toy.post("/__admin/clock/advance", json={"seconds": 3600})
    assert r.status_code == 400 and "9999-12-31" in r.json()["detail"]
    toy.post("/__admin/clock/freeze", json={"at": 1767225600})
    r = toy.post("/__admin/clock/resume")
    assert r.json()["frozen"] is False
    assert r.json()["epoch"] >= 1767225600  # resumes from the frozen instant, never jumps back
    r = toy.post("/__admin/clock/freeze")
    assert r.json()["frozen"] is True


def test_clock_is_per_sandbox(toy):
    sid = toy.post("/__admin/sandboxes").json()["id"]
    toy.post("/__admin/clock/advance", json={"seconds": 60}, headers={"X-Emulator-Sandbox": sid})
    assert toy.get("/__admin/clock").json()["now"] == "2026-01-01T00:00:00Z"
    got = toy.get("/__admin/clock", headers={"X-Emulator-Sandbox": sid}).json()
    assert got["now"] == "2026-01-01T00:01:00Z" and got["sandbox"] == sid
