"""The control plane end to end with the real vendors: HL Connect orders through the admin API
(list, force, advance), snapshots and sandboxes carrying vendor state, and the admin token
never working as a vendor credential."""

from __future__ import annotations

import pytest

HL = {"Authorization": "Bearer hl-demo-token"}


def sb(sandbox_id: str) -> dict:
    return {"X-Emulator-Sandbox": sandbox_id}


def register(client, order: int, asset_id: int = 1000001, headers=None) -> None:
    headers = {**HL, **(headers or {})}
    check = client.post("/purchase/validate-purchase-before-payment", headers=headers,
                        json={"asset_id": asset_id, "customer_ip": "192.0.2.10", "quantity": 1})
    assert check.status_code == 200, check.text
    r = client.post("/purchase/register", headers=headers, json={
        "token": check.json()["token"], "order_number": order, "order_line_id": 1,
        "unit_price": 4.99, "line_item_price": 4.99, "customer": "Ada Lovelace"})
    assert r.status_code == 201, r.text


def info(client, order: int, headers=None):
    return client.get("/purchase/info", params={"order_id": order}, headers={**HL, **(headers or {})})


def test_hl_register_then_admin_force_then_purchase_info(client):
    register(client, 11, asset_id=1000003)  # stays PROCESSING by itself
    listed = client.get("/__admin/orders", params={"vendor": "hlconnect"}).json()
    assert [(o["id"], o["status"]) for o in listed["orders"]] == [("production-1-11-1", "PROCESSING")]
    assert info(client, 11).status_code == 202
    r = client.post("/__admin/orders/hlconnect/production-1-11-1/force", json={"action": "complete"})
    assert r.status_code == 200 and r.json()["status"] == "COMPLETED"
    assert [t["to"] for t in r.json()["transitions"]] == ["PROCESSING", "COMPLETED"]
    body = info(client, 11)
    assert body.status_code == 200 and body.json()[0]["status"] == "COMPLETED"
    # forcing a finished line again is a conflict, in plain JSON
    r = client.post("/__admin/orders/hlconnect/production-1-11-1/force", json={"action": "fail"})
    assert r.status_code == 409 and "COMPLETED" in r.json()["detail"]


def test_hl_time_based_fulfilment_with_advance_to_next_event(client):
    client.post("/__admin/fixtures", json={"hlconnect": {"orders": [{
        "order_number": 12, "order_line_id": 1, "asset_id": 1000001,
        "progression": {"kind": "after_seconds", "seconds": 600}}]}})
    clock = client.get("/__admin/clock").json()
    assert clock["next_event"]["vendor"] == "hlconnect"
    assert clock["next_event"]["at"] == "2026-01-01T00:10:00Z"
    assert info(client, 12).status_code == 202
    r = client.post("/__admin/clock/advance-to-next-event")
    assert r.json()["advanced_seconds"] == 600 and r.json()["event"]["vendor"] == "hlconnect"
    assert info(client, 12).json()[0]["status"] == "COMPLETED"
    coverage = client.get("/__admin/coverage").json()
    hl = next(m for m in coverage["machines"] if m["machine"] == "hlconnect.order_line")
    assert {"from": "PROCESSING", "to": "COMPLETED", "count": 1} in hl["transitions"]["exercised"]
    assert {"from": "PROCESSING", "to": "FAILED"} in hl["transitions"]["missing"]


def test_vendor_state_travels_with_snapshots_and_stays_in_its_sandbox(client):
    register(client, 21)
    client.post("/__admin/snapshots", json={"name": "one-hl-order"})
    sid = client.post("/__admin/sandboxes", json={"from": "one-hl-order"}).json()["id"]
    assert info(client, 21, sb(sid)).json()[0]["status"] == "COMPLETED"
    register(client, 22, headers=sb(sid))
    assert info(client, 22).status_code == 404  # not in the default sandbox
    client.post("/__admin/reset", headers=sb(sid))
    assert info(client, 21, sb(sid)).status_code == 404
    assert info(client, 21).status_code == 200  # the default sandbox never moved
    r = client.post("/__admin/requests/verify", json={
        "vendor": "hlconnect", "operation": "connector_purchase_register",
        "body": {"order_number": 21}, "count": 1})
    assert r.json()["ok"] is True, r.json()["message"]


def test_unknown_sandbox_on_a_vendor_path_is_the_vendors_404(client):
    r = client.get("/assets/list", headers={**HL, **sb("nobody")})
    assert r.status_code == 404
    assert r.json() == {"name": "Not Found", "status": 404, "code": 404, "message":
                        "unknown sandbox 'nobody': create it with POST /__admin/sandboxes"}
    r = client.get("/api/v3/products/p/purchases", headers=sb("nobody"))
    assert r.status_code == 404
    assert r.json() == {"message": "unknown sandbox 'nobody': create it with POST /__admin/sandboxes"}


@pytest.fixture
def locked(make_client):
    return make_client(admin_token="the-admin-token")


def test_the_admin_token_is_never_a_vendor_credential(locked):
    admin = {"Authorization": "Bearer the-admin-token", "X-Emulator-Admin-Token": "the-admin-token"}
    r = locked.get("/assets/list", headers=admin)
    assert r.status_code == 401 and r.json()["name"] == "Unauthorized"  # HL's own envelope
    r = locked.get("/api/v3/products/x/purchases", headers=admin)
    assert r.status_code == 401 and "message" in r.json()  # GmodStore's
    r = locked.get("/SubscriptionService.svc/CreatePurchase", headers=admin, params={
        "token": "the-admin-token", "productId": 1, "productType": "Subscription",
        "pricingModelId": 1, "paymentType": "Card"})
    assert r.json()["StatusCode"] != 0  # GVP refuses it in its own envelope
    assert locked.get("/__admin/orders", headers=admin).status_code == 200


def test_orders_of_every_vendor_list_together_newest_first(client, clock):
    from tests.gvp.conftest import buy, login, purchase_of

    register(client, 31)
    clock.advance(60)
    gvp = purchase_of(buy(client, login(client, "rich"), 6003, "Movie", 301, "PayPal", urls=True))
    clock.advance(60)
    gms = client.post("/api/v3/products/" + _gms_product(client) + "/purchases",
                      json={"userId": _gms_buyer()}, headers={"Authorization": "Bearer gms-demo-token"})
    assert gms.status_code == 201, gms.text
    listed = client.get("/__admin/orders").json()["orders"]
    # GVP reports ISO instants, the others clock seconds: sorted on the same time line
    assert list(dict.fromkeys(o["vendor"] for o in listed)) == ["gmodstore", "gvp", "hlconnect"]
    assert str(gvp["PurchaseId"]) in [o["id"] for o in listed if o["vendor"] == "gvp"]
    assert {o["vendor"] for o in client.get("/__admin/orders?vendor=gvp").json()["orders"]} == {
        "gvp"}


def _gms_product(client) -> str:
    from emulator.vendors.gmodstore.settings import DEMO_PRODUCT_ID

    return DEMO_PRODUCT_ID


def _gms_buyer() -> str:
    from emulator.vendors.gmodstore.settings import DEMO_BUYER_IDS

    return DEMO_BUYER_IDS[0]
