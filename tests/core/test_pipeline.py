"""The shared request pipeline: health, request ids, size limit, unknown paths."""

from __future__ import annotations

import pytest


def test_health_answers_ready(client):
    r = client.get("/__admin/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["vendors"]) >= set()


def test_request_id_is_echoed_or_generated(client):
    r = client.get("/__admin/health", headers={"X-Request-Id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    generated = client.get("/__admin/health").headers["x-request-id"]
    assert len(generated) == 32
    # an unsafe id is replaced, never echoed
    r = client.get("/__admin/health", headers={"X-Request-Id": "bad id\twith tab"})
    assert r.headers["x-request-id"] != "bad id\twith tab"


def test_unknown_path_outside_vendors_is_plain_json_404(client):
    r = client.get("/definitely-not-here")
    assert r.status_code == 404
    assert r.json() == {"detail": "no such endpoint: GET /definitely-not-here"}


def test_body_over_limit_is_413(make_client):
    small = make_client(max_body_bytes=10)
    r = small.post("/__admin/fixtures", content=b"x" * 11)
    assert r.status_code == 413
    assert "exceeds the limit of 10 bytes" in r.json()["detail"]


def test_the_sandbox_header_rule(client):
    """One rule (emulator/control/sandbox_header.py): absent or empty is the default sandbox,
    1-64 safe characters name one (unknown → 404), anything else is a 400 naming the rule."""
    for absent in ({}, {"X-Emulator-Sandbox": ""}):
        r = client.get("/__admin/clock", headers=absent)
        assert r.status_code == 200 and r.json()["sandbox"] == "default"
    r = client.get("/__admin/clock", headers={"X-Emulator-Sandbox": "x" * 64})
    assert r.status_code == 404 and "unknown sandbox" in r.json()["detail"]
    for bad in ("../../etc", "x" * 65, "a b"):
        r = client.get("/__admin/clock", headers={"X-Emulator-Sandbox": bad})
        assert r.status_code == 400, bad
        assert r.json()["detail"] == ("X-Emulator-Sandbox must be 1-64 characters of letters, "
                                      "digits, '.', '_', ':' or '-' (or empty for the default "
                                      "sandbox)")
    assert client.post("/__admin/sandboxes", json={"id": "x" * 65}).status_code == 400
    assert client.post("/__admin/sandboxes", json={"id": "x" * 64}).status_code == 201


def test_an_undeclared_method_is_405_whatever_the_sandbox(client):
    """The method is checked before the sandbox: an unknown or malformed sandbox header does
    not turn a wrong method into a 404 or 400, on admin and vendor paths alike."""
    for sandbox in ("", "ghost", "not a sandbox!"):
        headers = {"X-Emulator-Sandbox": sandbox}
        r = client.request("TRACE", "/__admin/reset", headers=headers)
        assert (r.status_code, r.headers["allow"]) == (405, "POST"), sandbox
        r = client.request("PUT", "/__admin/clock/freeze", headers=headers)
        assert (r.status_code, r.headers["allow"]) == (405, "POST"), sandbox
        r = client.request("TRACE", "/api/v3/products/p/purchases", headers=headers)
        assert (r.status_code, r.headers["allow"]) == (405, "GET, POST"), sandbox
        assert "message" in r.json()  # GmodStore's own shape
    assert client.app.state.runtime.journal.count("ghost") == 0


def test_literal_admin_paths_are_never_shadowed_by_name_routes(client):
    """`/__admin/scenarios/reset` is not the scenario `{name}` "reset", and
    `/__admin/snapshots/import` not the snapshot "import": not in routing, not in Allow."""
    for method in ("GET", "OPTIONS"):
        r = client.request(method, "/__admin/scenarios/reset")
        assert (r.status_code, r.headers["allow"]) == (405, "POST"), method
    for method in ("DELETE", "OPTIONS"):
        r = client.request(method, "/__admin/snapshots/import")
        assert (r.status_code, r.headers["allow"]) == (405, "POST"), method
    r = client.post("/__admin/snapshots", json={"name": "import"})
    assert r.status_code == 400 and "reserved" in r.json()["detail"]
    # the templated routes still serve every other name
    assert client.request("OPTIONS", "/__admin/snapshots/s1").headers["allow"] == "DELETE"


def test_a_templated_route_listed_before_a_literal_one_is_refused():
    from fastapi import APIRouter

    from emulator.operations import OperationIndex

    router = APIRouter()
    router.add_api_route("/x/{name}", lambda name: name, methods=["GET"])
    router.add_api_route("/x/reset", lambda: None, methods=["GET"])
    with pytest.raises(ValueError, match=r"/x/\{name\} is served before /x/reset"):
        OperationIndex().build([(None, router)])


def test_streamed_responses_reach_the_client_whole(client, tmp_path):
    """The pipeline replays the body once, then forwards the real receive channel: a
    FileResponse (which listens for disconnects) must not see a fake one and cut its body."""
    from starlette.responses import FileResponse

    payload = tmp_path / "file.bin"
    payload.write_bytes(b"0123456789" * 10_000)
    client.app.add_api_route("/__admin/test-file", lambda: FileResponse(payload))
    r = client.get("/__admin/test-file")
    assert r.status_code == 200
    assert r.content == payload.read_bytes()


def test_lone_surrogates_echoed_in_an_error_are_replaced_not_a_500(client):
    """JSON may carry lone UTF-16 surrogates; echoing one (here, as an unknown fixture key)
    must not break the UTF-8 encoder."""
    r = client.post("/__admin/fixtures", content=b'{"\\ud9e1x": 1}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "unknown vendor" in r.json()["detail"]
