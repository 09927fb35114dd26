"""validate-before-payment tokens and the two register bodies (live and sandbox)."""

from __future__ import annotations

from tests.conftest import FIXED_START
from tests.hlconnect.helpers import (
    AUTH,
    AUTH2,
    DE_IP,
    GB_IP,
    US_IP,
    assert_error,
    buy,
    info,
    register_body,
    sandbox_body,
    validate,
)

NOW = int(FIXED_START.timestamp())


def test_validate_returns_a_token_expiring_in_15_minutes_on_the_clock(client):
    r = validate(client)
    assert r.status_code == 200 and r.headers["x-environment"] == "production"
    body = r.json()
    assert set(body) == {"token", "exp_date"}
    assert body["exp_date"] == NOW + 900 and isinstance(body["token"], str)


def test_validate_refuses_unknown_assets_min_qty_regions_and_bad_ips(client):
    assert_error(validate(client, asset_id=424242), 404, "424242")
    assert_error(validate(client, asset_id=1000005, quantity=4), 422, "minimum quantity 5")
    assert validate(client, asset_id=1000005, quantity=5).status_code == 200
    assert_error(validate(client, asset_id=1000004, ip=GB_IP), 422, "not available in GB")
    assert_error(validate(client, asset_id=1000004, ip=DE_IP), 422, "DE")
    assert validate(client, asset_id=1000004, ip=US_IP).status_code == 200
    assert validate(client, asset_id=1000004, ip="10.1.2.3").status_code == 200  # default US
    assert_error(validate(client, ip="999.1.1.1"), 400, "not a valid")
    assert_error(validate(client, ip="hello"), 400, "customer_ip")


def test_ip_country_table_is_configurable(make_client):
    client = make_client(ip_countries={"10.0.0.0/8": "CA"}, default_country="GB")
    assert validate(client, asset_id=1000004, ip="10.9.9.9").status_code == 200
    assert_error(validate(client, asset_id=1000004, ip="8.8.8.8"), 422, "GB")


def test_validate_body_errors_are_422(client):
    url = "/purchase/validate-purchase-before-payment"
    assert_error(client.post(url, headers=AUTH, json={"asset_id": 1000001}), 422,
                 "customer_ip: this field is required")
    assert_error(client.post(url, headers=AUTH, json={"asset_id": "1000001",
                                                      "customer_ip": US_IP, "quantity": 1}),
                 422, "asset_id")
    assert_error(client.post(url, headers=AUTH, json={"asset_id": 1000001,
                                                      "customer_ip": US_IP, "quantity": 0}),
                 422, "quantity")
    assert_error(client.post(url, headers=AUTH, json=[1, 2]), 422)
    assert_error(client.post(url, headers=AUTH, content=b""), 422, "not valid JSON")


def test_register_with_the_token_creates_the_order(client):
    r = buy(client, asset_id=1000005, quantity=6, order=77, line=3, customer="Choir of St Anne")
    assert r.status_code == 201 and r.content == b""
    assert r.headers["x-environment"] == "production"
    assert info(client, 77).json() == {"status": "PROCESSING"}  # the default: one 202 first
    lines = info(client, 77).json()
    assert len(lines) == 1
    line = lines[0]
    assert (line["order_id"], line["order_line_id"], line["asset_id"]) == (77, 3, 1000005)
    assert (line["quantity"], line["country_code"], line["customer"]) == (6, "US",
                                                                          "Choir of St Anne")
    assert line["unit_price"] == 4.99 and line["status"] == "COMPLETED"


