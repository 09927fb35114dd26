"""The shared request pipeline: health, request ids, size limit, unknown paths."""

from __future__ import annotations


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
    r = small.post("/__admin/health", content=b"x" * 11)
    assert r.status_code == 413
    assert "exceeds the limit of 10 bytes" in r.json()["detail"]


def test_invalid_sandbox_header_is_400(client):
    r = client.get("/__admin/health", headers={"X-Emulator-Sandbox": "../../etc"})
    assert r.status_code == 400


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
