"""Every effect, proved through HTTP against the test-only Acme vendor."""

from __future__ import annotations

import math
import statistics

import pytest

from tests.scenario_engine.conftest import rule

ACME = {"vendor": "acme"}


def one(client, name, *rules, **extra):
    """Activate a scenario made of `rules` (header-free: active at start)."""
    return client(scenarios={name: {"rules": list(rules), **extra}}, active=[name])


# -- latency ----------------------------------------------------------------------------------
def test_fixed_latency_is_awaited_and_named(make_acme):
    c = one(make_acme, "lag", rule(ACME, latency={"fixed_ms": 250}))
    r = c.get("/acme/ping")
    assert r.status_code == 200
    assert c.sleeps == [0.25]
    assert r.headers["x-emulator-rule"] == "lag/r1"


def test_latency_shorthand_is_fixed(make_acme):
    c = one(make_acme, "lag", rule(ACME, latency=40))
    c.get("/acme/ping")
    assert c.sleeps == [0.04]


def test_uniform_latency_stays_in_bounds_and_varies(make_acme):
    c = one(make_acme, "lag", rule(ACME, latency={"min_ms": 100, "max_ms": 200}))
    for _ in range(50):
        c.get("/acme/ping")
    assert all(0.1 <= s <= 0.2 for s in c.sleeps)
    assert len(set(c.sleeps)) > 40


def test_lognormal_latency_has_its_median_p99_and_cap(make_acme):
    c = one(make_acme, "lag", rule(ACME, latency={"median_ms": 100, "p99_ms": 1000,
                                                  "cap_ms": 1500}))
    for _ in range(600):
        c.get("/acme/ping")
    delays = sorted(c.sleeps)
    assert 0.08 < statistics.median(delays) < 0.125
    assert max(delays) <= 1.5
    assert 0.6 < delays[math.ceil(0.99 * len(delays)) - 1] <= 1.5


# -- status -----------------------------------------------------------------------------------
def test_status_uses_the_vendors_error_body(make_acme):
    c = one(make_acme, "down", rule(ACME, status={"code": 503, "message": "maintenance"}))
    r = c.post("/acme/orders", json={"item": "a"})
    assert r.status_code == 503
    assert r.json() == {"acme_error": {"status": 503, "message": "maintenance"}}
    # short-circuited: the order was never stored
    assert c.get("/acme/orders", headers={"X-Emulator-Scenario": "down"}).status_code == 503
    assert c.app.state.runtime.vendors["acme"].orders == {}


def test_status_shorthand_and_default_message(make_acme):
    c = one(make_acme, "down", rule(ACME, status=500))
    r = c.get("/acme/ping")
    assert r.json() == {"acme_error": {"status": 500, "message": "Internal Server Error"}}


def test_gateway_page_is_bare_html(make_acme):
    c = one(make_acme, "gw", rule(ACME, status={"code": 504, "gateway": True}))
    r = c.get("/acme/ping")
    assert r.status_code == 504
    assert r.headers["content-type"] == "text/html"
    assert "<title>504 Gateway Timeout</title>" in r.text
    assert "acme_error" not in r.text
    assert r.headers["x-emulator-rule"] == "gw/r1"


def test_status_on_a_path_no_vendor_owns_is_plain_json(make_acme):
    c = one(make_acme, "down", rule({"path": "/elsewhere/**"}, status=503))
    r = c.get("/elsewhere/x")
    assert r.status_code == 503
    assert r.json() == {"detail": "Service Unavailable"}


# -- after_commit -----------------------------------------------------------------------------
def test_after_commit_stores_then_fails(make_acme):
    c = one(make_acme, "ambiguous", rule({"operation": "acme_create_order"}, after_commit=True,
                                         status={"code": 502, "gateway": True}))
    r = c.post("/acme/orders", json={"item": "book"})
    assert r.status_code == 502 and "<h1>502 Bad Gateway</h1>" in r.text
    assert r.headers["x-emulator-rule"] == "ambiguous/r1"
    listed = c.get("/acme/orders").json()["orders"]
    assert [o["item"] for o in listed] == ["book"]  # the order went through


def test_after_commit_leaves_real_errors_alone(make_acme):
    c = one(make_acme, "ambiguous", rule({"operation": "acme_create_order"}, after_commit=True,
                                         status=502))
    r = c.post("/acme/orders", content=b"not json", headers={"content-type": "application/json"})
    assert r.status_code != 502
    assert "x-emulator-rule" not in r.headers


