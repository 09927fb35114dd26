"""The bundled scenario library against the real vendors (HL Connect, GmodStore, GVP)."""

from __future__ import annotations

import pytest

HL = {"Authorization": "Bearer hl-demo-token"}
GMS = {"Authorization": "Bearer gms-demo-token"}
GMS_PRODUCT = "00000000-0000-4000-a000-000000000001"
GMS_BUYER = "76561198000000011"
US_IP, DE_IP = "192.0.2.10", "203.0.113.99"  # the default IP table: 203.0.113.0/24 is DE


@pytest.fixture
def with_scenarios(make_client, tmp_path):
    runs = iter(range(1, 100))

    def build(*names):  # each client its own database, so runs can be compared
        database = f"sqlite:///{tmp_path / f'run{next(runs)}.db'}"
        client = make_client(scenarios=list(names), database_url=database)
        client.sleeps = []

        async def record(seconds: float) -> None:
            client.sleeps.append(seconds)

        client.app.state.runtime.scenarios.sleep = record
        return client

    return build


def hl_validate(c, asset_id=1000001, ip=US_IP):
    return c.post("/purchase/validate-purchase-before-payment", headers=HL,
                  json={"asset_id": asset_id, "customer_ip": ip, "quantity": 1})


def hl_register(c, token, order=1001):
    return c.post("/purchase/register", headers=HL, json={
        "token": token, "order_number": order, "order_line_id": 1, "line_item_price": 4.99,
        "unit_price": 4.99, "customer": "Ada"})


def hl_buy(c, order=1001, asset_id=1000001):
    validated = hl_validate(c, asset_id)
    assert validated.status_code == 200, validated.text
    return hl_register(c, validated.json()["token"], order)


def hl_info(c, order=1001):
    return c.get("/purchase/info", params={"order_id": order}, headers=HL)


def gms_create(c, headers=None):
    return c.post(f"/api/v3/products/{GMS_PRODUCT}/purchases", json={"userId": GMS_BUYER},
                  headers={**GMS, **(headers or {})})


def gvp_login(c, **headers):
    r = c.get("/AuthenticationService.svc/LoginUserPassword", headers=headers, params={
        "userName": "rich", "password": "rich123", "deviceType": 1, "instanceId": 1,
        "deviceId": "scenario-test"})
    return r.json()["Content"]["Token"]


def gvp_buy(c, token, **headers):
    return c.get("/SubscriptionService.svc/CreatePurchase", headers=headers, params={
        "token": token, "productId": 6001, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "Billing", "pin": "1234"})


def plain_asset(c) -> int:
    """A generated asset with the default progression (not one of the fixed test assets)."""
    assets = c.get("/assets/list", params={"page_size": 50}, headers=HL).json()["assets"]
    return next(a["asset_id"] for a in assets
                if a["world"] and a["min_qty"] == 1 and not 1000001 <= a["asset_id"] <= 1000010)


def test_happy_follows_the_documented_progression(with_scenarios):
    c = with_scenarios("happy")
    r = hl_buy(c, asset_id=plain_asset(c))
    assert r.status_code == 201 and "x-emulator-rule" not in r.headers
    assert hl_info(c).status_code == 202
    assert hl_info(c).json()[0]["status"] == "COMPLETED"


def test_slow_delays_every_vendor_with_a_long_tail(with_scenarios):
    c = with_scenarios("slow")
    for _ in range(100):
        assert c.get("/health").headers["x-emulator-rule"] == "slow/lognormal-latency"
    assert gms_create(c).headers["x-emulator-rule"] == "slow/lognormal-latency"
    assert gvp_buy(c, "AU_x").headers["x-emulator-rule"] == "slow/lognormal-latency"
    assert len(c.sleeps) == 102 + 0
    assert all(0 < s <= 4.0 for s in c.sleeps)
    ordered = sorted(c.sleeps)
    assert 0.07 < ordered[50] < 0.2 and ordered[-1] > 0.3


def _flaky_run(with_scenarios) -> list[int]:
    c = with_scenarios("flaky-502")
    statuses = [c.get("/health").status_code for _ in range(100)]
    assert gms_create(c).status_code == 201  # other vendors untouched
    return statuses


def test_flaky_502_is_one_in_five_and_identical_every_run(with_scenarios):
    first = _flaky_run(with_scenarios)
    assert set(first) == {200, 502}
    assert 12 <= first.count(502) <= 28
    assert _flaky_run(with_scenarios) == first  # same seed, same requests → same faults


def test_flaky_502_answers_an_html_gateway_page(with_scenarios):
    c = with_scenarios("flaky-502")
    page = next(r for r in (c.get("/health") for _ in range(50)) if r.status_code == 502)
    assert page.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in page.text
    assert page.headers["x-emulator-rule"] == "flaky-502/gateway-502"


def test_ambiguous_register_stores_then_answers_502(with_scenarios):
    c = with_scenarios("ambiguous-register")
    r = hl_buy(c, order=77)
    assert r.status_code == 502 and "Bad Gateway" in r.text
    assert r.headers["x-emulator-rule"] == "ambiguous-register/hlconnect-register-502"
    stored = hl_info(c, 77)  # the order exists: it went through (1000001 completes at once)
    assert stored.status_code == 200 and stored.json()[0]["order_id"] == 77
    retry = hl_buy(c, order=77)  # a retry sees the vendor's real answer
    assert retry.status_code == 409 and "x-emulator-rule" not in retry.headers


