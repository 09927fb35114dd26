"""Sessions, wire conventions, PIN methods, CancelProduct and GetUserSubscriptions."""

from __future__ import annotations

import pytest

from tests.gvp.conftest import AUTH, SUBS, USERS, buy, call, login, purchase_of

OK = {"StatusCode": 0, "Severity": 1, "StatusMessage": "OK", "Content": True}


# -- sessions ------------------------------------------------------------------------------
def test_login_tokens_and_expiry(client, clock):
    anon = call(client, f"{AUTH}/LoginAnonymous", deviceType=1, instanceId=1).json()["Content"]
    assert anon["Token"].startswith("AN_")
    assert anon["Expiration"] == int(clock.time()) + 86400
    logged = login(client, "rich")
    assert logged.startswith("AU_")
    clock.advance(86399)
    renewed = call(client, f"{AUTH}/Renew", token=logged).json()
    assert renewed["StatusCode"] == 0 and renewed["Content"]["Token"].startswith("AU_")
    assert renewed["Content"]["Expiration"] == int(clock.time()) + 86400
    clock.advance(1)
    expired = buy(client, logged, 6001, "Movie", 301, "Billing")
    assert expired["StatusCode"] == 1001 and expired["StatusMessage"] == "InvalidTokenException"
    assert call(client, f"{AUTH}/Renew", token=logged).json()["StatusCode"] == 1001
    # the renewed token still works
    assert purchase_of(buy(client, renewed["Content"]["Token"], 6001, "Movie", 301, "Billing"))


def test_token_lifetime_is_a_setting(make_client):
    client = make_client(gvp={"token_ttl_seconds": 60})
    clock = client.app.state.runtime.clocks.get("default")
    token = login(client, "rich")
    clock.advance(61)
    assert buy(client, token, 6001, "Movie", 301, "Billing")["StatusCode"] == 1001


def test_unknown_user_or_password_or_instance(client):
    for params in ({"userName": "rich", "password": "nope"}, {"userName": "ghost", "password": "x"},
                   {"userName": "rich", "password": "rich123", "instanceId": 2}):
        body = call(client, f"{AUTH}/LoginUserPassword", **params).json()
        assert body["StatusCode"] == 1010 and body["StatusMessage"] == "InvalidUserException"


def test_missing_or_unknown_token(client):
    assert call(client, f"{SUBS}/GetUserSubscriptions").json()["StatusCode"] == 1001
    assert call(client, f"{SUBS}/GetUserSubscriptions", token="AU_nope").json()["StatusCode"] == 1001


def test_tokens_are_per_sandbox(client):
    assert client.post("/__admin/sandboxes", json={"id": "other"}).status_code == 201
    token = login(client, "rich")
    other = call(client, f"{SUBS}/GetUserSubscriptions", token=token,
                 headers={"X-Emulator-Sandbox": "other"}).json()
    assert other["StatusCode"] == 1001


# -- wire conventions -------------------------------------------------------------------------
def test_parameters_are_case_insensitive_and_any_svc_prefix_works(client):
    r = client.get("/WhateverService.svc/loginuserpassword",
                   params={"USERNAME": "rich", "Password": "rich123", "devicetype": 1})
    body = r.json()
    assert r.status_code == 200 and body["StatusCode"] == 0
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    token = body["Content"]["Token"]
    r = client.get("/MovieService.svc/CREATEPURCHASE", params={
        "TOKEN": token, "productid": 6001, "PRODUCTTYPE": "6", "pricingmodelid": 301,
        "paymenttype": "1", "PIN": "1234"})
    assert purchase_of(r.json())["ProductId"] == 6001


def test_post_form_body_is_merged_over_the_query(client):
    r = client.post(f"{AUTH}/LoginUserPassword?userName=rich&password=wrong",
                    data={"password": "rich123", "deviceType": "1"})
    assert r.json()["StatusCode"] == 0


def test_enums_accept_names_and_numbers(client, rich):
    assert purchase_of(buy(client, rich, 6001, 6, 301, 1))["PaymentType"] == 1
    assert purchase_of(buy(client, rich, 6002, "movie", 301, "ewallet"))["PaymentType"] == 3
    assert buy(client, rich, 6003, "Movie", 301, 42)["StatusCode"] == 100  # not a PaymentType


