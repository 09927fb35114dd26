"""Payment flows through HTTP: Billing, eWallet (atomic debit), credits, and the redirect
payments (PayPal, WebPay, WorldPay) through the emulated payment page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.gvp.conftest import SUBS, buy, call, login, purchase_of


def _order(client, purchase_id: int) -> dict:
    r = client.get(f"/__admin/orders/gvp/{purchase_id}")
    assert r.status_code == 200, r.text
    return r.json()


def test_billing_completes_at_once(client, rich):
    movie = purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))
    assert movie["PurchaseStatus"] == 2 and movie["PaymentType"] == 1
    assert movie["Price"] == 3.99 and movie["CanWatch"]["MovieAccessReason"] == 2
    assert movie["CanWatch"]["RentalHoursLeft"] == 48
    sub = purchase_of(buy(client, rich, 1002, "Subscription", 202, "Billing"))
    assert sub["PurchaseStatus"] == 9 and sub["CanWatch"]["PricingModel"]["Isrecurring"] is True
    assert buy(client, rich, 6001, "Movie", 301, "Billing")["StatusCode"] == 23


def test_rental_expires_and_can_be_bought_again(client, clock, rich):
    purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))
    clock.advance(48 * 3600 + 1)
    rich = login(client, "rich")
    again = purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))
    assert again["PurchaseStatus"] == 2


def test_ewallet_debits_until_the_balance_runs_out(client):
    frugal = login(client, "frugal")  # 10.00
    for product in (6001, 6002):
        assert purchase_of(buy(client, frugal, product, "Movie", 301, "eWallet"))["PurchaseStatus"] == 2
    assert buy(client, frugal, 6003, "Movie", 301, "eWallet")["StatusCode"] == 87  # 2.02 left


def test_credit_top_up_makes_ewallet_purchases_possible(client):
    broke = login(client, "broke")
    assert buy(client, broke, 6002, "Movie", 301, "eWallet")["StatusCode"] == 87
    credit = purchase_of(buy(client, broke, 5001, "Credit", 0, "Billing"))
    assert credit["PurchaseStatus"] == 2 and credit["Price"] == 10.0 and credit["ProductType"] == 5
    assert purchase_of(buy(client, broke, 6002, "Movie", 301, "eWallet"))["PurchaseStatus"] == 2
    # credits are consumable: buying another is not "already has product"
    assert purchase_of(buy(client, broke, 5001, "Credit", 0, "Billing"))["PurchaseStatus"] == 2


def _pay(client, redirect: str, decision: str):
    page = client.get(redirect)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'value="approve"' in page.text and 'value="cancel"' in page.text
    query = parse_qs(urlsplit(redirect).query)
    return client.post(urlsplit(redirect).path, data={
        "exp": query["exp"][0], "sig": query["sig"][0], "decision": decision},
        follow_redirects=False)


def test_paypal_approve_redirects_to_return_url_and_activates(client, rich):
    purchase = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    assert purchase["PurchaseStatus"] == 5 and purchase["PaypalToken"].startswith("EC-")
    r = _pay(client, purchase["RedirectUrl"], "approve")
    assert r.status_code == 303
    target = urlsplit(r.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "shop.example", "/return")
    sent = parse_qs(target.query)
    assert sent["PurchaseId"] == [str(purchase["PurchaseId"])]
    assert sent["PaypalToken"] == [purchase["PaypalToken"]]
    assert _order(client, purchase["PurchaseId"])["status"] == "Finished"
    assert buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True)["StatusCode"] == 23
    # the page cannot be used twice
    assert _pay(client, purchase["RedirectUrl"], "cancel").status_code == 409


def test_pending_redirect_purchase_blocks_a_second_one(client, rich):
    purchase_of(buy(client, rich, 6004, "Movie", 301, "WorldPay", urls=True))
    assert buy(client, rich, 6004, "Movie", 301, "Billing")["StatusCode"] == 150


def test_webpay_cancel_redirects_to_cancel_url(client, rich):
    purchase = purchase_of(buy(client, rich, 1005, "Subscription", 205, "WebPay", urls=True))
    assert purchase["PaypalToken"] is None
    r = _pay(client, purchase["RedirectUrl"], "cancel")
    assert r.status_code == 303 and r.headers["location"].startswith("https://shop.example/cancel?")
    assert _order(client, purchase["PurchaseId"])["status"] == "Cancelled"
    # cancelled: may be bought again
    again = purchase_of(buy(client, rich, 1005, "Subscription", 205, "Billing"))
    assert again["PurchaseStatus"] == 9


def test_worldpay_approve_activates_subscription(client, rich):
    purchase = purchase_of(buy(client, rich, 1002, "Subscription", 203, "WorldPay", urls=True,
                               returnURL="https://shop.example/done?order=7"))
    r = _pay(client, purchase["RedirectUrl"], "approve")
    assert r.headers["location"].startswith("https://shop.example/done?order=7&PurchaseId=")
    subs = call(client, f"{SUBS}/GetUserSubscriptions", token=rich).json()["Content"]["List"]
    assert {s["ID"]: s["Status"] for s in subs} == {1001: 9, 1002: 9}


def test_paypal_credit_tops_up_on_approval_only(client):
    broke = login(client, "broke")
    purchase = purchase_of(buy(client, broke, 5001, "Credit", 0, "PayPal", urls=True))
    assert buy(client, broke, 6002, "Movie", 301, "eWallet")["StatusCode"] == 87
    _pay(client, purchase["RedirectUrl"], "approve")
    assert purchase_of(buy(client, broke, 6002, "Movie", 301, "eWallet"))["PurchaseStatus"] == 2


def test_cancel_purchase_cancels_pending_paypal(client, rich):
    purchase = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    wrong = call(client, f"{SUBS}/CancelPurchase", token=rich,
                 transactionId=purchase["TransactionId"], paypalToken="EC-WRONG").json()
    assert wrong["StatusMessage"] == "PurchaseNotFoundException"
    ok = call(client, f"{SUBS}/CancelPurchase", token=rich, transactionId=purchase["TransactionId"],
              paypalToken=purchase["PaypalToken"], deviceType=1, instanceID=1).json()
    assert ok == {"StatusCode": 0, "Severity": 1, "StatusMessage": "OK", "Content": True}
    assert _order(client, purchase["PurchaseId"])["status"] == "Cancelled"
    again = call(client, f"{SUBS}/CancelPurchase", token=rich, transactionId=purchase["TransactionId"],
                 paypalToken=purchase["PaypalToken"]).json()
    assert again["StatusMessage"] == "PurchaseAlreadyCancelledException"
    assert _pay(client, purchase["RedirectUrl"], "approve").status_code == 409


def test_cancel_purchase_of_a_finished_purchase_is_refused(client, rich):
    purchase = purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))
    body = call(client, f"{SUBS}/CancelPurchase", token=rich,
                transactionId=purchase["TransactionId"], paypalToken="").json()
    assert body["StatusMessage"].startswith("InvalidPurchaseStatusException")


def test_payment_link_is_signed_and_expires(client, clock, rich):
    purchase = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    url = purchase["RedirectUrl"]
    assert client.get(url.replace("sig=", "sig=0")).status_code == 403
    other = url.replace(f"/{purchase['PurchaseId']}?", f"/{purchase['PurchaseId'] + 1}?")
    assert client.get(other).status_code == 403
    clock.advance(3601)
    expired = client.get(url)
    assert expired.status_code == 410 and "expired" in expired.text
    assert _order(client, purchase["PurchaseId"])["status"] == "WaitingPayment"


def test_payment_page_escapes_and_rejects_unknown_decisions(client, rich):
    purchase = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    query = parse_qs(urlsplit(purchase["RedirectUrl"]).query)
    r = client.post(urlsplit(purchase["RedirectUrl"]).path, data={
        "exp": query["exp"][0], "sig": query["sig"][0], "decision": "<script>"})
    assert r.status_code == 400 and "<script>" not in r.text


def test_stb_purchase_bills_at_once_without_pin(client, rich):
    r = call(client, f"{SUBS}/CreatePurchaseStb", token=rich, productId=1002,
             productType="Subscription", pricingModelId=202, TrackId="rec-1").json()
    assert r["StatusCode"] == 0 and r["Content"]["PurchaseStatus"] == 9
    assert r["Content"]["PaymentType"] == 1
    again = call(client, f"{SUBS}/CreatePurchaseStb", token=rich, productId=1002,
                 productType=4, pricingModelId=202).json()
    assert again["StatusCode"] == 23


FULFILMENT = """
name: gvp-fulfilment
description: redirect payments decided by the scenario, no browser
rules:
  - id: paypal-approves
    match: {operation: [CreatePurchase], query: {paymentType: PayPal}}
    effects:
      fulfilment: {after_seconds: 60}
  - id: worldpay-fails
    match: {operation: [CreatePurchase], query: {paymentType: WorldPay}}
    effects:
      fulfilment: {outcome: fail, after_polls: 1, message: card declined}
