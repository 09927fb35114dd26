"""Signed links and tokens, attacked through a real server: HL download/view links and GVP
payment-page links cannot be forged, altered (asset, order, line, sandbox, expiry) or used
after expiry; HL validation tokens are single-use and bound to their vendor account and
sandbox; a GmodStore cursor only pages the listing it was issued for."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.live_server import live_server

SECRET = "a-deployment-secret"
HL = {"Authorization": "Bearer hl-demo-token"}
HL2 = {"Authorization": "Bearer hl-demo-token-2"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    db = tmp_path_factory.mktemp("links") / "emulator.db"
    settings = Settings(database_url=f"sqlite:///{db}", clock_start=FIXED_START,
                        secret_key=SECRET)
    with live_server(settings) as url:
        yield url


@pytest.fixture
def c(base):
    sandbox = httpx.post(f"{base}/__admin/sandboxes", json={}).json()["id"]
    with httpx.Client(base_url=base, headers={"X-Emulator-Sandbox": sandbox}, timeout=30) as cl:
        yield cl


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def resign(token: str, key: str, purpose: str, **changes) -> str:
    """The token with its payload changed, MACed with `key` (the attacker's guess)."""
    body = json.loads(unb64(token.split(".")[0]))
    body.update(changes)
    encoded = b64(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    mac = hmac.new(key.encode(), f"{purpose}.{encoded}".encode(), hashlib.sha256).digest()
    return f"{encoded}.{b64(mac)}"


def keep_mac(token: str, **changes) -> str:
    """The payload edited, the original MAC kept."""
    body = json.loads(unb64(token.split(".")[0]))
    body.update(changes)
    return b64(json.dumps(body).encode()) + "." + token.split(".")[1]


def completed_links(c, order: int) -> dict[str, str]:
    body = {"asset_id": 1000001, "order_number": order, "order_line_id": 1, "quantity": 1,
            "country_code": "US", "line_item_price": 4.99, "unit_price": 4.99, "customer": "A"}
    assert c.post("/sandbox/purchase/register", headers=HL, json=body).status_code == 201
    line = c.get("/sandbox/purchase/info", headers=HL, params={"order_id": order}).json()[0]
    return {"download": line["download_url"], "view": line["view_url"]}


def path_token(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[1]


def test_hl_links_cannot_be_forged_or_altered(c):
    links = completed_links(c, 1)
    completed_links(c, 2)  # another real line the attacker would like to reach
    for kind, url in links.items():
        token = path_token(url)
        assert c.get(f"/hlconnect/{kind}/{token}").status_code == 200  # the genuine link
        forged = [
            "x" * len(token),
            token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # MAC bit-flipped
            keep_mac(token, order=2), keep_mac(token, line=2), keep_mac(token, acct=2),
            keep_mac(token, sandbox="default"), keep_mac(token, exp=4102444800),
            resign(token, "purchase-emulator-dev-secret", kind, order=2),  # the default key
            resign(token, SECRET, "download" if kind == "view" else "view"),  # other purpose
            resign(token, SECRET, "validation"),
        ]
        for bad in forged:
            r = c.get(f"/hlconnect/{kind}/{bad}")
            assert r.status_code == 403, (kind, bad, r.text)
            assert set(r.json()) == {"name", "message", "code", "status"}


def test_hl_links_expire_and_die_with_the_line(c):
    links = completed_links(c, 3)
    sandbox = c.headers["X-Emulator-Sandbox"]
    assert c.post("/__admin/clock/advance", json={"seconds": 599}).status_code == 200
    assert c.get(urlsplit(links["download"]).path).status_code == 200  # 1 s before expiry
    c.post("/__admin/clock/advance", json={"seconds": 1})
    for url in links.values():
        assert c.get(urlsplit(url).path).status_code == 403
    fresh = c.get("/sandbox/purchase/download-url", headers=HL,
                  params={"order_id": 3, "order_line_id": 1}).json()["url"]
    assert c.get(urlsplit(fresh).path).status_code == 200
    assert c.request("DELETE", "/sandbox/purchase/cancel", headers=HL,
                     params={"order_id": 3, "order_line_id": 1}).status_code == 201
    assert c.get(urlsplit(fresh).path).status_code == 403  # cancelled: no more access
    assert sandbox in json.loads(unb64(path_token(fresh).split(".")[0]))["sandbox"]


def _validate(c, headers=HL) -> str:
    r = c.post("/purchase/validate-purchase-before-payment", headers=headers,
               json={"asset_id": 1000001, "customer_ip": "192.0.2.1", "quantity": 1})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _register(c, token: str, order: int, headers=HL) -> httpx.Response:
    return c.post("/purchase/register", headers=headers, json={
        "token": token, "order_number": order, "order_line_id": 1, "line_item_price": 4.99,
        "unit_price": 4.99, "customer": "A"})


def test_hl_validation_tokens_are_single_use_and_bound(c, base):
    token = _validate(c)
    assert _register(c, _validate(c), 10, headers=HL2).status_code == 422  # account 1's, by 2
    assert _register(c, token, 11).status_code == 201
    again = _register(c, token, 12)  # spent
    assert again.status_code == 422 and "token" in again.json()["message"].lower()
    other = httpx.post(f"{base}/__admin/sandboxes", json={}).json()["id"]
    foreign = _register(c, _validate(c), 13, headers={**HL, "X-Emulator-Sandbox": other})
    assert foreign.status_code == 422  # issued in another sandbox
    for bad in (keep_mac(_validate(c), qty=50), keep_mac(_validate(c), asset=1000006),
                resign(_validate(c), "purchase-emulator-dev-secret", "validation")):
        assert _register(c, bad, 14).status_code == 422
    expiring = _validate(c)
    c.post("/__admin/clock/advance", json={"seconds": 15 * 60})
    assert _register(c, expiring, 15).status_code == 422
    orders = c.get("/__admin/orders", params={"vendor": "hlconnect"}).json()
    assert orders["count"] == 1  # only order 11


def _gvp_redirect(c) -> str:
    token = c.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": "rich", "password": "rich123", "deviceType": 1,
        "instanceId": 1}).json()["Content"]["Token"]
    body = c.get("/SubscriptionService.svc/CreatePurchase", params={
        "token": token, "productId": 6003, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "PayPal", "pin": "1234", "returnURL": "https://shop.example/ok",
        "cancelURL": "https://shop.example/no"}).json()
    return body["Content"]["Content"][0]["RedirectUrl"]


def _decide(c, path: str, exp: str, sig: str) -> httpx.Response:
    return c.post(path, data={"exp": exp, "sig": sig, "decision": "approve"},
                  follow_redirects=False)


def test_gvp_payment_links_cannot_be_forged_altered_or_reused(c, base):
    url = _gvp_redirect(c)
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    prefix, sandbox, purchase = parts.path.rsplit("/", 2)
    other = httpx.post(f"{base}/__admin/sandboxes", json={}).json()["id"]
    altered = [
        (parts.path, q["exp"], "0" * len(q["sig"])),
        (parts.path, str(int(q["exp"]) + 86400), q["sig"]),  # a longer life
        (f"{prefix}/{sandbox}/{int(purchase) + 1}", q["exp"], q["sig"]),  # another purchase
        (f"{prefix}/{other}/{purchase}", q["exp"], q["sig"]),  # another sandbox
        (parts.path, q["exp"], hmac.new(b"purchase-emulator-dev-secret",
                                        f"{sandbox}:{purchase}:{q['exp']}".encode(),
                                        hashlib.sha256).hexdigest()),
    ]
    for path, exp, sig in altered:
        assert c.get(path, params={"exp": exp, "sig": sig}).status_code == 403, path
        assert _decide(c, path, exp, sig).status_code == 403, path
    assert _decide(c, parts.path, q["exp"], q["sig"]).status_code == 303  # the genuine link
    assert _decide(c, parts.path, q["exp"], q["sig"]).status_code == 409  # used


def test_gvp_payment_links_expire(c):
    url = _gvp_redirect(c)
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    c.post("/__admin/clock/advance", json={"seconds": 3601})
    assert c.get(parts.path, params=q).status_code == 410
    assert _decide(c, parts.path, q["exp"], q["sig"]).status_code == 410


def test_gmodstore_cursor_pages_only_its_own_listing(c):
    gms = {"Authorization": "Bearer gms-demo-token"}
    p1 = "/api/v3/products/00000000-0000-4000-a000-000000000001/purchases"
    p2 = "/api/v3/products/00000000-0000-4000-a000-000000000002/purchases"
    for user in ("76561198000000011", "76561198000000012"):
        assert c.post(p1, headers=gms, json={"userId": user}).status_code == 201
    cursor = c.get(p1, headers=gms, params={"perPage": 1}).json()["cursors"]["next"]
    assert c.get(p1, headers=gms, params={"cursor": cursor}).status_code == 200
    for path, params in ((p2, {}), (p1, {"filter[revoked]": "true"})):
        r = c.get(path, headers=gms, params={"cursor": cursor, **params})
        assert r.status_code == 400 and "cursor" in r.json()["errors"], r.text
    r = c.get(p1, headers=gms, params={"cursor": cursor[:-3] + "abc"})
    assert r.status_code == 400 and "cursor" in r.json()["errors"]
