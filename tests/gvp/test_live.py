"""Against a real server: concurrent eWallet purchases never overdraw, and the PayPal redirect
flow works in headless Chromium (Python Playwright)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support import needs
from tests.support.live_server import live_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def server(make_settings):
    with live_server(make_settings()) as base:
        yield base


def _login(base: str, user: str, password: str) -> str:
    r = httpx.get(f"{base}/AuthenticationService.svc/LoginUserPassword",
                  params={"userName": user, "password": password, "deviceType": 1})
    return r.json()["Content"]["Token"]


def _buy(base: str, token: str, product_id: int, payment: str, **extra) -> dict:
    params = {"token": token, "productId": product_id, "productType": "Movie",
              "pricingModelId": 301, "paymentType": payment, "pin": "1234", **extra}
    return httpx.get(f"{base}/SubscriptionService.svc/CreatePurchase", params=params,
                     timeout=30).json()


def test_concurrent_ewallet_purchases_never_overdraw(server):
    token = _login(server, "frugal", "frugal123")  # 10.00: two 3.99 rentals at most
    products = [6001, 6002, 6003, 6004, 6005, 6010]
    with ThreadPoolExecutor(max_workers=len(products)) as pool:
        results = list(pool.map(lambda p: _buy(server, token, p, "eWallet"), products))
    codes = sorted(r["StatusCode"] for r in results)
    assert codes.count(0) == 2, codes
    assert set(codes) - {0} <= {87, 100}, codes  # 6010 takes Billing only
    orders = httpx.get(f"{server}/__admin/orders", params={"vendor": "gvp"}).json()["orders"]
    paid = [o for o in orders if o["user"] == "frugal" and o["payment_type"] == "eWallet"
            and o["status"] == "Finished"]
    assert len(paid) == 2 and sum(o["price"] for o in paid) <= 10.0


def test_paypal_redirect_flow_in_headless_chromium(server):
    chromium, sync_api = needs.browser()
    token = _login(server, "rich", "rich123")
    shop = f"{server}/__admin/health"  # any page the emulator serves stands in for the shop
    purchase = _buy(server, token, 6003, "PayPal", returnURL=f"{shop}?back=ok",
                    cancelURL=f"{shop}?back=cancel")["Content"]["Content"][0]
    second = _buy(server, token, 6004, "WorldPay", returnURL=f"{shop}?back=ok",
                  cancelURL=f"{shop}?back=cancel")["Content"]["Content"][0]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.goto(purchase["RedirectUrl"])
            assert page.locator("#product").inner_text() == "PayPal Pictures"
            assert page.locator("#status").inner_text() == "WaitingPayment"
            page.screenshot(path=str(ARTIFACTS / "gvp-payment-page.png"))
            page.click("#approve")
            page.wait_for_url(f"{shop}?back=ok*")
            landed = parse_qs(urlsplit(page.url).query)
            assert landed["PurchaseId"] == [str(purchase["PurchaseId"])]
            assert landed["PaypalToken"] == [purchase["PaypalToken"]]

            page.goto(second["RedirectUrl"])
            page.click("#cancel")
            page.wait_for_url(f"{shop}?back=cancel*")
        finally:
            browser.close()
    status = {o["id"]: o["status"] for o in
              httpx.get(f"{server}/__admin/orders", params={"vendor": "gvp"}).json()["orders"]}
    assert status[str(purchase["PurchaseId"])] == "Finished"
    assert status[str(second["PurchaseId"])] == "Cancelled"
    again = _buy(server, token, 6003, "Billing")
    assert again["StatusCode"] == 23
