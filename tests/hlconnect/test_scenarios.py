"""The bundled scenarios drive HL Connect through its own hooks (fulfilment, region)."""

from __future__ import annotations

from tests.hlconnect.helpers import (
    AUTH,
    DE_IP,
    US_IP,
    assert_error,
    buy,
    info,
    register_body,
    sandbox_body,
    validate,
)


def test_fulfilment_fails_scenario_sets_the_lines_policy(make_client):
    client = make_client(scenarios=["fulfilment-fails"])
    r = buy(client, asset_id=1000001, order=1)  # even the always-completes asset
    assert r.status_code == 201 and r.headers["x-emulator-rule"] == "fulfilment-fails/orders-fail"
    assert info(client, 1).status_code == 202
    failed = info(client, 1)
    assert failed.status_code == 502 and failed.json()["status"] == "FAILED"
    assert "delivery failed" in failed.json()["message"]


def test_stuck_processing_scenario(make_client):
    client = make_client(scenarios=["stuck-processing"])
    assert client.post("/sandbox/purchase/register", headers=AUTH,
                       json=sandbox_body(order=3)).status_code == 201
    for _ in range(4):
        assert info(client, 3, prefix="/sandbox").status_code == 202


def test_eu_blocked_scenario_answers_hl_422(make_client):
    client = make_client(scenarios=["eu-blocked"])
    assert_error(validate(client, ip=DE_IP), 422, "not available in your region")
    assert validate(client, ip=US_IP).status_code == 200
    assert_error(client.post("/sandbox/purchase/register", headers=AUTH,
                             json=sandbox_body(country="DE")), 422, "region")
    assert client.post("/sandbox/purchase/register", headers=AUTH,
                       json=sandbox_body(country="US")).status_code == 201


def test_live_register_buyer_country_comes_from_the_token(client):
    hl = client.app.state.runtime.vendors["hlconnect"]
    token = validate(client, ip=DE_IP).json()["token"]
    assert hl.buyer_country({}, register_body(token)) == "DE"
    assert hl.buyer_country({}, register_body("junk")) is None