def test_bad_values_get_the_envelope_not_a_500(client, rich):
    body = buy(client, rich, "abc", "Movie", 301, "Billing")
    assert body["StatusCode"] == 1011
    assert "productId" in body["StatusMessage"]
    big = buy(client, rich, 99999999999, "Movie", 301, "Billing")
    assert big["StatusCode"] == 1011


def test_error_detail_header_cannot_be_injected(client, rich):
    r = client.get(f"{SUBS}/CreatePurchase", params={"token": rich, "productId": "1\r\nX-Evil: 1é"})
    assert r.json()["StatusCode"] == 1011
    assert "x-evil" not in r.headers
    assert r.headers["x-emulator-detail"].startswith("parameter 'productId' must be an integer")
    assert "\r" not in r.headers["x-emulator-detail"]


def test_unknown_method_and_wrong_http_method(client):
    r = client.get(f"{SUBS}/NoSuchMethod")
    assert r.status_code == 404 and r.json()["StatusCode"] == 1012
    assert r.json()["Severity"] == 3
    r = client.delete(f"{SUBS}/CreatePurchase")
    assert r.status_code == 405 and r.json()["StatusCode"] == 1013
    r = client.get("/SubscriptionService.svc/")
    assert r.status_code == 404 and r.json()["StatusCode"] == 1012


def test_admin_paths_are_not_claimed(client):
    runtime = client.app.state.runtime
    gvp, match = runtime.vendors["gvp"], runtime.operations.match
    assert match("GET", "/__admin/gvp/cases") is None
    assert not gvp.owns("/__admin/gvp/cases")
    path = runtime.route_path("/AnyService.svc/createpurchase")
    assert match("GET", path).operation_id == "CreatePurchase"
    assert match("POST", runtime.route_path("/x.svc/GetTime")).operation_id == "GetTime"


# -- PINs ---------------------------------------------------------------------------------------
def test_check_change_and_disable_purchase_pin(client, rich):
    assert call(client, f"{USERS}/CheckPin", token=rich, pinType="Purchase", pin="1234").json() == OK
    wrong = call(client, f"{USERS}/CheckPin", token=rich, pinType=2, pin="0000").json()
    assert wrong["StatusCode"] == 62
    bad = call(client, f"{USERS}/ChangePin", token=rich, pinType=2, pin="1234", newPin="12a4").json()
    assert bad["StatusMessage"] == "InvalidCharPinException"
    assert call(client, f"{USERS}/ChangePin", token=rich, pinType=2, pin="1234",
                newPin="4321").json() == OK
    assert buy(client, rich, 6001, "Movie", 301, "Billing", pin="1234")["StatusCode"] == 62
    assert purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing", pin="4321"))
    assert call(client, f"{USERS}/DisablePin", token=rich, pinType=2, pin="4321").json() == OK
    again = call(client, f"{USERS}/DisablePin", token=rich, pinType=2, pin="4321").json()
    assert again["StatusMessage"] == "UserPinIsAlreadyDisabledException"
    disabled = call(client, f"{USERS}/CheckPin", token=rich, pinType=2, pin="4321").json()
    assert disabled["StatusMessage"] == "UserPinIsDisabledException"
    # a disabled purchase PIN is not checked (but an empty one still is)
    assert purchase_of(buy(client, rich, 6002, "Movie", 301, "Billing", pin="9999"))
    assert call(client, f"{USERS}/EnablePin", token=rich, pinType=2, pin="4321").json() == OK
    assert buy(client, rich, 6003, "Movie", 301, "Billing", pin="9999")["StatusCode"] == 62


def test_parental_pin_not_registered_then_enabled(client):
    kid = login(client, "kid")
    missing = call(client, f"{USERS}/CheckPin", token=kid, pinType="Parental", pin="0000").json()
    assert missing["StatusMessage"] == "UserPinNotRegisteredException"
    bad = call(client, f"{USERS}/EnablePin", token=kid, pinType="Parental", pin="12").json()
    assert bad["StatusMessage"] == "InvalidCharPinException"
    assert call(client, f"{USERS}/EnablePin", token=kid, pinType="Parental", pin="2468").json() == OK
    wrong = call(client, f"{USERS}/CheckPin", token=kid, pinType=1, pin="1111").json()
    assert wrong["StatusMessage"] == "UserParentalPinValueNoMatchException"
    assert call(client, f"{USERS}/CheckPin", token=kid, pinType=1, pin="2468").json() == OK


