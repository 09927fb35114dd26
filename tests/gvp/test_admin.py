"""GVP through the control plane: /__admin/gvp/cases, orders and forcing, next clock event,
fixtures and reset."""

from __future__ import annotations

from tests.gvp.conftest import buy, login, purchase_of


def _force(client, purchase_id: int, action: str):
    return client.post(f"/__admin/orders/gvp/{purchase_id}/force", json={"action": action})


def test_cases_endpoint_lists_users_products_and_cases(client):
    body = client.get("/__admin/gvp/cases").json()
    users = {u["userName"]: u for u in body["users"]}
    assert users["broke"]["EWallet"] == 0.0 and users["rich"]["EWallet"] == 500.0
    assert users["nosub"]["owns"] == []
    products = {p["productId"]: p for p in body["products"]}
    assert products[6008]["dateStart"] == body["anchor"] + 7 * 86400
    assert products[6007]["dateEnd"] == body["anchor"] - 86400
    assert body["consumer"] == "gvp-demo-key"
    code_87 = next(c for c in body["cases"] if c["status_code"] == 87)
    assert code_87["user"] == "broke" and code_87["password"] == "broke123"
    assert code_87["create_purchase"]["paymentType"] == "eWallet"


def test_orders_list_shows_purchases_with_their_history(client, rich):
    purchase = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))
    listed = client.get("/__admin/orders", params={"vendor": "gvp"}).json()["orders"]
    mine = next(o for o in listed if o["id"] == str(purchase["PurchaseId"]))
    assert mine["status"] == "WaitingPayment" and mine["kind"] == "purchase"
    assert mine["payment_type"] == "PayPal" and mine["price"] == 3.99
    # rich's provisioned Base TV is a row too
    assert any(o["product_id"] == 1001 and o["provisioned"] for o in listed)
    detail = client.get(f"/__admin/orders/gvp/{purchase['PurchaseId']}").json()
    assert [t["to"] for t in detail["transitions"]] == ["Pending", "WaitingPayment"]


def test_force_complete_fail_and_processing(client, rich):
    movie = purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True))["PurchaseId"]
    sub = purchase_of(buy(client, rich, 1005, "Subscription", 205, "WebPay", urls=True))["PurchaseId"]
    other = purchase_of(buy(client, rich, 6004, "Movie", 301, "WorldPay", urls=True))["PurchaseId"]
    r = _force(client, movie, "processing")
    assert r.status_code == 200 and r.json()["status"] == "WaitingPayment"
    assert _force(client, movie, "complete").json()["status"] == "Finished"
    assert _force(client, sub, "complete").json()["status"] == "Active"
    assert _force(client, other, "fail").json()["status"] == "Error"
    assert _force(client, other, "complete").status_code == 409
    assert _force(client, movie, "processing").status_code == 409
    assert _force(client, 99999, "complete").status_code == 404
    # the forced completion is real: the movie is owned now
    assert buy(client, rich, 6003, "Movie", 301, "Billing")["StatusCode"] == 23
    # a failed purchase no longer blocks a new one
    assert purchase_of(buy(client, rich, 6004, "Movie", 301, "Billing"))["PurchaseStatus"] == 2


def test_force_complete_confirms_an_operator_cancellation(client, rich):
    from tests.gvp.conftest import SUBS

    client.get(f"{SUBS}/CancelProduct", params={"token": rich, "productId": 1001,
                                               "productTypeId": 4, "pin": "1234"})
    base = next(o for o in client.get("/__admin/orders").json()["orders"]
                if o.get("product_id") == 1001)
    assert base["status"] == "PendingOBCancellation"
    assert _force(client, base["id"], "complete").json()["status"] == "Cancelled"


def test_next_event_is_token_expiry_then_window_opening(client, rich):
    r = client.post("/__admin/clock/advance-to-next-event").json()
    assert r["advanced_seconds"] == 86400 and r["event"]["vendor"] == "gvp"
    assert buy(client, rich, 6008, "Movie", 301, "Billing")["StatusCode"] == 1001
    rich = login(client, "rich")
    assert buy(client, rich, 6008, "Movie", 301, "Billing")["StatusCode"] == 122
    r = client.post("/__admin/clock/advance-to-next-event").json()
    assert r["advanced_seconds"] == 86400  # the new token's expiry comes first
    anchor = client.get("/__admin/gvp/cases").json()["anchor"]
    with client.app.state.runtime.db.read_session() as session:
        later = client.app.state.runtime.vendors["gvp"].next_event_at(
            session, "default", anchor + 2 * 86400)
    assert later == anchor + 7 * 86400  # past the tokens: 6008's window opens
    client.post("/__admin/clock/advance", json={"seconds": 5 * 86400})
    rich = login(client, "rich")
    assert purchase_of(buy(client, rich, 6008, "Movie", 301, "Billing"))["PurchaseStatus"] == 2


def test_fixtures_add_users_and_products_to_a_sandbox(client):
    fixtures = {"gvp": {
        "pricing_models": [{"id": 401, "title": "Promo", "price": 1.5}],
        "products": [{"id": 6100, "type": "Movie", "title": "Extra", "pricingModels": [401]}],
        "users": [{"userName": "eve", "password": "eve123", "ewallet": 2.0, "owns": [1001]}]}}
    r = client.post("/__admin/fixtures", json=fixtures)
    assert r.status_code == 200, r.text
    token = client.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": "eve", "password": "eve123"}).json()["Content"]["Token"]
    bought = purchase_of(buy(client, token, 6100, "Movie", 401, "eWallet"))
    assert bought["Price"] == 1.5
    assert buy(client, token, 6001, "Movie", 301, "eWallet")["StatusCode"] == 87  # 0.50 left
    # reset forgets them
    assert client.post("/__admin/reset").status_code in (200, 204)
    again = client.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": "eve", "password": "eve123"}).json()
    assert again["StatusCode"] == 1010


