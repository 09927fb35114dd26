"""GVP's documented answers (outcomes.py) are the ones openapi.yaml documents, per method; the
CreatePurchase ones are the cases table's; a mapped HTTP status moves an outcome with it."""

from __future__ import annotations

import re

import pytest

from emulator.vendors.gvp import Gvp
from emulator.vendors.gvp.cases import CASES
from emulator.vendors.gvp.settings import DEFAULT_CODES
from tests.gvp.conftest import SUBS, login


def _exceptions_named_in_the_contract() -> dict[str, set[str]]:
    found = {}
    for operation_id, op in Gvp.documented_operations().items():
        if ".svc/" in op["path"] and op["method"] == "GET":
            words = re.findall(r"[A-Z][A-Za-z]+", op.get("description", ""))
            found[operation_id] = {w for w in words if w in DEFAULT_CODES}
    return found


def _outcomes(client) -> list[dict]:
    report = client.get("/__admin/coverage", params={"vendor": "gvp"}).json()
    return report["responses"]


def test_every_method_answers_ok_and_the_exceptions_its_description_names(client):
    outcomes = _outcomes(client)
    for method, named in _exceptions_named_in_the_contract().items():
        mine = [o for o in outcomes if o["operation"] == method]
        assert {o["outcome"] for o in mine if o["code"] != 0} == named, method
        assert all(o["code"] == DEFAULT_CODES[o["outcome"]] for o in mine if o["code"] != 0)
        successes = {o["outcome"] for o in mine if o["code"] == 0}
        assert successes == ({f"OK {p}" for p in ("Billing", "eWallet", "PayPal", "WebPay",
                                                  "WorldPay")}
                             if method == "CreatePurchase" else {"OK"}), method


def test_create_purchase_outcomes_are_the_cases_table(client):
    served = client.get("/__admin/gvp/cases").json()["cases"]
    outcomes = {o["outcome"]: o for o in _outcomes(client) if o["operation"] == "CreatePurchase"}
    assert {c["exception"] for c in served if c["exception"]} == {
        name for name, o in outcomes.items() if o["code"]}
    for case in CASES:
        if case.outcome in outcomes:  # the credit top-up and subscription OK cases are extra
            steps = outcomes[case.outcome]["recipe"]["steps"]
            assert steps[-1]["query"] == {"token": "${token}", **case.params}


def test_payment_page_outcomes_are_its_http_statuses(client):
    statuses = {(o["operation"], o["status"]) for o in _outcomes(client)
                if o["operation"].startswith("Payment")}
    assert statuses == {("PaymentPage", s) for s in (200, 403, 404, 410)} | {
        ("PaymentDecision", s) for s in (303, 400, 403, 404, 409, 410)}


@pytest.mark.parametrize("mode, status", [("always_200", 200), ("mapped", 404)])
def test_the_http_status_of_an_exception_follows_http_status_mode(make_client, mode, status):
    client = make_client(gvp={"http_status_mode": mode})
    [outcome] = [o for o in _outcomes(client)
                 if (o["operation"], o["outcome"]) == ("CreatePurchase", "ProductDoesNotExist")]
    assert outcome["status"] == status
    r = client.get(f"{SUBS}/CreatePurchase", params={
        "token": login(client, "rich"), "productId": 9999, "productType": "Movie",
        "pricingModelId": 301, "paymentType": "Billing", "pin": "1234"})
    assert (r.status_code, r.json()["StatusCode"]) == (status, 109)
    [outcome] = [o for o in _outcomes(client)
                 if (o["operation"], o["outcome"]) == ("CreatePurchase", "ProductDoesNotExist")]
    assert outcome["seen"] == 1