def test_register_token_is_single_use_and_bound(client, clock):
    token = validate(client).json()["token"]
    assert client.post("/purchase/register", headers=AUTH,
                       json=register_body(token, order=1)).status_code == 201
    # the same token for another order: already spent
    assert_error(client.post("/purchase/register", headers=AUTH,
                             json=register_body(token, order=2)), 422, "already used")
    # another vendor account cannot redeem it
    other = validate(client).json()["token"]
    assert_error(client.post("/purchase/register", headers=AUTH2,
                             json=register_body(other, order=3)), 422, "another vendor")
    # tampered: the payload changed, the signature did not
    body, _, mac = other.partition(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    assert_error(client.post("/purchase/register", headers=AUTH,
                             json=register_body(forged, order=4)), 422, "invalid")
    assert_error(client.post("/purchase/register", headers=AUTH,
                             json=register_body("garbage", order=4)), 422, "malformed")
    # expired on the virtual clock
    clock.advance(900)
    assert_error(client.post("/purchase/register", headers=AUTH,
                             json=register_body(other, order=5)), 422, "expired")


def test_token_still_valid_just_before_expiry(client, clock):
    token = validate(client).json()["token"]
    clock.advance(899)
    assert client.post("/purchase/register", headers=AUTH,
                       json=register_body(token, order=9)).status_code == 201


def test_duplicate_order_line_is_409_and_stores_nothing(client):
    assert buy(client, order=50, line=1).status_code == 201
    assert_error(buy(client, order=50, line=1), 409, "already")
    assert buy(client, order=50, line=2).status_code == 201  # another line of the same order
    assert [line["order_line_id"] for line in info(client, 50).json()] == [1, 2]


def test_register_body_errors_are_422_and_store_nothing(client):
    token = validate(client).json()["token"]
    body = register_body(token, order=60)
    for broken, field in [({**body, "order_number": "60"}, "order_number"),
                          ({k: v for k, v in body.items() if k != "customer"}, "customer"),
                          ({**body, "unit_price": -1}, "unit_price"),
                          ({**body, "parts": [{"asset_id": 1}]}, "parts.0.order_line_id"),
                          ({**body, "customer": ""}, "customer")]:
        assert_error(client.post("/purchase/register", headers=AUTH, json=broken), 422, field)
    assert_error(client.post("/purchase/register", headers=AUTH, content=b'{"token": '), 422,
                 "not valid JSON")
    assert_error(info(client, 60), 404)
    # the token was not spent by the failed attempts
    assert client.post("/purchase/register", headers=AUTH, json=body).status_code == 201


def test_parts_become_their_own_order_lines(client):
    token = validate(client, asset_id=1000006).json()["token"]
    parts = [{"asset_id": 1000007, "order_line_id": 2}, {"asset_id": 1000010, "order_line_id": 3}]
    r = client.post("/purchase/register", headers=AUTH,
                    json=register_body(token, order=70, parts=parts))
    assert r.status_code == 201, r.text
    info(client, 70)
    lines = info(client, 70).json()
    assert [(line["order_line_id"], line["asset_id"]) for line in lines] == [
        (1, 1000006), (2, 1000007), (3, 1000010)]
    assert all(line["status"] == "COMPLETED" and line["download_url"] for line in lines)


def test_parts_must_be_parts_of_a_partable_ensemble(client):
    def attempt(asset_id, parts, order):
        token = validate(client, asset_id=asset_id).json()["token"]
        return client.post("/purchase/register", headers=AUTH,
                           json=register_body(token, order=order, parts=parts))

    assert_error(attempt(1000001, [{"asset_id": 1000007, "order_line_id": 2}], 80), 422,
                 "not partable")
    assert_error(attempt(1000006, [{"asset_id": 1000001, "order_line_id": 2}], 81), 422,
                 "not a part")
    assert_error(attempt(1000006, [{"asset_id": 99, "order_line_id": 2}], 82), 404, "99")
    assert_error(attempt(1000006, [{"asset_id": 1000007, "order_line_id": 1}], 83), 422,
                 "distinct")
    for order in (80, 81, 82, 83):
        assert_error(info(client, order), 404)


def test_a_duplicate_part_line_is_a_409_for_the_whole_request(client):
    assert buy(client, order=90, line=2).status_code == 201
    token = validate(client, asset_id=1000006).json()["token"]
    r = client.post("/purchase/register", headers=AUTH, json=register_body(
        token, order=90, line=1, parts=[{"asset_id": 1000008, "order_line_id": 2}]))
    assert_error(r, 409, "line 2")
    assert [line["order_line_id"] for line in info(client, 90).json()] == [2]


def test_sandbox_register_is_asset_based(client):
    r = client.post("/sandbox/purchase/register", headers=AUTH,
                    json=sandbox_body(order=5, country="GB", quantity=2))
    assert r.status_code == 201 and r.content == b""
    assert r.headers["x-environment"] == "sandbox"
    lines = info(client, 5, prefix="/sandbox").json()
    assert (lines[0]["country_code"], lines[0]["quantity"]) == ("GB", 2)
    # a token-based body is not what the sandbox accepts
    assert_error(client.post("/sandbox/purchase/register", headers=AUTH,
                             json=register_body("t", order=6)), 422, "asset_id")


def test_sandbox_register_checks_asset_region_and_min_qty(client):
    post = lambda **kw: client.post("/sandbox/purchase/register", headers=AUTH,
                                    json=sandbox_body(**kw))
    assert_error(post(asset_id=31337), 404, "31337")
    assert_error(post(asset_id=1000004, country="GB"), 422, "not available in GB")
    assert post(asset_id=1000004, country="CA", order=3).status_code == 201
    assert_error(post(asset_id=1000005, quantity=1), 422, "minimum quantity")
    assert_error(post(country="gb"), 422, "country_code")


def test_flavours_are_separate_systems(client):
    assert buy(client, order=11).status_code == 201
    assert client.post("/sandbox/purchase/register", headers=AUTH,
                       json=sandbox_body(order=11)).status_code == 201
    assert info(client, 11).json()[0]["customer"] == "Ada Lovelace"
    assert info(client, 11, prefix="/sandbox").json()[0]["customer"] == "Grace Hopper"
    assert_error(info(client, 12, prefix="/sandbox"), 404)


def test_emulator_sandboxes_are_isolated(client):
    assert buy(client, order=13).status_code == 201
    client.post("/__admin/sandboxes", json={"id": "team-b"})  # sandboxes are created first
    other = {**AUTH, "X-Emulator-Sandbox": "team-b"}
    assert_error(client.get("/purchase/info?order_id=13", headers=other), 404, "13")
    assert buy(client, order=13, headers=other).status_code == 201


def test_a_restart_keeps_orders_and_spent_tokens(make_client):
    first = make_client()
    token = validate(first).json()["token"]
    assert first.post("/purchase/register", headers=AUTH,
                      json=register_body(token, order=31)).status_code == 201
    again = make_client()  # a new app on the same database file
    assert again.get("/purchase/info?order_id=31", headers=AUTH).status_code == 200
    assert_error(again.post("/purchase/register", headers=AUTH,
                            json=register_body(token, order=32)), 422, "already used")
