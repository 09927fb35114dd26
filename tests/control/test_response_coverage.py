"""GET /__admin/coverage lists every documented answer of every vendor operation, how often the
sandbox's journal met it, and a recipe for it; totals overall, per vendor and per operation."""

from __future__ import annotations

from collections import Counter

import schemathesis
from schemathesis.specs.openapi.checks import response_schema_conformance

from emulator.coverage_report import merge, summarise
from tests.gvp.conftest import SUBS, login

HL = {"Authorization": "Bearer hl-demo-token"}
SANDBOX_B = {"X-Emulator-Sandbox": "b"}


def _coverage(client, **params) -> dict:
    headers = params.pop("headers", {})
    r = client.get("/__admin/coverage", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _outcome(report: dict, vendor: str, operation: str, status: int, outcome: str) -> dict:
    [found] = [o for o in report["responses"] if (o["vendor"], o["operation"], o["status"],
                                                  o["outcome"]) == (vendor, operation, status,
                                                                    outcome)]
    return found


def _register(client, order: int = 7001, headers: dict | None = None):
    return client.post("/sandbox/purchase/register", headers={**HL, **(headers or {})}, json={
        "asset_id": 1000001, "country_code": "US", "quantity": 1, "order_number": order,
        "order_line_id": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "c-1"})


def test_a_fresh_sandbox_lists_every_documented_answer_unmet_each_with_a_recipe(client):
    report = _coverage(client)
    per_vendor = Counter(o["vendor"] for o in report["responses"])
    # HL: live 42 + sandbox 36 (operation, status) pairs + 9 for the links it hands out;
    # GmodStore 4 operations x 6; GVP 81 StatusCode outcomes of 13 methods + 10 payment page
    assert per_vendor == {"hlconnect": 87, "gmodstore": 24, "gvp": 91}
    assert report["responses_percent"] == 0.0
    assert all(o["seen"] == 0 and o["how"] and o["recipe"]["steps"] for o in report["responses"])
    assert _outcome(report, "hlconnect", "connector_purchase_register", 409, "Conflict") == {
        "vendor": "hlconnect", "operation": "connector_purchase_register", "status": 409,
        "code": None, "outcome": "Conflict", "seen": 0,
        "how": _outcome(report, "hlconnect", "connector_purchase_register", 409,
                        "Conflict")["how"],
        "recipe": _outcome(report, "hlconnect", "connector_purchase_register", 409,
                           "Conflict")["recipe"]}
    assert {o["vendor"]: o["total"] for o in report["responses_by_vendor"]} == per_vendor
    create = [o for o in report["responses"] if o["operation"] == "CreatePurchase"]
    assert len(create) == 24  # 18 documented exceptions, GenericError, 5 payment types
    assert {o["outcome"] for o in create if o["code"] == 0} == {
        "OK Billing", "OK eWallet", "OK PayPal", "OK WebPay", "OK WorldPay"}
    assert _outcome(report, "gvp", "CreatePurchase", 200, "InsufficientBalance")["code"] == 87
    assert report["responses_undocumented"] == []


def test_seen_counts_the_journaled_answers_and_the_totals_follow(client):
    assert _register(client).status_code == 201
    assert _register(client).status_code == 409
    assert _register(client).status_code == 409
    report = _coverage(client)
    assert _outcome(report, "hlconnect", "connector_purchase_register_sandbox", 409,
                    "Conflict")["seen"] == 2
    assert _outcome(report, "hlconnect", "connector_purchase_register_sandbox", 201,
                    "Created")["seen"] == 1
    [op] = [o for o in report["responses_by_operation"]
            if o["operation"] == "connector_purchase_register_sandbox"]
    assert op == {"vendor": "hlconnect", "operation": "connector_purchase_register_sandbox",
                  "total": 6, "met": 2, "percent": 33.3}
    [hl] = [v for v in report["responses_by_vendor"] if v["vendor"] == "hlconnect"]
    assert (hl["met"], hl["percent"]) == (2, 2.3)
    assert report["responses_percent"] == round(100 * 2 / 202, 1)


def test_gvp_answers_count_by_status_code_and_purchases_by_payment_type(client):
    broke = login(client, "broke")
    r = client.get(f"{SUBS}/CreatePurchase", params={
        "token": broke, "productId": 6002, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "eWallet", "pin": "1234"})
    assert r.json()["StatusCode"] == 87
    rich = login(client, "rich")
    r = client.post(f"{SUBS}/CreatePurchase", data={  # the form POST, a numeric payment type
        "token": rich, "productId": 6002, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "3", "pin": "1234"})
    assert r.json()["StatusCode"] == 0
    report = _coverage(client, vendor="gvp")
    assert _outcome(report, "gvp", "CreatePurchase", 200, "InsufficientBalance")["seen"] == 1
    assert _outcome(report, "gvp", "CreatePurchase", 200, "OK eWallet")["seen"] == 1
    assert _outcome(report, "gvp", "CreatePurchase", 200, "OK Billing")["seen"] == 0
    assert _outcome(report, "gvp", "LoginUserPassword", 200, "OK")["seen"] == 2
    # the journal keeps the StatusCode of every GVP answer, and none for other vendors
    entries = client.get("/__admin/requests").json()["requests"]
    assert [e["code"] for e in entries if e["operation"] == "CreatePurchase"] == [0, 87]
    client.get("/health")
    assert client.get("/__admin/requests", params={"limit": 1}).json()["requests"][0][
        "code"] is None


def test_answers_no_documented_outcome_describes_are_listed_apart(client):
    r = client.get(f"{SUBS}/CreatePurchase", params={"token": "AU_unknown"})
    assert r.json()["StatusCode"] == 1001  # InvalidTokenException: not a CreatePurchase outcome
    client.delete("/assets/list", headers=HL)  # 405: not documented for the operation's path
    report = _coverage(client)
    assert {"vendor": "gvp", "operation": "CreatePurchase", "status": 200, "code": 1001,
            "outcome": "InvalidTokenException", "seen": 1} in report["responses_undocumented"]
    assert report["responses_percent"] == 0.0


def test_a_reset_clears_seen_like_the_journal(client):
    _register(client)
    assert _coverage(client)["responses_percent"] > 0
    assert client.post("/__admin/reset").status_code == 200
    assert _coverage(client)["responses_percent"] == 0.0


def test_each_sandbox_counts_its_own_and_all_sandboxes_sums_them(client):
    assert client.post("/__admin/sandboxes", json={"id": "b"}).status_code == 201
    _register(client)
    _register(client, order=2, headers=SANDBOX_B)
    _register(client, order=2, headers=SANDBOX_B)
    created = ("hlconnect", "connector_purchase_register_sandbox", 201, "Created")
    conflict = ("hlconnect", "connector_purchase_register_sandbox", 409, "Conflict")
    default, b = _coverage(client), _coverage(client, headers=SANDBOX_B)
    assert (_outcome(default, *created)["seen"], _outcome(default, *conflict)["seen"]) == (1, 0)
    assert (_outcome(b, *created)["seen"], _outcome(b, *conflict)["seen"]) == (1, 1)
    every = _coverage(client, all_sandboxes="true")
    assert every["sandbox"] is None
    assert (_outcome(every, *created)["seen"], _outcome(every, *conflict)["seen"]) == (2, 1)


def test_vendor_narrows_the_report_and_an_unknown_one_or_sandbox_is_404(client):
    report = _coverage(client, vendor="gmodstore")
    assert {o["vendor"] for o in report["responses"]} == {"gmodstore"}
    assert {m["vendor"] for m in report["machines"]} == {"gmodstore"}
    r = client.get("/__admin/coverage", params={"vendor": "paypal"})
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown vendor 'paypal': installed are gmodstore, gvp, "
                                  "hlconnect"}
    r = client.get("/__admin/coverage", headers={"X-Emulator-Sandbox": "nope"})
    assert r.status_code == 404 and "unknown sandbox 'nope'" in r.json()["detail"]


