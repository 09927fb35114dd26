"""Every selector, proved through HTTP: a rule fires on requests it matches and only those."""

from __future__ import annotations

import pytest

from tests.scenario_engine.conftest import rule


def fired(client, method="GET", path="/acme/ping", **kwargs) -> bool:
    r = client.request(method, path, **kwargs)
    return r.headers.get("x-emulator-rule") == "m/r1"


@pytest.fixture
def matching(make_acme):
    def build(match: dict):
        return make_acme(scenarios={"m": {"rules": [rule(match, latency=1)]}}, active=["m"])

    return build


def test_vendor_and_flavour(matching):
    c = matching({"vendor": "acme", "flavour": "v1"})
    assert fired(c)
    assert not fired(c, path="/nowhere")  # no vendor, no flavour
    assert not fired(matching({"vendor": "acme", "flavour": "v2"}))


def test_operation(matching):
    c = matching({"operation": ["acme_create_order", "acme_big"]})
    assert fired(c, "POST", "/acme/orders", json={"item": "a"})
    assert fired(c, path="/acme/big")
    assert not fired(c)


def test_method_and_path_glob(matching):
    c = matching({"method": "post", "path": "/acme/*"})
    assert fired(c, "POST", "/acme/orders", json={})
    assert not fired(c, "GET", "/acme/orders")
    deep = matching({"path": "/x/**/end"})
    assert fired(deep, path="/x/a/b/c/end")
    assert not fired(deep, path="/x/a/b/c/ending")


def test_path_regex(matching):
    c = matching({"path_regex": r"^/acme/(ping|big)$"})
    assert fired(c) and fired(c, path="/acme/big")
    assert not fired(c, path="/acme/orders")


def test_header_and_query_values(matching):
    c = matching({"headers": {"X-Client": ["ios", "android"]}, "query": {"mode": "test"}})
    assert fired(c, headers={"x-client": "ios"}, params={"mode": "test"})
    assert not fired(c, headers={"x-client": "web"}, params={"mode": "test"})
    assert not fired(c, headers={"x-client": "ios"})


def test_json_body_fields_and_dotted_paths(matching):
    c = matching({"body": {"asset_id": 1000002, "customer": "alice",
                           "parts.0.asset_id": [7, 8]}})
    good = {"asset_id": 1000002, "customer": "alice", "parts": [{"asset_id": 8}]}
    assert fired(c, "POST", "/acme/orders", json=good)
    assert not fired(c, "POST", "/acme/orders", json={**good, "customer": "bob"})
    assert not fired(c, "POST", "/acme/orders", json={**good, "parts": []})
    assert not fired(c, "POST", "/acme/orders", json={"asset_id": 1000002})


def test_body_numbers_match_form_strings_but_booleans_stay_strict(matching):
    c = matching({"body": {"asset_id": 5, "gift": True}})
    assert fired(c, "POST", "/acme/orders", json={"asset_id": "5", "gift": True})
    assert not fired(c, "POST", "/acme/orders", json={"asset_id": 5, "gift": 1})


def test_bearer_token_or_token_parameter(matching):
    c = matching({"token": "ci-flaky"})
    assert fired(c, headers={"Authorization": "Bearer ci-flaky"})
    assert fired(c, params={"token": "ci-flaky"})  # GVP passes its session token that way
    assert not fired(c, headers={"Authorization": "Bearer ci-stable"})


def test_country(matching):
    c = matching({"country": ["EU"]})
    assert fired(c, headers={"X-Forwarded-For": "203.0.113.5"})  # DE in the IP table
    assert not fired(c, headers={"X-Forwarded-For": "192.0.2.5"})  # US
    assert fired(c, "POST", "/acme/orders", json={"buyer_country": "IT"})


@pytest.mark.parametrize("selector, expected", [
    ({"nth": 3}, [3]),
    ({"every": 2}, [2, 4, 6]),
    ({"first": 2}, [1, 2]),
    ({"after": 4}, [5, 6]),
    ({"every": 2, "after": 2}, [4, 6]),
])
def test_call_counting(matching, selector, expected):
    c = matching({"vendor": "acme", **selector})
    assert [n for n in range(1, 7) if fired(c)] == expected


def test_counting_only_counts_matching_calls(matching):
    c = matching({"operation": "acme_big", "nth": 2})
    assert not fired(c, path="/acme/big")
    assert not fired(c) and not fired(c)  # other operations do not advance the count
    assert fired(c, path="/acme/big")


def test_probability_is_seeded(matching):
    c = matching({"vendor": "acme", "probability": 0.3})
    hits = sum(fired(c) for _ in range(200))
    assert 40 < hits < 80
    assert not any(fired(matching({"probability": 0.0})) for _ in range(20))


def test_time_window_on_the_sandbox_clock(matching, clock_for):
    c = matching({"window": {"from": "2026-01-01T00:10:00Z", "until": "2026-01-01T00:20:00Z"}})
    clock = clock_for(c)
    assert not fired(c)  # frozen at 00:00
    clock.advance(600)
    assert fired(c)
    clock.advance(600)
    assert not fired(c)


def test_daily_window_wraps_midnight(matching, clock_for):
    c = matching({"window": {"daily": "23:00-01:00"}})
    assert fired(c)  # 00:00
    clock_for(c).advance(3600)
    assert not fired(c)  # 01:00 is outside
    clock_for(c).advance(22 * 3600)
    assert fired(c)  # 23:00


def test_all_given_keys_must_hold(matching):
    c = matching({"vendor": "acme", "method": "GET", "query": {"a": "1"}})
    assert fired(c, params={"a": "1"})
    assert not fired(c, "POST", "/acme/orders", params={"a": "1"}, json={})


def test_admin_paths_are_never_matched(matching):
    c = matching({})
    assert fired(c)
    assert "x-emulator-rule" not in c.get("/__admin/health").headers