def test_pin_methods_need_a_logged_user_and_a_pin_type(client, rich):
    anon = call(client, f"{AUTH}/LoginAnonymous").json()["Content"]["Token"]
    assert call(client, f"{USERS}/CheckPin", token=anon, pinType=2, pin="1").json()["StatusCode"] == 30
    body = call(client, f"{USERS}/CheckPin", token=rich, pinType=9, pin="1234").json()
    assert body["StatusMessage"] == "InvalidPinTypeException"


def test_pins_are_per_sandbox(client, rich):
    assert client.post("/__admin/sandboxes", json={"id": "sbx-b"}).status_code == 201
    call(client, f"{USERS}/ChangePin", token=rich, pinType=2, pin="1234", newPin="7777")
    other = login(client, "rich", **{"X-Emulator-Sandbox": "sbx-b"})
    body = call(client, f"{USERS}/CheckPin", token=other, pinType=2, pin="1234",
                headers={"X-Emulator-Sandbox": "sbx-b"}).json()
    assert body == OK


# -- CancelProduct and GetUserSubscriptions ------------------------------------------------
def test_cancel_product(client, rich):
    def cancel(product_id, pin="1234"):
        return call(client, f"{SUBS}/CancelProduct", token=rich, productId=product_id,
                    productTypeId=4, pin=pin).json()

    assert cancel(1002)["StatusMessage"] == "UserHasNoRightsToThisProductException"
    assert cancel(4242)["StatusMessage"] == "PurchaseNotFoundException"
    assert cancel(1001, pin="0000")["StatusCode"] == 62
    # Billing → the operator must confirm (PendingOBCancellation, 7)
    first = cancel(1001)
    assert first["StatusCode"] == 0 and first["Content"]["CanWatch"]["PurchaseStatus"] == 7
    assert cancel(1001)["StatusMessage"] == "PurchaseAlreadyInPendingOBCancellationException"
    # eWallet → cancelled at once (4)
    purchase_of(buy(client, rich, 1002, "Subscription", 202, "eWallet"))
    assert cancel(1002)["Content"]["CanWatch"]["PurchaseStatus"] == 4
    assert cancel(1002)["StatusMessage"] == "PurchaseAlreadyCancelledException"
    # a one-off right cannot be cancelled
    purchase_of(buy(client, rich, 1005, "Subscription", 205, "Billing"))
    assert cancel(1005)["StatusMessage"] == "NonRenewableUserRightException"


def test_get_user_subscriptions_pages_and_filters(client, rich):
    purchase_of(buy(client, rich, 1002, "Subscription", 202, "Billing"))
    purchase_of(buy(client, rich, 1005, "Subscription", 205, "Billing"))
    page = call(client, f"{SUBS}/GetUserSubscriptions", token=rich).json()["Content"]
    assert (page["Offset"], page["Limit"], page["Count"]) == (0, 100, 3)
    assert [s["ID"] for s in page["List"]] == [1001, 1002, 1005]
    second = call(client, f"{SUBS}/GetUserSubscriptions", token=rich, offset=1, limit=1).json()
    assert second["Content"]["Count"] == 1 and second["Content"]["List"][0]["ID"] == 1002
    movies_not_listed = purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))
    assert movies_not_listed["ProductType"] == 6
    again = call(client, f"{SUBS}/GetUserSubscriptions", token=rich).json()["Content"]
    assert again["Count"] == 3
    neg = call(client, f"{SUBS}/GetUserSubscriptions", token=rich, offset=-1).json()
    assert neg["StatusCode"] == 1011


def test_count_can_mean_total(make_client):
    client = make_client(gvp={"count_semantics": "total"})
    rich = login(client, "rich")
    purchase_of(buy(client, rich, 1002, "Subscription", 202, "Billing"))
    body = call(client, f"{SUBS}/GetUserSubscriptions", token=rich, limit=1).json()["Content"]
    assert body["Count"] == 2 and len(body["List"]) == 1


@pytest.mark.parametrize("anonymous_method", ["GetUserSubscriptions", "CancelProduct",
                                              "CancelPurchase", "CreatePurchaseStb"])
def test_logged_only_methods(client, anonymous_method):
    anon = call(client, f"{AUTH}/LoginAnonymous").json()["Content"]["Token"]
    assert call(client, f"{SUBS}/{anonymous_method}", token=anon).json()["StatusCode"] == 30