"""


def test_scenario_fulfilment_decides_redirect_payments(make_client, tmp_path):
    path = tmp_path / "gvp-fulfilment.yaml"
    path.write_text(FULFILMENT)
    client = make_client(scenarios=[str(path)])
    clock = client.app.state.runtime.clocks.get("default")
    rich = login(client, "rich")
    paypal = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    worldpay = purchase_of(buy(client, rich, 6004, "Movie", 301, "WorldPay", urls=True))
    assert paypal["PurchaseStatus"] == worldpay["PurchaseStatus"] == 5
    # after_polls 1: the first read still finds it waiting, the next one failed
    assert _order(client, worldpay["PurchaseId"])["status"] == "WaitingPayment"
    assert _order(client, worldpay["PurchaseId"])["status"] == "Error"
    # after_seconds 60: not yet
    assert buy(client, rich, 6003, "Movie", 301, "Billing")["StatusCode"] == 150
    event = client.post("/__admin/clock/advance-to-next-event").json()
    assert event["advanced_seconds"] == 60
    assert buy(client, rich, 6003, "Movie", 301, "Billing")["StatusCode"] == 23
    assert _order(client, paypal["PurchaseId"])["status"] == "Finished"
    assert clock.time() == paypal["PurchaseDate"] + 60


def test_force_processing_pins_a_scenario_decided_payment(make_client, tmp_path):
    path = tmp_path / "gvp-fulfilment.yaml"
    path.write_text(FULFILMENT)
    client = make_client(scenarios=[str(path)])
    rich = login(client, "rich")
    paypal = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    forced = client.post(f"/__admin/orders/gvp/{paypal['PurchaseId']}/force",
                         json={"action": "processing"})
    assert forced.status_code == 200
    client.app.state.runtime.clocks.get("default").advance(3600)
    assert _order(client, paypal["PurchaseId"])["status"] == "WaitingPayment"
