"""Sandboxes: isolation, unknown ids, idle expiry, delete, and reset."""

from __future__ import annotations

from tests.control.conftest import TOY_AUTH, new_order


def sb(sandbox_id: str) -> dict:
    return {"X-Emulator-Sandbox": sandbox_id}


def test_create_list_get_delete(toy):
    r = toy.post("/__admin/sandboxes")
    assert r.status_code == 201
    created = r.json()
    sid = created["id"]
    assert created["header"] == {"X-Emulator-Sandbox": sid}
    assert created["clock"]["now"] == "2026-01-01T00:00:00Z"
    ids = [s["id"] for s in toy.get("/__admin/sandboxes").json()["sandboxes"]]
    assert ids == ["default", sid]
    assert toy.get(f"/__admin/sandboxes/{sid}").json()["id"] == sid
    assert toy.delete(f"/__admin/sandboxes/{sid}").status_code == 204
    assert toy.get(f"/__admin/sandboxes/{sid}").status_code == 404
    assert toy.delete(f"/__admin/sandboxes/{sid}").status_code == 404


def test_chosen_id_conflicts_and_bad_ids(toy):
    assert toy.post("/__admin/sandboxes", json={"id": "worker-1"}).status_code == 201
    r = toy.post("/__admin/sandboxes", json={"id": "worker-1"})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    r = toy.post("/__admin/sandboxes", json={"id": "no spaces"})
    assert r.status_code == 400 and "1-64 characters" in r.json()["detail"]
    r = toy.post("/__admin/sandboxes", json={"from": "no-such-snapshot"})
    assert r.status_code == 404
    r = toy.post("/__admin/sandboxes", json={"colour": "red"})
    assert r.status_code == 422
    # a JSON null body or field is "not given" (documented as nullable), an empty id is no id
    assert toy.post("/__admin/sandboxes", content=b"null",
                    headers={"content-type": "application/json"}).status_code == 201
    assert toy.post("/__admin/sandboxes", json={"id": None, "from": None}).status_code == 201
    assert toy.post("/__admin/sandboxes", json={"id": ""}).status_code == 400


def test_default_sandbox_cannot_be_deleted(toy):
    r = toy.delete("/__admin/sandboxes/default")
    assert r.status_code == 400 and "reset it instead" in r.json()["detail"]


def test_state_is_isolated_per_sandbox(toy):
    a = toy.post("/__admin/sandboxes").json()["id"]
    b = toy.post("/__admin/sandboxes").json()["id"]
    order = new_order(toy, sandbox=a)
    assert toy.get(f"/toy/orders/{order['id']}", headers={**TOY_AUTH, **sb(a)}).status_code == 200
    assert toy.get(f"/toy/orders/{order['id']}", headers={**TOY_AUTH, **sb(b)}).status_code == 404
    assert toy.get(f"/toy/orders/{order['id']}", headers=TOY_AUTH).status_code == 404
    assert toy.get("/__admin/orders", headers=sb(a)).json()["count"] == 1
    assert toy.get("/__admin/orders", headers=sb(b)).json()["count"] == 0
    # clocks are per sandbox too
    toy.post("/__admin/clock/advance", json={"seconds": 90}, headers=sb(a))
    assert toy.get("/__admin/clock", headers=sb(a)).json()["now"] == "2026-01-01T00:01:30Z"
    assert toy.get("/__admin/clock", headers=sb(b)).json()["now"] == "2026-01-01T00:00:00Z"
    # ... and journals
    created = {"vendor": "toy", "operation": "toy_create", "count": 1}
    assert toy.post("/__admin/requests/verify", json=created, headers=sb(a)).json()["ok"]
    assert toy.post("/__admin/requests/verify", json={**created, "count": 0},
                    headers=sb(b)).json()["ok"]


def test_unknown_sandbox_is_404_everywhere(toy):
    r = toy.get("/toy/orders/T1", headers={**TOY_AUTH, **sb("ghost")})
    assert r.status_code == 404
    # in the owning vendor's envelope (the toy vendor's is {"toy_error": ...})
    assert r.json() == {"toy_error": "unknown sandbox 'ghost': create it with POST /__admin/sandboxes"}
    r = toy.get("/__admin/clock", headers=sb("ghost"))
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown sandbox 'ghost': create it with POST /__admin/sandboxes"}
    assert toy.app.state.runtime.journal.count("ghost") == 0


def test_deleted_sandbox_drops_its_rows_clock_and_journal(toy):
    sid = toy.post("/__admin/sandboxes").json()["id"]
    new_order(toy, sandbox=sid)
    toy.post("/__admin/clock/advance", json={"seconds": 5}, headers=sb(sid))
    toy.delete(f"/__admin/sandboxes/{sid}")
    runtime = toy.app.state.runtime
    assert runtime.journal.count(sid) == 0
    # recreated under the same id: nothing of the old one survives
    toy.post("/__admin/sandboxes", json={"id": sid})
    assert toy.get("/__admin/orders", headers=sb(sid)).json()["count"] == 0
    assert toy.get("/__admin/clock", headers=sb(sid)).json()["now"] == "2026-01-01T00:00:00Z"