def test_after_commit_connection_fault(make_acme):
    c = one(make_acme, "lost", rule({"operation": "acme_create_order"}, after_commit=True,
                                    fault="empty_response"))
    with pytest.raises(ConnectionResetError):
        c.post("/acme/orders", json={"item": "pen"})
    assert [o["item"] for o in c.app.state.runtime.vendors["acme"].orders["default"]] == ["pen"]


# -- region block -----------------------------------------------------------------------------
def test_region_block_by_vendor_country_field(make_acme):
    c = one(make_acme, "geo", rule(ACME, region_block={"countries": ["EU"]}))
    r = c.post("/acme/orders", json={"item": "a", "buyer_country": "fr"})
    assert r.status_code == 451
    assert r.json()["acme_error"]["operation"] == "acme_create_order"
    assert r.headers["x-emulator-rule"] == "geo/r1"
    ok = c.post("/acme/orders", json={"item": "a", "buyer_country": "US"})
    assert ok.status_code == 201 and "x-emulator-rule" not in ok.headers


def test_region_block_by_ip_table_and_forwarded_for(make_acme):
    c = one(make_acme, "geo", rule(ACME, region_block={"countries": ["DE"]}))
    # 203.0.113.0/24 is DE in the default IP table; X-Forwarded-For's first hop is the buyer
    blocked = c.get("/acme/ping", headers={"X-Forwarded-For": "203.0.113.9, 10.0.0.1"})
    assert blocked.status_code == 451
    assert c.get("/acme/ping", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 200


def test_region_block_by_request_country_field(make_acme):
    c = one(make_acme, "geo", rule(ACME, region_block={"countries": ["GB"]}))
    assert c.get("/acme/ping", params={"country": "gb"}).status_code == 451
    assert c.get("/acme/ping", params={"country": "US"}).status_code == 200


def test_region_block_by_cidr(make_acme):
    c = one(make_acme, "geo", rule(ACME, region_block={"cidrs": ["10.9.0.0/16"]}))
    assert c.get("/acme/ping", headers={"X-Forwarded-For": "10.9.3.4"}).status_code == 451
    assert c.get("/acme/ping", headers={"X-Forwarded-For": "10.8.3.4"}).status_code == 200


# -- fulfilment -------------------------------------------------------------------------------
@pytest.mark.parametrize("spec, expected", [
    ({"outcome": "fail", "message": "no stock", "after_polls": 2},
     {"kind": "after_polls", "polls": 2, "outcome": "fail", "message": "no stock"}),
    ({"after_seconds": 90}, {"kind": "after_seconds", "seconds": 90.0, "outcome": "complete"}),
    ({"never": True}, {"kind": "never", "outcome": "complete"}),
    ({}, {"kind": "immediate", "outcome": "complete"}),
])
def test_fulfilment_policy_reaches_the_vendor(make_acme, spec, expected):
    c = one(make_acme, "ful", rule({"operation": "acme_create_order"}, fulfilment=spec))
    order = c.post("/acme/orders", json={"item": "a"}).json()
    assert {k: order["fulfilment"][k] for k in expected} == expected
    assert c.post("/acme/orders", json={"item": "b"},
                  headers={"X-Emulator-Scenario": "ful"}).headers["x-emulator-rule"] == "ful/r1"


def test_fulfilment_only_for_matching_orders(make_acme):
    c = one(make_acme, "ful", rule({"body": {"item": "doomed"}}, fulfilment={"outcome": "fail"}))
    assert c.post("/acme/orders", json={"item": "fine"}).json()["fulfilment"] is None
    assert c.post("/acme/orders", json={"item": "doomed"}).json()["fulfilment"]["outcome"] == "fail"


# -- rate limit -------------------------------------------------------------------------------
def test_rate_limit_per_token_with_vendor_body_and_headers(make_acme, clock_for):
    c = one(make_acme, "rl", rule(ACME, rate_limit={"limit": 3, "window_seconds": 60}))
    alice = {"Authorization": "Bearer alice"}
    for _ in range(3):
        assert c.get("/acme/ping", headers=alice).status_code == 200
    r = c.get("/acme/ping", headers=alice)
    assert r.status_code == 429
    assert r.json()["acme_error"]["status"] == 429
    assert r.headers["x-ratelimit-limit"] == "3"
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert r.headers["retry-after"] == "60"
    assert int(r.headers["x-ratelimit-reset"]) == int(clock_for(c).time()) + 60
    # another token has its own budget
    assert c.get("/acme/ping", headers={"Authorization": "Bearer bob"}).status_code == 200
    # the window follows the emulator clock
    clock_for(c).advance(30)
    assert c.get("/acme/ping", headers=alice).headers["retry-after"] == "30"
    clock_for(c).advance(30)
    assert c.get("/acme/ping", headers=alice).status_code == 200


def test_rate_limit_per_ip_and_shared(make_acme):
    c = one(make_acme, "rl", rule(ACME, rate_limit={"limit": 1, "per": "ip"}))
    assert c.get("/acme/ping", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 200
    assert c.get("/acme/ping", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 429
    assert c.get("/acme/ping", headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 200


# -- override ---------------------------------------------------------------------------------
def test_override_replaces_status_headers_and_body(make_acme):
    c = one(make_acme, "ov", rule(ACME, override={"status": 202, "headers": {"X-Extra": "1"},
                                                  "body": {"replaced": True}}))
    r = c.get("/acme/ping")
    assert (r.status_code, r.headers["x-extra"], r.json()) == (202, "1", {"replaced": True})
    assert r.headers["x-emulator-rule"] == "ov/r1"


def test_override_merge_patch(make_acme):
    c = one(make_acme, "ov", rule(ACME, override={"merge": {"pong": None, "extra": {"a": 1}}}))
    assert c.get("/acme/ping").json() == {"country": None, "extra": {"a": 1}}


def test_override_json_patch(make_acme):
    c = one(make_acme, "ov", rule({"operation": "acme_create_order"}, override={"patch": [
        {"op": "replace", "path": "/status", "value": "COMPLETED"},
        {"op": "remove", "path": "/fulfilment"},
        {"op": "add", "path": "/note", "value": "patched"},
        {"op": "replace", "path": "/missing/deep", "value": 1},
    ]}))
    r = c.post("/acme/orders", json={"item": "x"})
    assert r.status_code == 201
    assert r.json() == {"id": 1, "item": "x", "status": "COMPLETED", "note": "patched"}


def test_override_adds_headers_to_an_injected_status(make_acme):
    c = one(make_acme, "ov", rule(ACME, status=503, override={"headers": {"Retry-After": "7"}}))
    r = c.get("/acme/ping")
    assert (r.status_code, r.headers["retry-after"]) == (503, "7")


# -- body faults (in-process; the socket-level ones are in test_transport_live.py) --------------
def test_malformed_body_is_unparsable_but_complete(make_acme):
    c = one(make_acme, "bad", rule(ACME, fault="malformed_body"))
    r = c.get("/acme/big")
    assert r.status_code == 200
    assert int(r.headers["content-length"]) == len(r.content)
    with pytest.raises(ValueError):
        r.json()


def test_slow_body_dribbles_in_pieces(make_acme):
    c = one(make_acme, "slow", rule(ACME, fault={"kind": "slow_body", "duration_ms": 800,
                                                 "chunks": 8}))
    r = c.get("/acme/big")
    assert r.json()["items"][199]["n"] == 199  # complete and intact
    assert c.sleeps == [0.1] * 8


def test_effects_are_journaled(make_acme):
    c = one(make_acme, "mix", rule(ACME, latency=10, status=500))
    c.get("/acme/ping")
    entry = c.get("/__admin/requests").json()["requests"][0]
    assert entry["rules"] == ["mix/r1"]
    assert entry["effects"] == ["mix/r1: latency 10ms", "mix/r1: status 500"]
    assert entry["status"] == 500


def test_rate_limit_memory_is_bounded(make_acme, clock_for, monkeypatch):
    from emulator import ratelimit

    monkeypatch.setattr(ratelimit, "MAX_WINDOWS", 5)
    c = one(make_acme, "rl", rule(ACME, rate_limit={"limit": 1, "window_seconds": 60}))
    for n in range(4):
        assert c.get("/acme/ping", headers={"Authorization": f"Bearer t{n}"}).status_code == 200
    clock_for(c).advance(60)  # those windows are over
    for n in range(4, 12):
        c.get("/acme/ping", headers={"Authorization": f"Bearer t{n}"})
    from sqlmodel import select

    from emulator.ratelimit import RateWindow

    with c.app.state.runtime.db.read_session() as session:  # windows live in the database
        windows = session.exec(select(RateWindow).where(RateWindow.sandbox == "default"))
        assert len(windows.all()) <= 5
    # the newest token's window is kept: its second call is refused
    assert c.get("/acme/ping", headers={"Authorization": "Bearer t11"}).status_code == 429


def test_a_connection_fault_wins_over_an_override(make_acme):
    c = one(make_acme, "gone", rule(ACME, fault="connection_reset",
                                    override={"status": 200, "body": {"never": "sent"}}))
    with pytest.raises(ConnectionResetError):
        c.get("/acme/ping")
    entry = c.get("/__admin/requests").json()["requests"][0]
    assert entry["status"] == 0 and entry["effects"] == ["gone/r1: fault connection_reset"]
