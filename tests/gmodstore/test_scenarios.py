"""Scenario-engine rules matched on vendor gmodstore shape GmodStore answers."""

from __future__ import annotations

from tests.conftest import FIXED_START
from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    RATE_HEADERS,
    READ,
    assert_error,
    create,
    purchases_url,
)
from tests.support.scenarios import rules_file

FIXED_START_RESET = int(FIXED_START.timestamp()) + 60  # the first window's end


def _scenario(tmp_path, name: str, rules: str) -> str:
    return rules_file(tmp_path, name, rules)


def test_bundled_rate_limited_scenario_answers_in_gmodstore_shape(make_client):
    client = make_client(scenarios=["rate-limited"], gmodstore={"rate_limit": 1000})
    clock = client.app.state.runtime.clocks.get("default")
    for _ in range(60):
        assert client.get(purchases_url(), headers=DEMO).status_code == 200
    r = client.get(purchases_url(), headers=DEMO)
    assert_error(r, 429)
    assert r.headers["retry-after"] == "60" and r.headers["x-ratelimit-remaining"] == "0"
    assert r.headers["x-emulator-rule"].startswith("rate-limited/")
    assert client.get(purchases_url(), headers=READ).status_code == 200  # per token
    clock.advance(60)
    assert client.get(purchases_url(), headers=DEMO).status_code == 200


def test_after_commit_502_stores_the_purchase_and_answers_gmodstore_json(make_client, tmp_path):
    path = _scenario(tmp_path, "gms-after-commit", """\
- id: lost-response
  match: {vendor: gmodstore, operation: create_product_purchase, first: 1}
  effects: {status: {code: 502, message: upstream timed out}, after_commit: true}
""")
    client = make_client(scenarios=[path])
    r = create(client, BUYERS[0])
    assert r.status_code == 502 and r.json() == {"message": "upstream timed out"}
    stored = client.get(purchases_url(), headers=DEMO).json()["data"]
    assert [p["userId"] for p in stored] == [BUYERS[0]]  # the call took effect
    retry = create(client, BUYERS[0])  # a client retrying blindly meets the duplicate rule
    assert_error(retry, 400, "already has an active", field="userId")


def test_flaky_gateway_rule_on_gmodstore_reads(make_client, tmp_path):
    path = _scenario(tmp_path, "gms-flaky", """\
- id: gateway
  match: {vendor: gmodstore, operation: list_product_purchases, every: 2}
  effects: {status: {code: 502, gateway: true}}
""")
    client = make_client(scenarios=[path])
    statuses = [client.get(purchases_url(), headers=DEMO).status_code for _ in range(4)]
    assert statuses == [200, 502, 200, 502]
    client.get(purchases_url(), headers=DEMO)
    r = client.get(purchases_url(), headers=DEMO)
    assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")


def test_region_block_is_a_gmodstore_403(make_client, tmp_path):
    path = _scenario(tmp_path, "gms-region", """\
- id: us-blocked
  match: {vendor: gmodstore, operation: create_product_purchase}
  effects: {region_block: {countries: [US], message: Not sold in your region}}
""")
    client = make_client(scenarios=[path])
    # the test client has no IP address: name the country in a generic body field instead
    r = client.post(purchases_url(), json={"userId": BUYERS[0], "country": "US"}, headers=DEMO)
    assert r.status_code == 403 and r.json() == {"message": "Not sold in your region"}
    assert client.get(purchases_url(), headers=DEMO).json()["data"] == []


