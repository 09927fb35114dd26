"""Fixtures: at start (--fixtures, the baseline) and through the admin API; clear errors."""

from __future__ import annotations

import pytest

from emulator.control.fixture_docs import FixtureError
from tests.control.conftest import TOY_AUTH


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_startup_fixtures_are_the_baseline_of_every_sandbox(make_toy_client, tmp_path):
    path = _write(tmp_path, "fx.yaml", "toy:\n  orders:\n    - {id: FX1, status: completed}\n")
    client = make_toy_client(fixtures=[path])
    assert client.get("/toy/orders/FX1", headers=TOY_AUTH).json()["status"] == "completed"
    sid = client.post("/__admin/sandboxes").json()["id"]
    headers = {**TOY_AUTH, "X-Emulator-Sandbox": sid}
    assert client.get("/toy/orders/FX1", headers=headers).status_code == 200
    client.post("/toy/orders", json={"item": "extra"}, headers=TOY_AUTH)
    client.post("/__admin/reset")
    assert [o["id"] for o in client.get("/__admin/orders").json()["orders"]] == ["FX1"]
    client.post("/__admin/reset", json={"all": True})
    assert client.get("/toy/orders/FX1", headers=headers).status_code == 200


def test_restart_on_the_same_database_does_not_load_twice(make_toy_client, tmp_path):
    path = _write(tmp_path, "fx.json", '{"toy": {"orders": [{"id": "FX1"}]}}')
    first = make_toy_client(fixtures=[path])
    first.post("/toy/orders", json={"item": "kept"}, headers=TOY_AUTH)
    first.__exit__(None, None, None)
    again = make_toy_client(fixtures=[path])  # no duplicate-id failure, state kept
    assert again.get("/__admin/orders").json()["count"] == 2
    # a changed baseline resets the default sandbox to it
    path.write_text('{"toy": {"orders": [{"id": "FX2"}]}}', encoding="utf-8")
    again.__exit__(None, None, None)
    changed = make_toy_client(fixtures=[path])
    assert [o["id"] for o in changed.get("/__admin/orders").json()["orders"]] == ["FX2"]


@pytest.mark.parametrize("text, message", [
    ("toy: [1, 2", "fx.yaml: line 1, column 11: not valid YAML or JSON"),
    ("- toy", "fx.yaml: the top level must be a mapping"),
    ("shop: {}", "fx.yaml: shop: unknown vendor (enabled vendors: toy)"),
    ("toy: [1]", "fx.yaml: toy: expected a mapping, not list"),
    ("toy: {orders: [{id: A}, {status: completed}]}", "fx.yaml: toy: orders[1].id: required"),
    ("toy: {orders: [{id: A, status: lost}]}", "fx.yaml: toy: orders[0].status: unknown state"),
])
def test_bad_startup_fixture_stops_the_start_with_file_and_field(make_toy_client, tmp_path, text,
                                                                  message):
    path = _write(tmp_path, "fx.yaml", text)
    with pytest.raises(FixtureError) as err:
        make_toy_client(fixtures=[path])
    assert str(err.value).startswith(str(tmp_path / message.split(":")[0]) + ":")
    assert message.split(":", 1)[1].strip() in str(err.value)


def test_missing_fixture_file_is_named(make_toy_client, tmp_path):
    with pytest.raises(FixtureError, match="nope.yaml: cannot read the fixture file"):
        make_toy_client(fixtures=[tmp_path / "nope.yaml"])


def test_admin_fixtures_load_into_the_request_sandbox(toy):
    sid = toy.post("/__admin/sandboxes").json()["id"]
    r = toy.post("/__admin/fixtures", json={"toy": {"orders": [{"id": "A1"}, {"id": "A2"}]}},
                 headers={"X-Emulator-Sandbox": sid})
    assert r.status_code == 200
    assert r.json() == {"sandbox": sid, "vendors": ["toy"], "rows_added": 2}
    assert toy.get("/__admin/orders", headers={"X-Emulator-Sandbox": sid}).json()["count"] == 2
    assert toy.get("/__admin/orders").json()["count"] == 0
    # YAML works too
    r = toy.post("/__admin/fixtures", content=b"toy:\n  orders: [{id: Y1}]\n",
                 headers={"content-type": "application/yaml"})
    assert r.status_code == 200 and r.json()["rows_added"] == 1


def test_admin_fixture_errors_leave_no_rows(toy):
    r = toy.post("/__admin/fixtures", json={"toy": {"orders": [{"id": "OK1"}, {"id": "OK2"},
                                                               {"status": "completed"}]}})
    assert r.status_code == 422
    assert r.json() == {"detail": "request body: toy: orders[2].id: required"}
    assert toy.get("/__admin/orders").json()["count"] == 0  # OK1, OK2 were removed again
    r = toy.post("/__admin/fixtures", content=b"toy: [", headers={"content-type": "text/yaml"})
    assert r.status_code == 422 and "not valid YAML or JSON" in r.json()["detail"]
    r = toy.post("/__admin/fixtures", json={"gvp": {}})
    assert r.status_code == 422 and "gvp: unknown vendor" in r.json()["detail"]
    for empty in (b"", b"null"):  # an empty fixture file is fine, a call that loads nothing not
        r = toy.post("/__admin/fixtures", content=empty,
                     headers={"content-type": "application/json"})
        assert r.status_code == 422 and "empty" in r.json()["detail"], empty


def test_serve_refuses_to_start_on_a_bad_fixture_file(tmp_path):
    import subprocess
    import sys

    bad = _write(tmp_path, "bad.yaml", "hlconnect:\n  orders:\n    - {order_number: 0}\n")
    done = subprocess.run(
        [sys.executable, "-m", "emulator.cli", "serve", "--port", "0", "--fixtures", str(bad),
         "--database-url", f"sqlite:///{tmp_path / 'cli.db'}"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    # file, vendor and field; the rest of the sentence is the vendor's own wording
    assert done.stderr.startswith(f"purchase-emulator: cannot start: {bad}: hlconnect: "
                                  "hlconnect.orders[0].order_number: must be a positive")
