"""The dashboard's Responses panel in Debian's headless Chromium (Playwright): per vendor and
operation the met and unmet documented answers, each unmet one with its recipe and a copy
button; replaying the copied recipe turns the answer to met. Screenshot saved."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from emulator.recipes import Recipe, Step, replay
from tests.conftest import FIXED_START
from tests.support import needs
from tests.support.live_server import live_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_TOKEN = "responses-token-1"
ADMIN = {"X-Emulator-Admin-Token": ADMIN_TOKEN}
HL = {"Authorization": "Bearer hl-demo-token"}
REGISTER = "hlconnect/connector_purchase_register_sandbox"
UNPROCESSABLE = f'[data-outcome="{REGISTER}/422/Unprocessable Entity"]'


@pytest.fixture
def server(make_settings):
    with live_server(make_settings(admin_token=ADMIN_TOKEN, clock_start=FIXED_START)) as base:
        yield base


def test_responses_panel_shows_unmet_answers_with_recipes_and_copies_one(server):
    chromium, sync_api = needs.browser()
    http = httpx.Client(base_url=server, timeout=10)
    body = {"asset_id": 1000001, "country_code": "US", "quantity": 1, "order_number": 1,
            "order_line_id": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "c"}
    for expected in (201, 409):
        assert http.post("/sandbox/purchase/register", json=body, headers=HL).status_code == expected
    report = http.get("/__admin/coverage", headers=ADMIN).json()
    [wanted] = [o for o in report["responses"] if (o["operation"], o["status"]) == (
        "connector_purchase_register_sandbox", 422)]

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page = context.new_page()
        page.goto(f"{server}/__admin/ui?token={ADMIN_TOKEN}")
        operation = page.locator(f'details[data-operation="{REGISTER}"]')
        operation.wait_for()
        assert "2/6 met" in operation.locator("summary").inner_text()
        assert "2.3%" in page.locator("#responses .vendor", has_text="hlconnect").inner_text()
        operation.locator("summary").click()

        # unmet answers only (the default): each with its recipe
        unmet = operation.locator("li[data-met=false]")
        assert unmet.count() == 4  # 401, 404, 422, 500
        assert operation.locator("li[data-met=true]").count() == 0
        item = page.locator(UNPROCESSABLE)
        assert item.locator("pre.recipe").inner_text() == wanted["how"]
        item.locator("button.copy-recipe").click()
        page.wait_for_function(
            "document.querySelector('#status').textContent.includes('copied the recipe')")
        assert page.evaluate("navigator.clipboard.readText()") == wanted["how"]

        # every answer: the met ones with their counts
        page.uncheck("#responses-unmet")
        operation.locator('li[data-met=true]').first.wait_for()
        met = operation.locator(f'[data-outcome="{REGISTER}/409/Conflict"]')
        assert met.get_attribute("data-met") == "true"
        assert "met ×1" in met.inner_text()
        assert met.locator("pre.recipe").count() == 0

        # do what the copied recipe says: the next refresh shows the answer met
        steps = [Step(**step) for step in wanted["recipe"]["steps"]]
        answer = replay(http, Recipe(wanted["recipe"]["why"], tuple(steps)), "default")
        assert answer.status_code == 422
        page.locator(f'{UNPROCESSABLE}[data-met="true"]').wait_for()
        assert "3/6 met" in operation.locator("summary").inner_text()
        page.screenshot(path=str(ARTIFACTS / "dashboard-responses.png"), full_page=True)
        browser.close()
    http.close()