def test_snapshot_restores_balances_pins_and_purchases(client):
    from tests.gvp.conftest import USERS, call

    frugal = login(client, "frugal")
    purchase_of(buy(client, frugal, 6001, "Movie", 301, "eWallet"))  # 10.00 → 6.01
    assert client.post("/__admin/snapshots", json={"name": "gvp-one"}).status_code == 201
    purchase_of(buy(client, frugal, 6002, "Movie", 301, "eWallet"))  # → 2.02
    call(client, f"{USERS}/ChangePin", token=frugal, pinType=2, pin="1234", newPin="5555")
    assert client.post("/__admin/snapshots/gvp-one/restore").status_code == 200
    frugal = login(client, "frugal")
    assert buy(client, frugal, 6001, "Movie", 301, "eWallet")["StatusCode"] == 23
    # one more 3.99 rental fits again (6.01 left) and the PIN is 1234 again
    assert purchase_of(buy(client, frugal, 6002, "Movie", 301, "eWallet", pin="1234"))
    assert buy(client, frugal, 6003, "Movie", 301, "eWallet")["StatusCode"] == 87


def test_bad_fixtures_name_the_field(client):
    r = client.post("/__admin/fixtures", json={"gvp": {
        "products": [{"id": 6100, "type": "Movie", "title": "X", "pricingModels": [999]}]}})
    assert r.status_code == 422 and "gvp.products.0.pricingModels" in r.text
    r = client.post("/__admin/fixtures", json={"gvp": {"users": [{"userName": "x"}]}})
    assert r.status_code == 422 and "users.0.password" in r.text


SCENARIO = """
name: gvp-test
description: GVP answers for a blocked region and a rate limit
rules:
  - id: de-blocked
    match: {operation: [CreatePurchase]}
    effects:
      region_block: {countries: [DE], message: not sold in Germany}
  - id: two-per-minute
    match: {operation: [GetTime]}
    effects:
      rate_limit: {limit: 2, window_seconds: 60, per: ip}
  - id: unavailable
    match: {operation: [GetUserSubscriptions]}
    effects:
      status: {code: 503}
"""


def test_region_block_and_rate_limit_use_the_envelope(make_client, tmp_path):
    path = tmp_path / "gvp-test.yaml"
    path.write_text(SCENARIO)
    client = make_client(scenarios=[str(path)])
    rich = login(client, "rich")
    german = {"X-Forwarded-For": "203.0.113.7"}
    blocked = client.get("/SubscriptionService.svc/CreatePurchase", headers=german, params={
        "token": rich, "productId": 6001, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "Billing", "pin": "1234"})
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["StatusCode"] == 96 and blocked.json()["StatusMessage"] == "UserCantAcquire"
    assert purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))  # elsewhere: fine
    for _ in range(2):
        assert client.get("/AuthenticationService.svc/GetTime").status_code == 200
    limited = client.get("/AuthenticationService.svc/GetTime")
    assert limited.status_code == 429 and "retry-after" in limited.headers
    assert limited.json()["StatusCode"] == 1014 and limited.json()["Severity"] == 3
    down = client.get("/SubscriptionService.svc/GetUserSubscriptions", params={"token": rich})
    assert down.status_code == 503
    assert down.json()["StatusCode"] == 1 and down.json()["StatusMessage"].startswith("GenericError")


def test_every_purchase_transition_is_reachable_through_the_api(client, rich):
    """The lifecycle coverage report reaches 100 % for gvp.purchase with public calls only."""
    from urllib.parse import parse_qs, urlsplit

    from tests.gvp.conftest import SUBS

    def pay(purchase, decision):
        url = urlsplit(purchase["RedirectUrl"])
        q = parse_qs(url.query)
        client.post(url.path, data={"exp": q["exp"][0], "sig": q["sig"][0], "decision": decision})

    purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))              # → Finished
    pay(purchase_of(buy(client, rich, 1005, "Subscription", 205, "PayPal", urls=True)),
        "approve")                                                              # WP → Active
    pay(purchase_of(buy(client, rich, 6003, "Movie", 301, "PayPal", urls=True)),
        "approve")                                                              # WP → Finished
    pay(purchase_of(buy(client, rich, 6004, "Movie", 301, "PayPal", urls=True)),
        "cancel")                                                               # WP → Cancelled
    failing = purchase_of(buy(client, rich, 6004, "Movie", 301, "WebPay", urls=True))
    _force(client, failing["PurchaseId"], "fail")                               # WP → Error
    purchase_of(buy(client, rich, 1002, "Subscription", 202, "eWallet"))       # → Active
    cancel = {"token": rich, "productTypeId": 4, "pin": "1234"}
    client.get(f"{SUBS}/CancelProduct", params={**cancel, "productId": 1002})  # → Cancelled
    client.get(f"{SUBS}/CancelProduct", params={**cancel, "productId": 1001})  # → PendingOB…
    base = next(o for o in client.get("/__admin/orders").json()["orders"]
                if o.get("product_id") == 1001 and o["user"] == "rich")
    _force(client, base["id"], "complete")                                      # → Cancelled
    report = client.get("/__admin/coverage").json()
    machine = next(m for m in report["machines"] if m["machine"] == "gvp.purchase")
    assert machine["transitions"]["missing"] == [] and machine["states"]["missing"] == []
    assert machine["percent"] == 100.0
