"""Helpers for HL Connect tests: tokens, a validated sale, a registered order."""

from __future__ import annotations

AUTH = {"Authorization": "Bearer hl-demo-token"}
AUTH2 = {"Authorization": "Bearer hl-demo-token-2"}
DISABLED = {"Authorization": "Bearer hl-disabled-token"}
US_IP, GB_IP, DE_IP = "192.0.2.10", "198.51.100.7", "203.0.113.99"


def validate(client, asset_id=1000001, ip=US_IP, quantity=1, headers=AUTH):
    return client.post("/purchase/validate-purchase-before-payment", headers=headers,
                       json={"asset_id": asset_id, "customer_ip": ip, "quantity": quantity})


def register_body(token, order=1001, line=1, customer="Ada Lovelace", **extra):
    return {"token": token, "order_number": order, "order_line_id": line,
            "line_item_price": 4.99, "unit_price": 4.99, "customer": customer, **extra}


def buy(client, asset_id=1000001, order=1001, line=1, quantity=1, headers=AUTH, **extra):
    """Validate then register (live flavour); returns the register response."""
    r = validate(client, asset_id, quantity=quantity, headers=headers)
    assert r.status_code == 200, r.text
    return client.post("/purchase/register", headers=headers,
                       json=register_body(r.json()["token"], order, line, **extra))


def sandbox_body(asset_id=1000001, order=2001, line=1, country="US", quantity=1, **extra):
    return {"asset_id": asset_id, "order_number": order, "order_line_id": line,
            "country_code": country, "quantity": quantity, "line_item_price": 4.99,
            "unit_price": 4.99, "customer": "Grace Hopper", **extra}


def info(client, order=1001, headers=AUTH, prefix=""):
    return client.get(f"{prefix}/purchase/info", params={"order_id": order}, headers=headers)


def assert_error(response, status: int, fragment: str = "") -> dict:
    """An ErrorResponse with this status whose message mentions `fragment`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"name", "message", "code", "status"}, body
    assert body["status"] == status and body["code"] == status
    assert fragment.lower() in body["message"].lower(), body["message"]
    return body




def plain_asset(client, prefix="") -> int:
    """A generated (non-test) asset sellable anywhere in quantity 1: default fulfilment."""
    assets = client.get(f"{prefix}/assets/list?page_size=50", headers=AUTH).json()["assets"]
    return next(a["asset_id"] for a in assets if a["world"] and a["min_qty"] == 1)
