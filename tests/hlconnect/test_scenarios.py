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
from tests.support.scenarios import rules_file


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


def _scenario(tmp_path, name: str, rules: str) -> list[str]:
    return [rules_file(tmp_path, name, rules)]


def test_injected_502_on_info_is_the_documented_order_processing_failure(make_client, tmp_path):
    client = make_client(scenarios=_scenario(tmp_path, "info-502", """\
- id: plain
  match: {vendor: hlconnect, operation: [connector_purchase_info, connector_purchase_info_sandbox],
          query: {order_id: "1"}}
  effects: {status: 502}
- id: worded
  match: {vendor: hlconnect, operation: connector_purchase_info, query: {order_id: "2"}}
  effects: {status: {code: 502, message: Rights holder refused the sale}}
- id: gateway
  match: {vendor: hlconnect, operation: connector_purchase_info, query: {order_id: "3"}}
  effects: {status: {code: 502, gateway: true}}
"""))
    for prefix in ("", "/sandbox"):
        r = info(client, 1, prefix=prefix)
        # OrderProcessingFailedResponse, as the natural failure (asset 1000002) answers
        assert r.status_code == 502 and r.json() == {"status": "FAILED",
                                                     "message": "Order processing failed"}
        assert "x-environment" not in r.headers  # documented on 2xx only
    assert info(client, 2).json() == {"status": "FAILED",
                                      "message": "Rights holder refused the sale"}
    r = info(client, 3)
    assert r.status_code == 502 and r.headers["content-type"] == "text/html"


def test_injected_statuses_info_does_not_document_keep_the_error_response(make_client, tmp_path):
    client = make_client(scenarios=_scenario(tmp_path, "info-5xx", """\
- id: documented-500
  match: {vendor: hlconnect, operation: connector_purchase_info, query: {order_id: "1"}}
  effects: {status: 500}
- id: undocumented-503
  match: {vendor: hlconnect, operation: connector_purchase_info, query: {order_id: "2"}}
  effects: {status: {code: 503, message: down for maintenance}}
- id: register-502
  match: {vendor: hlconnect, operation: connector_purchase_register}
  effects: {status: 502}
"""))
    assert_error(info(client, 1), 500, "Internal Server Error")
    assert_error(info(client, 2), 503, "down for maintenance")
    assert_error(buy(client), 502, "Bad Gateway")  # register documents no 502


def test_after_commit_502_on_a_completed_order_reads_as_failed(make_client, tmp_path):
    client = make_client(scenarios=_scenario(tmp_path, "info-after", """\
- id: lost-read
  match: {vendor: hlconnect, operation: connector_purchase_info, first: 1}
  effects: {status: {code: 502, message: fulfilment system timed out}, after_commit: true}
"""))
    assert buy(client, asset_id=1000001, order=7).status_code == 201
    r = info(client, 7)
    assert r.status_code == 502
    assert r.json() == {"status": "FAILED", "message": "fulfilment system timed out"}
    assert info(client, 7).status_code in (200, 202)  # the order itself is fine
