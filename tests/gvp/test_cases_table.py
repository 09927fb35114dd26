"""Every CreatePurchase exception of the wiki, produced through HTTP from the seeded data set.

The expected codes are written out here (from the issue / wiki) rather than read from settings,
and the parameters come from the served table GET /__admin/gvp/cases, so the table a front-end
developer reads is the one proven to work.
"""

from __future__ import annotations

import pytest

from tests.gvp.conftest import AUTH, SUBS

EXPECTED = {
    "AuthenticationRequired": 30, "UserPurchasePinValueNoMatch": 62, "InvalidPaymentType": 100,
    "UserDoesNotHaveMandatorySubscription": 113, "InvalidReturnOrCancelURL": 130,
    "InsufficientBalance": 87, "ProductDoesNotExist": 109, "UserAlreadyHasProduct": 23,
    "InvalidPricingModelForThisProduct": 82, "PendingProductCanNotBePurchased": 150,
    "ProductNotAvailableYet": 122, "ProductExpired": 123, "UserCantAcquire": 96,
    "SubscriptionNotAvailableForPurchaseType": 153,
    "WebpayIsntAvailableForRecurringPayment": 146, "NoCreditsRegistered": 47,
    "InvalidProductForInstance": 55, "InvalidPricingModel": 86, "GenericError": 1,
}
PURCHASE_STATUS = {"Finished": 2, "WaitingPayment": 5, "Active": 9}


def _served_cases(client) -> dict[str, dict]:
    r = client.get("/__admin/gvp/cases")
    assert r.status_code == 200
    return {case["outcome"]: case for case in r.json()["cases"]}


def _run(client, case: dict) -> dict:
    login = dict(case["login"])
    method = login.pop("method")
    session = client.get(f"{AUTH}/{method}", params=login).json()
    assert session["StatusCode"] == 0, session
    params = {"token": session["Content"]["Token"], **case["create_purchase"]}
    r = client.get(f"{SUBS}/CreatePurchase", params=params)
    assert r.status_code == 200
    return r.json()


def test_table_covers_every_code_and_every_payment_type(client):
    cases = _served_cases(client)
    assert {name for name in cases if not name.startswith("OK")} == set(EXPECTED)
    payments = {c["create_purchase"]["paymentType"] for c in cases.values()
                if c["outcome"].startswith("OK")}
    assert payments == {"Billing", "eWallet", "PayPal", "WebPay", "WorldPay"}


@pytest.mark.parametrize("exception", sorted(EXPECTED, key=EXPECTED.get))
def test_each_exception_through_http(client, exception):
    case = _served_cases(client)[exception]
    body = _run(client, case)
    assert body["StatusCode"] == EXPECTED[exception], body
    assert body["Severity"] == 3
    assert body["StatusMessage"].split(":")[0] == exception
    assert body["Content"] is None
    assert case["status_code"] == EXPECTED[exception]


def test_success_cases_through_http(client):
    for outcome, case in _served_cases(client).items():
        if not outcome.startswith("OK"):
            continue
        body = _run(client, case)
        assert body["StatusCode"] == 0 and body["StatusMessage"] == "OK", (outcome, body)
        purchase = body["Content"]["Content"][0]
        assert purchase["PurchaseStatus"] == PURCHASE_STATUS[case["purchase_status"]], outcome
        redirect = case["create_purchase"]["paymentType"] in ("PayPal", "WebPay", "WorldPay")
        assert (purchase["RedirectUrl"] is not None) == redirect, outcome


def test_whole_table_top_to_bottom_in_one_sandbox(client):
    """The documented order also works as one walk-through in a single sandbox."""
    served = client.get("/__admin/gvp/cases").json()["cases"]
    for case in served:
        body = _run(client, case)
        if case["outcome"].startswith("OK"):
            assert body["StatusCode"] == 0, (case["outcome"], body)
        else:
            assert body["StatusCode"] == EXPECTED[case["outcome"]], (case["outcome"], body)


def test_check_order_pin_before_payment_type_before_balance(client):
    """Several faults at once: the first in the documented order wins."""
    from tests.gvp.conftest import buy, login

    broke = login(client, "broke")
    # wrong PIN + eWallet with no money → the PIN (62) is checked first
    assert buy(client, broke, 6002, "Movie", 301, "eWallet", pin="9999")["StatusCode"] == 62
    # unknown payment type + no money → 100 before 87
    assert buy(client, broke, 6002, "Movie", 301, "Unknown")["StatusCode"] == 100
    # no money + unknown product → 87 cannot be judged without a price, so 109
    assert buy(client, broke, 4242, "Movie", 301, "eWallet")["StatusCode"] == 109
    nosub = login(client, "nosub")
    # missing mandatory subscription + PayPal without URLs → 113 before 130
    assert buy(client, nosub, 6003, "Movie", 301, "PayPal")["StatusCode"] == 113


def test_domain_exceptions_can_be_mapped_to_http_statuses(make_client):
    from tests.gvp.conftest import buy, login

    client = make_client(gvp={"http_status_mode": "mapped"})
    rich = login(client, "rich")
    r = client.get(f"{SUBS}/CreatePurchase", params={
        "token": rich, "productId": 9999, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "Billing", "pin": "1234"})
    assert r.status_code == 404 and r.json()["StatusCode"] == 109
    # an exception without a mapping stays HTTP 200
    assert buy(client, rich, 6007, "Movie", 301, "Billing")["StatusCode"] == 123


def test_readme_table_matches_the_served_cases(client):
    """docs/gvp.md shows the same parameters a front-end developer would get from the API."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "gvp.md").read_text()
    for case in client.get("/__admin/gvp/cases").json()["cases"]:
        query = "&".join(f"{k}={v}" for k, v in case["create_purchase"].items())
        row = next((line for line in doc.splitlines() if f"`{query}`" in line
                    and f"| {case['outcome']} |" in line), None)
        assert row is not None, f"docs/gvp.md lacks the row for {case['outcome']}"
        who = f"`{case['user']}` / `{case['password']}`" if case["user"] else "anonymous"
        assert who in row and f"| {case['status_code']} |" in row


def test_codes_are_settings_and_overriding_one_keeps_the_rest(make_client):
    from tests.gvp.conftest import buy, login

    client = make_client(gvp={"codes": {"ProductDoesNotExist": 404}, "payment_types": {"PayPal": 7}})
    rich = login(client, "rich")
    assert buy(client, rich, 9999, "Movie", 301, "Billing")["StatusCode"] == 404
    assert buy(client, rich, 6007, "Movie", 301, "Billing")["StatusCode"] == 123
    paypal = buy(client, rich, 6003, "Movie", 301, 7, urls=True)["Content"]["Content"][0]
    assert paypal["PaymentType"] == 7
    cases = {c["outcome"]: c for c in client.get("/__admin/gvp/cases").json()["cases"]}
    assert cases["ProductDoesNotExist"]["status_code"] == 404


def test_codes_from_the_environment(monkeypatch):
    monkeypatch.setenv("EMULATOR_GVP__CODES", '{"GenericError": 999}')
    monkeypatch.setenv("EMULATOR_GVP__OAUTH_MODE", "strict")
    from emulator.settings import Settings

    settings = Settings()
    assert settings.gvp.codes["GenericError"] == 999 and settings.gvp.codes["InsufficientBalance"] == 87
    assert settings.gvp.oauth_mode == "strict"
