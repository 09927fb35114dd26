"""The dashboard end to end in Debian's headless Chromium (Playwright): load it, click
"advance", watch an order complete, force another, flip a scenario; screenshot saved."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from emulator.settings import settings_class
from emulator.vendors.registry import vendor_classes
from tests.conftest import FIXED_START
from tests.control.conftest import TOY_AUTH
from tests.control.toy import Toy
from tests.support import needs
from tests.support.live_server import live_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_TOKEN = "dash-token-1"
ADMIN = {"X-Emulator-Admin-Token": ADMIN_TOKEN}


@pytest.fixture
def server(tmp_path):
    # the real vendors plus the toy one (whose admin view progresses with the clock)
    settings = settings_class({**vendor_classes(), "toy": Toy})(
        database_url=f"sqlite:///{tmp_path / 'ui.db'}", clock_start=FIXED_START,
        admin_token=ADMIN_TOKEN)
    with live_server(settings) as base:
        yield base


def test_dashboard_advance_completes_an_order(server):
    chromium, sync_api = needs.browser()

    http = httpx.Client(base_url=server, timeout=10)
    assert http.post("/toy/orders", json={"item": "lantern", "seconds": 60},
                     headers=TOY_AUTH).status_code == 201
    r = http.post("/__admin/fixtures", headers=ADMIN, json={"hlconnect": {"orders": [
        {"order_number": 7001, "order_line_id": 1, "asset_id": 1000003,
         "customer": "Ada Lovelace"},
        {"order_number": 7002, "order_line_id": 1, "asset_id": 1000001,
         "customer": "Grace Hopper", "progression": {"kind": "after_seconds", "seconds": 60}}]}})
    assert r.status_code == 200, r.text
    hl_line = "hlconnect/production-1-7001-1"

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        # without the token the API refuses the page's calls; the login link sets the cookie
        page.goto(f"{server}/__admin/ui?token={ADMIN_TOKEN}")
        assert page.url == f"{server}/__admin/ui"
        toy_status = page.locator('[data-order="toy/T1"] .order-status .badge')
        toy_status.wait_for()
        assert toy_status.get_attribute("data-status") == "processing"
        assert page.locator("#clock-now").inner_text() == "2026-01-01T00:00:00Z"
        assert "next event: 2026-01-01T00:01:00Z" in page.locator("#clock-next").inner_text()

        timed_line = '[data-order="hlconnect/production-1-7002-1"]'
        assert page.locator(f"{timed_line} .order-status .badge").get_attribute(
            "data-status") == "PROCESSING"
        page.click("#advance-60")
        page.locator('[data-order="toy/T1"] [data-status="completed"]').wait_for()
        page.locator(f'{timed_line} [data-status="COMPLETED"]').wait_for()  # a real vendor too
        assert page.locator("#clock-now").inner_text() == "2026-01-01T00:01:00Z"

        hl_status = page.locator(f'[data-order="{hl_line}"] .order-status .badge')
        assert hl_status.get_attribute("data-status") == "PROCESSING"
        page.locator(f'[data-order="{hl_line}"] button.force-complete').click()
        page.locator(f'[data-order="{hl_line}"] [data-status="COMPLETED"]').wait_for()

        switch = page.locator('input[data-scenario="eu-blocked"]')
        if switch.count():  # the scenario engine's API is mounted: flip a switch, see it fire
            switch.check()
            page.wait_for_function(
                "document.querySelector('#status').textContent.includes('activated eu-blocked')")
            assert "eu-blocked" in http.get("/__admin/scenarios", headers=ADMIN).json()["active"]
            r = http.post("/purchase/validate-purchase-before-payment",
                          headers={"Authorization": "Bearer hl-demo-token"},
                          json={"asset_id": 1000001, "customer_ip": "203.0.113.99",
                                "quantity": 1})  # a German buyer
            assert r.status_code == 422, r.text
            page.locator('#journal .rule:text("eu-blocked/eu-buyers")').wait_for()

        # fail the toy order's sibling with a message typed into the page
        http.post("/toy/orders", json={"item": "kite"}, headers=TOY_AUTH)
        page.locator('[data-order="toy/T2"]').wait_for()
        page.fill("#fail-message", "Out of kites")
        page.locator('[data-order="toy/T2"] button.force-fail').click()
        page.locator('[data-order="toy/T2"] [data-status="failed"]').wait_for()
        assert http.get("/toy/orders/T2", headers=TOY_AUTH).json()["message"] == "Out of kites"

        page.locator(f'[data-order="{hl_line}"] a').click()  # its transition history
        page.locator("tr.history:not([hidden])").first.wait_for()
        page.locator("#journal .rule").first.wait_for()  # journal rows rendered
        assert "/toy/orders" in page.locator("#journal").inner_text()
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        # save the world as a snapshot, then open a fresh sandbox from it
        page.fill("#snapshot-name", "three-orders")
        page.click("#save-snapshot")
        page.locator('#snapshot option[value="three-orders"]').wait_for(state="attached")
        page.select_option("#snapshot", "three-orders")
        page.click("#new-sandbox")
        page.wait_for_function("document.querySelector('#sandbox').value.startsWith('sbx-')")
        new_id = page.locator("#sandbox").input_value()
        page.locator('[data-order="toy/T2"] [data-status="failed"]').wait_for()
        browser.close()

    # what the page showed is what the API holds
    assert http.get("/toy/orders/T1", headers=TOY_AUTH).json()["status"] == "completed"
    detail = http.get(f"/__admin/orders/{hl_line}", headers=ADMIN).json()
    assert detail["status"] == "COMPLETED"
    assert detail["transitions"][-1]["reason"] == "admin force complete"
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
    copied = http.get("/__admin/orders", headers={**ADMIN, "X-Emulator-Sandbox": new_id}).json()
    assert copied["count"] == 4


def test_dashboard_files_are_served(toy):
    page = toy.get("/__admin/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/__admin/ui/app.js">' in page.text
    assert "http" not in page.text.split("<body>")[1]  # nothing loaded from elsewhere
    assert toy.get("/__admin/ui/app.js").headers["content-type"].startswith("text/javascript")
    assert toy.get("/__admin/ui/app.css").status_code == 200
    r = toy.get("/__admin/ui/secrets.txt")
    assert r.status_code == 404 and r.json() == {"detail": "no dashboard file 'secrets.txt'"}
