"""HL Connect through the emulator's /__admin API: fixtures, orders, force, reset, clock."""

from __future__ import annotations

from tests.hlconnect.helpers import AUTH, assert_error, buy, info, validate

FIXTURE = {"hlconnect": {
    "assets": [{"asset_id": 2000001, "title": "Fixture Hymn", "min_qty": 2}],
    "orders": [
        {"order_number": 900, "order_line_id": 1, "asset_id": 2000001, "quantity": 2,
         "customer": "Fixture Choir", "status": "COMPLETED"},
        {"order_number": 901, "order_line_id": 1, "asset_id": 1000001,
         "progression": {"kind": "after_seconds", "seconds": 300}},
    ]}}


def test_fixtures_add_assets_and_orders_to_the_sandbox(client):
    r = client.post("/__admin/fixtures", json=FIXTURE)
    assert r.status_code == 200, r.text
    page = client.get("/assets/list", headers=AUTH, params={"last_id": 1000010}).json()
    assert [a["title"] for a in page["assets"]] == ["Fixture Hymn"]
    assert_error(validate(client, asset_id=2000001, quantity=1), 422, "minimum quantity 2")
    [line] = info(client, 900).json()
    assert (line["customer"], line["status"], line["quantity"]) == ("Fixture Choir",
                                                                   "COMPLETED", 2)
    assert client.get(line["download_url"]).content.startswith(b"%PDF")


def test_invalid_fixtures_are_422_naming_the_field_and_add_nothing(client):
    bad = {"hlconnect": {"assets": [{"asset_id": 2000002}],
                         "orders": [{"order_number": 1, "order_line_id": 1, "asset_id": 7}]}}
    r = client.post("/__admin/fixtures", json=bad)
    assert r.status_code == 422 and "hlconnect.orders[0].asset_id" in r.text
    assert_error(validate(client, asset_id=2000002), 404)
    r = client.post("/__admin/fixtures", json={"hlconnect": {"assets": [{"asset_id": 1000001}]}})
    assert r.status_code == 422 and "already a catalogue asset" in r.text


def test_reset_removes_fixture_state_and_orders(client):
    assert client.post("/__admin/fixtures", json=FIXTURE).status_code == 200
    buy(client, order=5)
    assert client.post("/__admin/reset").status_code == 200
    assert_error(info(client, 5), 404)
    assert_error(info(client, 900), 404)
    assert_error(validate(client, asset_id=2000001, quantity=2), 404)


def test_orders_list_force_and_clock_jump(client):
    assert client.post("/__admin/fixtures", json=FIXTURE).status_code == 200
    buy(client, asset_id=1000003, order=7)
    orders = client.get("/__admin/orders", params={"vendor": "hlconnect"}).json()["orders"]
    assert {o["id"] for o in orders} == {"production-1-900-1", "production-1-901-1",
                                        "production-1-7-1"}
    r = client.post("/__admin/orders/hlconnect/production-1-7-1/force",
                    json={"action": "fail", "message": "publisher offline"})
    assert r.status_code == 200 and r.json()["status"] == "FAILED"
    assert info(client, 7).json() == {"status": "FAILED", "message": "publisher offline"}
    assert client.post("/__admin/orders/hlconnect/production-1-7-1/force",
                       json={"action": "complete"}).status_code == 409
    # the after_seconds line is the next event; jumping to it completes the line
    assert info(client, 901).status_code == 202
    assert client.post("/__admin/clock/advance-to-next-event").status_code == 200
    assert info(client, 901).json()[0]["status"] == "COMPLETED"