def test_ambiguous_register_on_gmodstore_and_gvp(with_scenarios):
    c = with_scenarios("ambiguous-register")
    assert gms_create(c).status_code == 502
    listed = c.get(f"/api/v3/products/{GMS_PRODUCT}/purchases", headers=GMS).json()["data"]
    assert [p["userId"] for p in listed] == [GMS_BUYER]
    token = gvp_login(c)
    r = gvp_buy(c, token)
    assert r.status_code == 502 and r.headers["x-emulator-rule"].endswith("/gvp-create-502")
    entry = c.get("/__admin/requests", params={"operation": "CreatePurchase"}).json()
    assert entry["requests"][0]["effects"] == [
        "ambiguous-register/gvp-create-502: after_commit status 502 gateway"]


def test_ambiguous_register_leaves_gvp_exceptions_alone(with_scenarios):
    """A refused CreatePurchase (HTTP 200 + StatusCode) was not committed: no fake 502."""
    c = with_scenarios("ambiguous-register")
    token = gvp_login(c)
    r = c.get("/SubscriptionService.svc/CreatePurchase", params={
        "token": token, "productId": 6001, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "Billing", "pin": "0000"})
    assert r.status_code == 200
    assert r.json()["StatusCode"] == 62  # UserPurchasePinValueNoMatch, as the vendor said
    assert "x-emulator-rule" not in r.headers


def test_fulfilment_fails_after_one_poll(with_scenarios):
    c = with_scenarios("fulfilment-fails")
    assert hl_buy(c).status_code == 201
    assert hl_info(c).status_code == 202
    failed = hl_info(c)
    assert failed.status_code == 502
    assert failed.json()["status"] == "FAILED"
    assert "digital asset management" in failed.json()["message"]


def test_stuck_processing_never_finishes(with_scenarios, make_client):
    c = with_scenarios("stuck-processing")
    clock = c.app.state.runtime.clocks.get("default")
    assert hl_buy(c).status_code == 201
    for _ in range(5):
        assert hl_info(c).status_code == 202
    clock.advance(30 * 86400)
    assert hl_info(c).status_code == 202


def test_eu_blocked_on_every_vendor(with_scenarios):
    c = with_scenarios("eu-blocked")
    blocked = hl_validate(c, ip=DE_IP)
    assert blocked.status_code == 422
    assert blocked.json()["message"] == "This product is not available in your region"
    assert blocked.headers["x-emulator-rule"] == "eu-blocked/eu-buyers"
    assert hl_validate(c, ip=US_IP).status_code == 200
    sandbox = c.post("/sandbox/purchase/register", headers=HL, json={
        "asset_id": 1000001, "order_number": 5, "order_line_id": 1, "country_code": "FR",
        "quantity": 1, "line_item_price": 1.0, "unit_price": 1.0, "customer": "Marie"})
    assert sandbox.status_code == 422
    gms = gms_create(c, {"X-Forwarded-For": DE_IP})
    assert gms.status_code == 403 and gms.json()["message"].startswith("This product")
    assert gms_create(c, {"X-Forwarded-For": US_IP}).status_code == 201
    token = gvp_login(c)
    gvp = gvp_buy(c, token, **{"X-Forwarded-For": DE_IP})
    assert gvp.status_code == 200
    assert (gvp.json()["StatusCode"], gvp.json()["StatusMessage"]) == (96, "UserCantAcquire")


def test_rate_limited_sixty_a_minute_per_token(with_scenarios):
    c = with_scenarios("rate-limited")
    clock = c.app.state.runtime.clocks.get("default")
    for _ in range(60):
        assert c.get("/assets/list", headers=HL, params={"page_size": 1}).status_code == 200
    r = c.get("/assets/list", headers=HL, params={"page_size": 1})
    assert r.status_code == 429
    assert r.json()["status"] == 429 and set(r.json()) == {"name", "message", "code", "status"}
    assert (r.headers["x-ratelimit-limit"], r.headers["x-ratelimit-remaining"]) == ("60", "0")
    assert r.headers["retry-after"] == "60"
    other = c.get("/assets/list", headers={"Authorization": "Bearer hl-demo-token-2"})
    assert other.status_code == 200
    clock.advance(60)
    assert c.get("/assets/list", headers=HL, params={"page_size": 1}).status_code == 200


def _chaos_run(with_scenarios) -> list[str]:
    c = with_scenarios("chaos")
    outcomes = []
    for _ in range(150):
        try:
            r = c.get("/health")
        except ConnectionResetError:  # in-process: reset, empty and truncated surface so
            outcomes.append("reset")
            continue
        try:
            r.json()
            outcomes.append(str(r.status_code))
        except ValueError:
            outcomes.append("malformed")
    journal = c.get("/__admin/requests", params={"rule": "chaos", "limit": 1000}).json()
    kinds = {e.split(": ")[1] for entry in journal["requests"] for e in entry["effects"]}
    assert {"fault connection_reset", "fault empty_response", "fault truncated_body",
            "fault malformed_body", "fault slow_body"} <= kinds
    return outcomes


def test_chaos_mixes_every_transport_fault_reproducibly(with_scenarios):
    first = _chaos_run(with_scenarios)
    assert {"200", "reset", "malformed"} <= set(first)
    assert 0.1 < (len(first) - first.count("200")) / len(first) < 0.45
    assert _chaos_run(with_scenarios) == first