def test_own_limit_and_scenario_rate_limit_count_apart_in_one_limiter(make_client, tmp_path):
    path = _scenario(tmp_path, "gms-throttle", """\
- id: two-per-minute
  match: {vendor: gmodstore}
  effects: {rate_limit: {limit: 2, window_seconds: 60}}
""")
    client = make_client(scenarios=[path], gmodstore={"rate_limit": 3})
    seen = [client.get(purchases_url(), headers=DEMO) for _ in range(3)]
    assert [r.status_code for r in seen] == [200, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in seen[:2]] == ["2", "1"]  # GmodStore's
    assert seen[2].headers["x-ratelimit-limit"] == "2"  # the scenario answered, GmodStore not
    assert seen[2].headers["x-emulator-rule"] == "gms-throttle/two-per-minute"
    # forgetting the scenario's counters leaves GmodStore's own budget as it was
    assert client.post("/__admin/scenarios/reset").status_code == 200
    r = client.get(purchases_url(), headers=DEMO)
    assert r.status_code == 200 and r.headers["x-ratelimit-remaining"] == "0"
    r = client.get(purchases_url(), headers=DEMO)
    assert_error(r, 429, "the limit is 3 per 60 seconds")
    assert "x-emulator-rule" not in r.headers
    # a sandbox reset gives both budgets back (the windows are the sandbox's rows)
    assert client.post("/__admin/reset", json={}).status_code == 200
    r = client.get(purchases_url(), headers=DEMO)
    assert r.status_code == 200 and r.headers["x-ratelimit-remaining"] == "2"


def test_injected_statuses_carry_the_rate_limit_headers(make_client, tmp_path):
    path = _scenario(tmp_path, "gms-faults", """\
- id: s500
  match: {vendor: gmodstore, headers: {x-case: "500"}}
  effects: {status: 500}
- id: s502
  match: {vendor: gmodstore, headers: {x-case: "502"}}
  effects: {status: {code: 502, message: upstream timed out}}
- id: s503
  match: {vendor: gmodstore, headers: {x-case: "503"}}
  effects: {status: 503}
- id: s429
  match: {vendor: gmodstore, headers: {x-case: "429"}}
  effects: {status: 429}
""")
    client = make_client(scenarios=[path])
    assert client.get(purchases_url(), headers=DEMO).headers["x-ratelimit-remaining"] == "59"
    for code in ("500", "502", "503"):
        r = client.get(purchases_url(), headers={**DEMO, "x-case": code})
        assert r.status_code == int(code) and set(r.json()) == {"message"}
        # the caller's window as it stands: an injected answer was never counted
        assert [r.headers[h] for h in RATE_HEADERS] == ["60", "59", str(FIXED_START_RESET)]
        assert "retry-after" not in r.headers
    r = client.get(purchases_url(), headers={**DEMO, "x-case": "429"})
    assert r.status_code == 429 and r.json() == {"message": "Too Many Requests"}
    assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["retry-after"] == "60"
    assert r.headers["x-ratelimit-reset"] == str(FIXED_START_RESET)


def test_after_commit_and_override_answers_keep_the_rate_limit_headers(make_client, tmp_path):
    path = _scenario(tmp_path, "gms-distort", """\
- id: lost
  match: {vendor: gmodstore, operation: create_product_purchase}
  effects: {status: 503, after_commit: true}
- id: throttled
  match: {vendor: gmodstore, operation: list_product_purchases, headers: {x-case: "429"}}
  effects: {override: {status: 429, body: {message: Too Many Attempts.}}}
- id: own-limit
  match: {vendor: gmodstore, operation: list_product_purchases, headers: {x-case: "own"}}
  effects: {status: 500, override: {headers: {X-RateLimit-Limit: "5", Retry-After: "7"}}}
""")
    client = make_client(scenarios=[path])
    r = create(client, BUYERS[0])
    assert r.status_code == 503 and r.headers["x-ratelimit-remaining"] == "59"  # counted
    r = client.get(purchases_url(), headers={**DEMO, "x-case": "429"})
    assert r.status_code == 429 and r.json() == {"message": "Too Many Attempts."}
    assert r.headers["x-ratelimit-remaining"] == "58" and r.headers["retry-after"] == "60"
    r = client.get(purchases_url(), headers={**DEMO, "x-case": "own"})
    assert r.headers["x-ratelimit-limit"] == "5" and r.headers["retry-after"] == "7"  # as told
    assert r.headers["x-ratelimit-remaining"] == "58"  # the others: still GmodStore's
