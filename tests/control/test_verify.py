"""POST /__admin/requests/verify: counts, expectations and near misses."""

from __future__ import annotations

from tests.control.conftest import TOY_AUTH, new_order


def _verify(client, **pattern) -> dict:
    r = client.post("/__admin/requests/verify", json=pattern)
    assert r.status_code == 200, r.text
    return r.json()


def test_counts_matching_requests(toy):
    new_order(toy, item="gem")
    new_order(toy, item="gem")
    new_order(toy, item="sword")
    toy.get("/toy/orders/T1", headers=TOY_AUTH)
    report = _verify(toy, vendor="toy", operation="toy_create", body={"item": "gem"}, count=2)
    assert report["ok"] is True and report["count"] == 2
    assert report["message"].startswith("OK: expected exactly 2 request(s) matching")
    assert [m["path"] for m in report["matched"]] == ["/toy/orders", "/toy/orders"]
    assert _verify(toy, method="get", path="/toy/orders/T1", status=200)["count"] == 1
    assert _verify(toy, operation="toy_create", at_least=3, at_most=3)["ok"] is True
    assert _verify(toy, operation="toy_create", at_most=2)["ok"] is False
    assert _verify(toy, vendor="toy")["ok"] is True  # default: at least one


def test_mismatch_reports_near_misses_with_differences(toy):
    new_order(toy, item="sword", seconds=5)
    toy.get("/toy/orders/T1", headers=TOY_AUTH)
    report = _verify(toy, vendor="toy", operation="toy_create", body={"item": "gem"}, count=1)
    assert report["ok"] is False and report["count"] == 0
    assert report["message"] == (
        "MISMATCH: expected exactly 1 request(s) matching vendor='toy', "
        "operation='toy_create', body.item='gem'; 0 matched among 2 journaled in sandbox "
        "'default'")
    closest = report["near_misses"][0]
    assert closest["operation"] == "toy_create"
    assert closest["differences"] == [{"field": "body.item", "expected": "gem", "actual": "sword"}]
    second = report["near_misses"][1]
    assert {d["field"] for d in second["differences"]} == {"operation", "body.item"}
    assert {"field": "body.item", "expected": "gem", "actual": None, "missing": True} in \
        second["differences"]


def test_values_compare_as_text_for_forms_and_nested_paths(toy):
    toy.post("/toy/orders", json={"item": "gem", "seconds": 30}, headers=TOY_AUTH)
    assert _verify(toy, body={"seconds": "30"}, count=1)["ok"]
    assert _verify(toy, body={"seconds": 30.0}, count=1)["ok"]
    assert _verify(toy, body={"item.deep": "x"}, count=0)["ok"]


def test_secrets_are_redacted_before_matching(toy):
    toy.post("/toy/orders", json={"item": "gem", "token": "s3cret"}, headers=TOY_AUTH)
    assert _verify(toy, body={"token": "s3cret"}, count=0)["ok"]
    assert _verify(toy, body={"token": "***"}, count=1)["ok"]


def test_bad_patterns_are_422(toy):
    r = toy.post("/__admin/requests/verify", json={"count": 1, "at_least": 1})
    assert r.status_code == 422 and "not both" in r.json()["detail"]
    r = toy.post("/__admin/requests/verify", json={"colour": "red"})
    assert r.status_code == 422
    r = toy.post("/__admin/requests/verify", json={"count": -1})
    assert r.status_code == 422
    for loose in ("1", True, 1.0):  # the contract says integer: no coercion
        r = toy.post("/__admin/requests/verify", json={"count": loose})
        assert r.status_code == 422, loose
    assert _verify(toy, count=None, vendor=None)["ok"] is False  # null: not given (at_least 1)
