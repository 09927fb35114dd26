"""Tenants never see or touch each other's data: every endpoint is tried with a foreign id,
across vendor accounts (HL account 1 vs 2, GmodStore teams, GVP users) and across emulator
sandboxes, through a real server. Afterwards the owner's data is unchanged."""

from __future__ import annotations

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.live_server import live_server

HL1 = {"Authorization": "Bearer hl-demo-token"}
HL2 = {"Authorization": "Bearer hl-demo-token-2"}
GMS = {"Authorization": "Bearer gms-demo-token"}
RIVAL = {"Authorization": "Bearer gms-other-team-token"}
P1 = "00000000-0000-4000-a000-000000000001"
P_RIVAL = "00000000-0000-4000-a000-000000000101"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    db = tmp_path_factory.mktemp("isolation") / "emulator.db"
    with live_server(Settings(database_url=f"sqlite:///{db}", clock_start=FIXED_START)) as url:
        yield url


def sandbox_client(base: str) -> httpx.Client:
    sandbox = httpx.post(f"{base}/__admin/sandboxes", json={}).json()["id"]
    return httpx.Client(base_url=base, headers={"X-Emulator-Sandbox": sandbox}, timeout=30)


def hl_state(c, prefix: str) -> list:
    r = c.get(f"{prefix}/purchase/info", headers=HL1, params={"order_id": 100})
    return [(x["order_line_id"], x["status"]) for x in r.json()]


def test_hl_accounts_and_sandboxes_are_isolated(base):
    with sandbox_client(base) as a, sandbox_client(base) as b:
        token = a.post("/purchase/validate-purchase-before-payment", headers=HL1, json={
            "asset_id": 1000001, "customer_ip": "192.0.2.1", "quantity": 1}).json()["token"]
        assert a.post("/purchase/register", headers=HL1, json={
            "token": token, "order_number": 100, "order_line_id": 1, "line_item_price": 1.0,
            "unit_price": 1.0, "customer": "A"}).status_code == 201
        assert a.post("/sandbox/purchase/register", headers=HL1, json={
            "asset_id": 1000001, "order_number": 100, "order_line_id": 1, "country_code": "US",
            "quantity": 1, "line_item_price": 1.0, "unit_price": 1.0,
            "customer": "A"}).status_code == 201
        before = {p: hl_state(a, p) for p in ("", "/sandbox")}
        ids = {"order_id": 100, "order_line_id": 1}
        for client, headers in ((a, HL2), (b, HL1)):  # a foreign account; a foreign sandbox
            for prefix in ("", "/sandbox"):
                for method, path, params in (
                        ("GET", "/purchase/info", {"order_id": 100}),
                        ("GET", "/purchase/download-url", ids),
                        ("GET", "/purchase/view-url", ids),
                        ("DELETE", "/purchase/cancel", ids)):
                    r = client.request(method, prefix + path, headers=headers, params=params)
                    assert r.status_code == 404, (method, prefix + path, r.text)
        # account 2 may use the same order number: its own namespace, not a 409
        assert a.post("/sandbox/purchase/register", headers=HL2, json={
            "asset_id": 1000001, "order_number": 100, "order_line_id": 1, "country_code": "US",
            "quantity": 1, "line_item_price": 1.0, "unit_price": 1.0,
            "customer": "B"}).status_code == 201
        assert {p: hl_state(a, p) for p in ("", "/sandbox")} == before
        assert b.get("/__admin/orders").json()["count"] == 0


def test_gmodstore_teams_and_sandboxes_are_isolated(base):
    with sandbox_client(base) as a, sandbox_client(base) as b:
        coll = f"/api/v3/products/{P1}/purchases"
        mine = a.post(coll, headers=GMS, json={"userId": "76561198000000011"}).json()["data"]
        item = f"{coll}/{mine['id']}"
        rival_item = f"/api/v3/products/{P_RIVAL}/purchases/{mine['id']}"
        attempts = [  # (client, method, path, headers, body, expected)
            (a, "GET", coll, RIVAL, None, 403), (a, "GET", item, RIVAL, None, 403),
            (a, "PUT", item, RIVAL, {"revoked": True}, 403),
            (a, "POST", coll, RIVAL, {"userId": "76561198000000012"}, 403),
            (a, "GET", rival_item, RIVAL, None, 404),  # its own product, my purchase id
            (a, "PUT", rival_item, RIVAL, {"revoked": True}, 404),
            (b, "GET", item, GMS, None, 404), (b, "PUT", item, GMS, {"revoked": True}, 404),
        ]
        for client, method, path, headers, body, expected in attempts:
            r = client.request(method, path, headers=headers, json=body)
            assert r.status_code == expected, (method, path, r.text)
            assert set(r.json()) <= {"message", "errors"}
        assert b.get(coll, headers=GMS).json()["data"] == []
        assert a.get(item, headers=GMS).json()["data"] == mine  # unchanged


def gvp_login(c, user: str) -> str:
    return c.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": user, "password": f"{user}123", "deviceType": 1,
        "instanceId": 1}).json()["Content"]["Token"]


def gvp(c, method: str, **params) -> dict:
    r = c.get(f"/SubscriptionService.svc/{method}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_gvp_users_and_sandboxes_are_isolated(base):
    with sandbox_client(base) as a, sandbox_client(base) as b:
        rich = gvp_login(a, "rich")
        waiting = gvp(a, "CreatePurchase", token=rich, productId=1005,
                      productType="Subscription", pricingModelId=205, paymentType="PayPal",
                      pin="1234",
                      returnURL="https://shop.example/ok",
                      cancelURL="https://shop.example/no")["Content"]["Content"][0]
        assert gvp(a, "CreatePurchase", token=rich, productId=1002, productType="Subscription",
                   pricingModelId=203, paymentType="Billing", pin="1234")["StatusCode"] == 0
        before = gvp(a, "GetUserSubscriptions", token=rich)["Content"]

        frugal = gvp_login(a, "frugal")
        cancel = gvp(a, "CancelPurchase", token=frugal, transactionId=waiting["TransactionId"],
                     paypalToken=waiting["PaypalToken"], deviceType=1, instanceID=1)
        assert cancel["StatusCode"] != 0, cancel  # not frugal's purchase
        product = gvp(a, "CancelProduct", token=frugal, productId=1002, productTypeId=4,
                      pin="1234")
        assert product["StatusMessage"] == "UserHasNoRightsToThisProductException", product
        assert {s["ID"] for s in before["List"]} >= {1002}
        theirs = gvp(a, "GetUserSubscriptions", token=frugal)["Content"]["List"]
        assert {s["ID"] for s in theirs}.isdisjoint({1002, 1005})

        for method, params in (  # rich's token in another sandbox is nobody's
                ("GetUserSubscriptions", {}),
                ("CancelPurchase", {"transactionId": waiting["TransactionId"],
                                    "paypalToken": waiting["PaypalToken"]}),
                ("CancelProduct", {"productId": 1002, "productTypeId": 4, "pin": "1234"})):
            assert gvp(b, method, token=rich, **params)["StatusCode"] == 1001, method
        assert b.get(f"/__admin/orders/gvp/{waiting['PurchaseId']}").status_code == 404
        assert gvp(a, "GetUserSubscriptions", token=rich)["Content"] == before  # unchanged
