"""Concurrency against a real `purchase-emulator serve` process: 100 requests released together
by a barrier. Uniqueness holds (one success, the rest the vendor's own conflict), no 5xx, the
eWallet never goes negative, and cancel racing reads never hands out a usable link for a
cancelled line."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from tests.reliability import server

N = 100
HL = {"Authorization": "Bearer hl-demo-token"}
GMS = {"Authorization": "Bearer gms-demo-token"}
GMS_PRODUCT = "00000000-0000-4000-a000-000000000001"
GMS_BUYER = "76561198000000011"
# 100 products at 3.00 and a user with 10.00: each purchase fits the balance alone, 3 fit in all
GVP_FIXTURE = "gvp:\n  pricing_models: [{id: 401, title: Promo, price: 3.0, recurring: false}]\n" \
    "  products:\n" + "".join(
        f"    - {{id: {6100 + i}, type: Movie, title: Extra {i}, pricingModels: [401], "
        "paymentTypes: [Billing, eWallet]}\n" for i in range(N)) + \
    "  users: [{userName: eve, password: eve123, ewallet: 10.0, purchasePin: '1234', " \
    "owns: [1001]}]\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("concurrency")
    (tmp / "gvp.yaml").write_text(GVP_FIXTURE)
    srv = server.start(tmp, "--fixtures", str(tmp / "gvp.yaml"),
                       env={"EMULATOR_GMODSTORE__RATE_LIMIT": "100000"})
    yield srv
    server.stop(srv)


@pytest.fixture
def sandbox(served) -> dict:
    """A fresh sandbox per test: its own orders, balances, tokens."""
    r = httpx.post(f"{served.base}/__admin/sandboxes", json={})
    assert r.status_code == 201, r.text
    return {"X-Emulator-Sandbox": r.json()["id"]}


def together(n: int, call) -> list:
    """Run call(i) for i in range(n) on n threads released at once by a barrier."""
    barrier = threading.Barrier(n)

    def one(i):
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def http(base: str, headers: dict) -> httpx.Client:
    return httpx.Client(base_url=base, headers=headers, timeout=60,
                        limits=httpx.Limits(max_connections=N, max_keepalive_connections=N))


def test_hl_identical_registers_one_201_and_99_conflicts(served, sandbox):
    body = {"asset_id": 1000001, "order_number": 77, "order_line_id": 1, "country_code": "US",
            "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "Ada"}
    with http(served.base, {**HL, **sandbox}) as c:
        responses = together(N, lambda _: c.post("/sandbox/purchase/register", json=body))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * (N - 1), statuses
        assert all(r.json() == {"name": "Conflict", "message": r.json()["message"],
                                "code": 409, "status": 409} for r in responses if r.status_code == 409)
        orders = c.get("/__admin/orders", params={"vendor": "hlconnect"}).json()
    assert orders["count"] == 1


def test_gmodstore_duplicate_purchases_one_success(served, sandbox):
    url = f"/api/v3/products/{GMS_PRODUCT}/purchases"
    with http(served.base, {**GMS, **sandbox}) as c:
        responses = together(N, lambda _: c.post(url, json={"userId": GMS_BUYER}))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [400] * (N - 1), statuses
        for r in responses:
            if r.status_code == 400:
                assert "already has an active" in r.json()["errors"]["userId"][0]
        listed = c.get(url, params={"filter[userId]": GMS_BUYER}).json()["data"]
    assert len(listed) == 1 and listed[0]["revoked"] is False


def _gvp_login(c: httpx.Client, user: str, password: str) -> str:
    r = c.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": user, "password": password, "deviceType": 1, "instanceId": 1,
        "deviceId": "concurrency"})
    assert r.json()["StatusCode"] == 0, r.text
    return r.json()["Content"]["Token"]


def _gvp_buy(c, token, product, payment, pm=301):
    r = c.get("/SubscriptionService.svc/CreatePurchase", params={
        "token": token, "productId": product, "productType": "Movie", "pricingModelId": pm,
        "paymentType": payment, "pin": "1234"})
    assert r.status_code == 200, r.text
    return r.json()


def test_gvp_double_purchase_one_success_then_already_has_product(served, sandbox):
    with http(served.base, sandbox) as c:
        token = _gvp_login(c, "rich", "rich123")
        bodies = together(N, lambda _: _gvp_buy(c, token, 6001, "Billing"))
        codes = sorted(b["StatusCode"] for b in bodies)
        assert codes == [0] + [23] * (N - 1), codes
        assert {b["StatusMessage"] for b in bodies if b["StatusCode"]} == {"UserAlreadyHasProduct"}
        assert _gvp_buy(c, token, 6001, "Billing")["StatusCode"] == 23


def test_gvp_ewallet_never_negative(served, sandbox):
    with http(served.base, sandbox) as c:
        token = _gvp_login(c, "eve", "eve123")
        bodies = together(N, lambda i: _gvp_buy(c, token, 6100 + i, "eWallet", pm=401))
    codes = [b["StatusCode"] for b in bodies]
    assert sorted(codes) == [0] * 3 + [87] * (N - 3), sorted(codes)
    with sqlite3.connect(served.db_path) as db:
        (cents,) = db.execute("SELECT ewallet_cents FROM gvp_user_state WHERE sandbox = ? AND "
                              "user_name = 'eve'", (sandbox["X-Emulator-Sandbox"],)).fetchone()
        (bought,) = db.execute("SELECT COUNT(*) FROM gvp_purchase WHERE sandbox = ? AND "
                               "product_id >= 6100",
                               (sandbox["X-Emulator-Sandbox"],)).fetchone()
    assert cents == 100 and bought == 3  # 10.00 − 3 × 3.00, and no purchase without a debit


def test_cancel_racing_reads_never_leaves_a_usable_link(served, sandbox):
    """Per line: one cancel and 9 readers (info, download-url, view-url) at once. Exactly one
    cancel wins; no read that started after the cancel answered carries a URL; and every URL
    handed out during the race is refused (403) once the line is cancelled."""
    lines = 10
    with http(served.base, {**HL, **sandbox}) as c:
        for order in range(1, lines + 1):
            body = {"asset_id": 1000001, "order_number": order, "order_line_id": 1,
                    "country_code": "US", "quantity": 1, "line_item_price": 4.99,
                    "unit_price": 4.99, "customer": "Ada"}
            assert c.post("/sandbox/purchase/register", json=body).status_code == 201
            assert c.get("/sandbox/purchase/info", params={"order_id": order}).status_code == 200
        tasks = [(order, k) for order in range(1, lines + 1) for k in range(10)]

        def act(i):
            order, k = tasks[i]
            params = {"order_id": order, "order_line_id": 1}
            started = time.monotonic()
            if k == 0:
                r = c.request("DELETE", "/sandbox/purchase/cancel", params=params)
            elif k % 3 == 1:
                r = c.get("/sandbox/purchase/info", params={"order_id": order})
            else:
                r = c.get(f"/sandbox/purchase/{'download' if k % 3 == 2 else 'view'}-url",
                          params=params)
            return order, k, started, time.monotonic(), r

        results = together(len(tasks), act)
        urls = []
        for order in range(1, lines + 1):
            mine = [x for x in results if x[0] == order]
            cancel = next(x for x in mine if x[1] == 0)
            assert cancel[4].status_code == 201, cancel[4].text
            for _, _, started, _, r in mine:
                assert r.status_code < 500, r.text
                found = _urls(r)
                if started > cancel[3]:  # began after the cancel was answered
                    assert not found, (order, r.text)
                urls.extend(found)
            info = c.get("/sandbox/purchase/info", params={"order_id": order}).json()
            assert [(x["status"], x.get("download_url"), x.get("view_url")) for x in info] \
                == [("CANCELLED", None, None)], info
            second = c.request("DELETE", "/sandbox/purchase/cancel",
                               params={"order_id": order, "order_line_id": 1})
            assert second.status_code == 400
        for url in urls:
            assert c.get(urlsplit(url).path).status_code == 403, url


def _urls(r: httpx.Response) -> list[str]:
    if r.status_code != 200:
        return []
    body = r.json()
    if isinstance(body, dict):
        return [body["url"]] if body.get("url") else []
    return [u for item in body for u in (item.get("download_url"), item.get("view_url")) if u]