def test_the_report_matches_its_schema_in_openapi_yaml(client):
    _register(client)
    client.get(f"{SUBS}/CreatePurchase", params={"token": "AU_unknown"})  # an undocumented one
    schema = schemathesis.openapi.from_asgi("/openapi.yaml", client.app)
    case = schema["/__admin/coverage"]["GET"].Case()
    response = case.call()
    assert response.json()["responses_undocumented"]
    case.validate_response(response, checks=[response_schema_conformance])


def test_reports_of_several_emulators_merge_an_outcome_whatever_status_its_code_maps_to():
    def item(operation, status, code, outcome, seen):
        return {"vendor": "v", "operation": operation, "status": status, "code": code,
                "outcome": outcome, "seen": seen, "how": "x", "recipe": None}

    always_200 = summarise([item("Buy", 200, 109, "ProductDoesNotExist", 1),
                            item("page", 404, None, "Not Found", 0)], [])
    mapped = summarise([item("Buy", 404, 109, "ProductDoesNotExist", 2),
                        item("page", 404, None, "Not Found", 3)],
                       [item("Buy", 200, 1001, "InvalidTokenException", 1)])
    merged = merge([always_200, mapped])
    assert [(o["operation"], o["seen"]) for o in merged["responses"]] == [("Buy", 3), ("page", 3)]
    assert merged["responses_percent"] == 100.0
    assert merged["responses_undocumented"][0]["seen"] == 1
