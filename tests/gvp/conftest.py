"""GVP helpers: log in as a seeded user and call UNIAPI methods through HTTP."""

from __future__ import annotations

import pytest

AUTH = "/AuthenticationService.svc"
SUBS = "/SubscriptionService.svc"
USERS = "/UserService.svc"
PASSWORDS = {"rich": "rich123", "broke": "broke123", "frugal": "frugal123",
             "pending": "pending123", "nosub": "nosub123", "kid": "kid123"}


def login(client, user: str | None, device_type: int = 1, **headers) -> str:
    if user is None:
        r = client.get(f"{AUTH}/LoginAnonymous", params={"deviceType": device_type,
                                                         "instanceId": 1}, headers=headers)
    else:
        r = client.get(f"{AUTH}/LoginUserPassword", headers=headers, params={
            "userName": user, "password": PASSWORDS[user], "deviceType": device_type,
            "instanceId": 1, "deviceId": "test-device"})
    body = r.json()
    assert r.status_code == 200 and body["StatusCode"] == 0, body
    return body["Content"]["Token"]


def call(client, path: str, **params):
    headers = params.pop("headers", {})
    r = client.get(path, params=params, headers=headers)
    assert r.headers["content-type"].startswith("application/json"), r.text
    return r


def buy(client, token: str, product_id: int, product_type: str, pm: int, payment: str,
        pin: str = "1234", urls: bool = False, **extra) -> dict:
    params = {"token": token, "productId": product_id, "productType": product_type,
              "pricingModelId": pm, "paymentType": payment, "pin": pin, **extra}
    if urls:
        params.setdefault("returnURL", "https://shop.example/return")
        params.setdefault("cancelURL", "https://shop.example/cancel")
    return call(client, f"{SUBS}/CreatePurchase", **params).json()


def purchase_of(body: dict) -> dict:
    assert body["StatusCode"] == 0, body
    wrapper = body["Content"]
    assert wrapper["Count"] == 1 and len(wrapper["Content"]) == 1
    return wrapper["Content"][0]


@pytest.fixture
def rich(client) -> str:
    return login(client, "rich")