def test_idle_sandboxes_expire(make_toy_client):
    client = make_toy_client(sandbox_idle_seconds=600)
    control = client.app.state.runtime.control
    wall = [control.wall()]
    control.wall = lambda: wall[0]  # real-time expiry, driven without sleeping
    idle = client.post("/__admin/sandboxes").json()["id"]
    busy = client.post("/__admin/sandboxes").json()["id"]
    assert client.get("/__admin/sandboxes").json()["sandboxes"][1]["expires_at"] is not None
    wall[0] += 400
    assert client.get("/__admin/clock", headers=sb(busy)).status_code == 200
    wall[0] += 300  # idle: 700 s unused; busy: 300 s
    assert client.get("/__admin/clock", headers=sb(busy)).status_code == 200
    assert client.get("/__admin/clock", headers=sb(idle)).status_code == 404
    ids = [s["id"] for s in client.get("/__admin/sandboxes").json()["sandboxes"]]
    assert ids == ["default", busy]


def test_zero_idle_time_never_expires(make_toy_client):
    client = make_toy_client(sandbox_idle_seconds=0)
    control = client.app.state.runtime.control
    sid = client.post("/__admin/sandboxes").json()["id"]
    control.wall = lambda: 10**12
    assert client.get("/__admin/clock", headers=sb(sid)).status_code == 200


def test_reset_takes_a_real_boolean(toy):
    for loose in (0, 1, "true"):
        assert toy.post("/__admin/reset", json={"all": loose}).status_code == 422, loose
    assert toy.post("/__admin/reset", json={"all": False}).json() == {"reset": ["default"]}


def test_reset_one_sandbox_returns_it_to_baseline(toy):
    sid = toy.post("/__admin/sandboxes").json()["id"]
    new_order(toy, sandbox=sid)
    new_order(toy)  # default sandbox: untouched by the reset of sid
    toy.post("/__admin/clock/advance", json={"seconds": 30}, headers=sb(sid))
    r = toy.post("/__admin/reset", headers=sb(sid))
    assert r.status_code == 200 and r.json() == {"reset": [sid]}
    assert toy.get("/__admin/orders", headers=sb(sid)).json()["count"] == 0
    assert toy.get("/__admin/clock", headers=sb(sid)).json()["now"] == "2026-01-01T00:00:00Z"
    assert toy.app.state.runtime.journal.count(sid) == 0
    assert toy.get("/__admin/orders").json()["count"] == 1
    # the same ids are handed out again: the world really is back at the start
    assert new_order(toy, sandbox=sid)["id"] == "T1"


def test_reset_all_keeps_sandboxes_and_snapshots(toy):
    sid = toy.post("/__admin/sandboxes").json()["id"]
    new_order(toy, sandbox=sid)
    new_order(toy)
    toy.post("/__admin/snapshots", json={"name": "one-order"})
    r = toy.post("/__admin/reset", json={"all": True})
    assert sorted(r.json()["reset"]) == sorted(["default", sid])
    assert toy.get("/__admin/orders").json()["count"] == 0
    assert toy.get("/__admin/orders", headers=sb(sid)).json()["count"] == 0
    assert [s["name"] for s in toy.get("/__admin/snapshots").json()["snapshots"]] == ["one-order"]
    assert toy.get(f"/__admin/sandboxes/{sid}").status_code == 200


def test_scenario_counters_are_reset_through_the_engine_hook(toy):
    calls = []
    toy.app.state.runtime.scenarios.reset_sandbox = calls.append
    sid = toy.post("/__admin/sandboxes").json()["id"]
    toy.post("/__admin/reset", headers=sb(sid))
    assert calls.count(sid) >= 2  # on creation and on reset


def test_expiry_respects_use_seen_by_another_process(make_toy_client):
    """Several emulators on one database: last use is shared through the sandbox rows."""
    from sqlalchemy import delete, update

    from emulator.control.models import SandboxRow

    client = make_toy_client(sandbox_idle_seconds=600)
    runtime = client.app.state.runtime
    control = runtime.control
    wall = [control.wall()]
    control.wall = lambda: wall[0]
    elsewhere = client.post("/__admin/sandboxes").json()["id"]
    gone = client.post("/__admin/sandboxes").json()["id"]
    idle = client.post("/__admin/sandboxes").json()["id"]
    wall[0] += 500
    with runtime.db.write_session() as session:  # another process: one used, one deleted
        session.execute(update(SandboxRow).where(SandboxRow.id == elsewhere)
                        .values(last_used=wall[0]))
        session.execute(delete(SandboxRow).where(SandboxRow.id == gone))
        session.commit()
    wall[0] += 200  # 700 s since this process saw any of them; 200 s since the other saw one
    listed = [s["id"] for s in client.get("/__admin/sandboxes").json()["sandboxes"]]  # sweeps
    assert listed == ["default", elsewhere]
    assert gone not in control._known and idle not in control._known
    assert client.get("/__admin/clock", headers=sb(gone)).status_code == 404
    assert client.get("/__admin/clock", headers=sb(idle)).status_code == 404
