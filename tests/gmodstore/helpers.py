"""Helpers for GmodStore tests: tokens, demo ids, small request wrappers."""

from __future__ import annotations

from emulator.vendors.gmodstore.settings import (
    DEMO_BUYER_IDS,
    DEMO_OWNER_ID,
    DEMO_PRODUCT_2_ID,
    DEMO_PRODUCT_ID,
    OTHER_TEAM_PRODUCT_ID,
)

DEMO = {"Authorization": "Bearer gms-demo-token"}
READ = {"Authorization": "Bearer gms-read-token"}
OTHER = {"Authorization": "Bearer gms-other-team-token"}
PRODUCT, PRODUCT_2, OTHER_PRODUCT = DEMO_PRODUCT_ID, DEMO_PRODUCT_2_ID, OTHER_TEAM_PRODUCT_ID
BUYERS = DEMO_BUYER_IDS
OWNER = DEMO_OWNER_ID
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def purchases_url(product: str = PRODUCT) -> str:
    return f"/api/v3/products/{product}/purchases"


def purchase_url(purchase: str, product: str = PRODUCT) -> str:
    return f"/api/v3/products/{product}/purchases/{purchase}"


def create(client, user: str = BUYERS[0], product: str = PRODUCT, headers=DEMO):
    return client.post(purchases_url(product), json={"userId": user}, headers=headers)


def created(client, user: str = BUYERS[0], product: str = PRODUCT) -> dict:
    r = create(client, user, product)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def assert_error(response, status: int, fragment: str = "", field: str | None = None) -> dict:
    """A GmodStore error: the status, {"message"} (plus "errors" for fields), rate headers."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"], body
    assert set(body) <= {"message", "errors"}, body
    assert fragment.lower() in body["message"].lower(), body
    if field is not None:
        assert field in body["errors"], body
        assert all(isinstance(p, str) for p in body["errors"][field])
    for name in RATE_HEADERS:
        assert name in response.headers, (name, dict(response.headers))
    return body
