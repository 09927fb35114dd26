"""The README's example: test a purchase client against purchase-emulator with its pytest
plugin (installed with the package; no conftest needed). Runs in CI like any test file:

    pytest tests/control/test_plugin_example.py

Each test gets a fresh sandbox (`emulator_sandbox`) of one emulator started for the session
(`purchase_emulator`), and that sandbox's virtual clock (`emulator_clock`, frozen at
2026-01-01T00:00:00Z): nothing sleeps, nothing leaks between tests.
"""

from __future__ import annotations

import httpx
import pytest

HL = {"Authorization": "Bearer hl-demo-token"}  # HL Connect's demo vendor token


def buy(api: httpx.Client, order: int, asset_id: int = 1000001, ip: str = "192.0.2.10"):
    """The client code under test: validate before payment, then register the order."""
    check = api.post("/purchase/validate-purchase-before-payment", headers=HL,
                     json={"asset_id": asset_id, "customer_ip": ip, "quantity": 1})
    if check.status_code != 200:
        return check
    return api.post("/purchase/register", headers=HL, json={
        "token": check.json()["token"], "order_number": order, "order_line_id": 1,
        "unit_price": 4.99, "line_item_price": 4.99, "customer": "Ada Lovelace"})


def test_a_purchase_completes(emulator_sandbox):
    api = emulator_sandbox.client  # bound to this test's sandbox
    assert buy(api, order=1001).status_code == 201
    info = api.get("/purchase/info", params={"order_id": 1001}, headers=HL)
    assert info.status_code == 200 and info.json()[0]["status"] == "COMPLETED"
    # what did the client actually send? (WireMock-style verification)
    emulator_sandbox.assert_requested(vendor="hlconnect", operation="connector_purchase_register",
                                      body={"order_number": 1001, "order_line_id": 1}, count=1)


def test_fulfilment_after_an_hour_without_waiting(emulator_sandbox, emulator_clock):
    emulator_sandbox.load_fixtures({"hlconnect": {"orders": [{
        "order_number": 2001, "order_line_id": 1, "asset_id": 1000001,
        "progression": {"kind": "after_seconds", "seconds": 3600}}]}})
    api = emulator_sandbox.client
    assert api.get("/purchase/info", params={"order_id": 2001}, headers=HL).status_code == 202
    emulator_clock.advance(3600)
    info = api.get("/purchase/info", params={"order_id": 2001}, headers=HL)
    assert info.status_code == 200 and info.json()[0]["status"] == "COMPLETED"


def test_a_forced_failure_reaches_the_client(emulator_sandbox):
    api = emulator_sandbox.client
    buy(api, order=3001, asset_id=1000003)  # a test asset that stays PROCESSING
    [line] = emulator_sandbox.orders(vendor="hlconnect", status="PROCESSING")
    emulator_sandbox.force("hlconnect", line["id"], "fail", message="Card declined")
    info = api.get("/purchase/info", params={"order_id": 3001}, headers=HL)
    assert info.status_code == 502 and info.json()["message"] == "Card declined"
    history = emulator_sandbox.order("hlconnect", line["id"])["transitions"]
    assert [t["to"] for t in history] == ["PROCESSING", "FAILED"]


def test_a_scenario_blocks_eu_buyers(emulator_sandbox):
    emulator_sandbox.activate_scenario("eu-blocked")
    blocked = buy(emulator_sandbox.client, order=4001, ip="203.0.113.99")  # a German IP
    assert blocked.status_code == 422
    emulator_sandbox.assert_requested(rule="eu-blocked/eu-buyers", status=422, count=1)


def test_a_failed_verification_explains_itself(emulator_sandbox):
    buy(emulator_sandbox.client, order=5001)
    with pytest.raises(AssertionError) as failure:
        emulator_sandbox.assert_requested(operation="connector_purchase_register",
                                          body={"order_number": 5002}, count=1)
    report = str(failure.value)
    assert "expected exactly 1 request(s)" in report
    assert "near miss" in report and "body.order_number: expected 5002, got 5001" in report


def test_sandboxes_are_isolated(purchase_emulator, emulator_sandbox):
    buy(emulator_sandbox.client, order=6001)
    other = purchase_emulator.new_sandbox()
    try:
        assert other.orders() == []
        assert len(emulator_sandbox.orders(vendor="hlconnect")) == 1
    finally:
        purchase_emulator.admin("DELETE", f"/sandboxes/{other.id}")
        other.close()
