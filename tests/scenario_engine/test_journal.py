"""/__admin/requests: newest first, filters, the cap, per-sandbox, clearing."""

from __future__ import annotations

from tests.scenario_engine.conftest import rule

SCENARIOS = {"odd": {"rules": [rule({"operation": "acme_ping", "every": 2}, status=503,
                                    rule_id="second-ping")]}}


def traffic(c):
    c.get("/acme/ping")                                   # 200
    c.get("/acme/ping")                                   # 503 (odd/second-ping)
    c.post("/acme/orders", json={"item": "a"})            # 201
    c.get("/acme/orders", params={"token": "s3cret"})     # 200, token redacted
    c.get("/nowhere")                                     # 404, no vendor


def listing(c, **params):
    r = c.get("/__admin/requests", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_newest_first_with_rules_and_effects(make_acme):
    c = make_acme(scenarios=SCENARIOS, active=["odd"])
    traffic(c)
    body = listing(c)
    assert body["total"] == 5 and body["capacity"] == 1000
    assert [e["path"] for e in body["requests"]] == [
        "/nowhere", "/acme/orders", "/acme/orders", "/acme/ping", "/acme/ping"]
    second = body["requests"][3]
    assert second["rules"] == ["odd/second-ping"] and second["status"] == 503
    assert second["effects"] == ["odd/second-ping: status 503"]
    assert body["requests"][1]["query"] == {"token": "***"}


def test_filters(make_acme):
    c = make_acme(scenarios=SCENARIOS, active=["odd"])
    traffic(c)
    assert listing(c, vendor="acme")["total"] == 4
    assert listing(c, operation="acme_create_order")["requests"][0]["status"] == 201
    assert listing(c, method="post")["total"] == 1
    assert listing(c, status="503")["total"] == 1
    assert listing(c, status="2xx")["total"] == 3
    assert listing(c, status="4xx")["requests"][0]["path"] == "/nowhere"
    assert listing(c, rule="odd/second-ping")["total"] == 1
    assert listing(c, rule="odd")["total"] == 1
    assert listing(c, rule="od")["total"] == 0
    assert listing(c, vendor="acme", status="2xx", method="GET")["total"] == 2


def test_limit_and_cap(make_acme):
    c = make_acme(journal_size=3)
    for n in range(5):
        c.get("/acme/ping", params={"n": n})
    body = listing(c)
    assert body["capacity"] == 3
    assert [e["query"]["n"] for e in body["requests"]] == ["4", "3", "2"]
    assert [e["query"]["n"] for e in listing(c, limit=1)["requests"]] == ["4"]


def test_bad_filters_are_clear(make_acme):
    c = make_acme()
    r = c.get("/__admin/requests", params={"status": "5x"})
    assert r.status_code == 400 and "status must be a code like 502" in r.json()["detail"]
    assert c.get("/__admin/requests", params={"limit": 0}).status_code == 422


def test_per_sandbox_and_clear(make_acme):
    c = make_acme()
    c.post("/__admin/sandboxes", json={"id": "b"})
    c.get("/acme/ping")
    c.get("/acme/ping", headers={"X-Emulator-Sandbox": "b"})
    c.get("/acme/big", headers={"X-Emulator-Sandbox": "b"})
    assert listing(c)["total"] == 1
    other = c.get("/__admin/requests", headers={"X-Emulator-Sandbox": "b"}).json()
    assert other["sandbox"] == "b" and other["total"] == 2
    assert c.delete("/__admin/requests").status_code == 204
    assert listing(c)["total"] == 0
    assert c.get("/__admin/requests", headers={"X-Emulator-Sandbox": "b"}).json()["total"] == 2
