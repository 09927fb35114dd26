"""Bearer tokens, scopes, and per-token rate limits on the virtual clock."""

from __future__ import annotations

import pytest

from emulator.vendors.gmodstore.settings import READ_SCOPE, WRITE_SCOPE
from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    OWNER,
    PRODUCT,
    RATE_HEADERS,
    READ,
    assert_error,
    create,
    created,
    purchase_url,
    purchases_url,
)

START = 1767225600  # 2026-01-01T00:00:00Z, the frozen test clock


@pytest.mark.parametrize("headers, fragment", [
    ({}, "Authorization: Bearer"),
    ({"Authorization": "Bearer not-a-token"}, "missing or invalid"),
    ({"Authorization": "Basic Z21zOmRlbW8="}, "missing or invalid"),
    ({"Authorization": "Bearer"}, "missing or invalid"),
])
def test_missing_or_invalid_token_is_401_with_rate_headers(client, headers, fragment):
    r = client.get(purchases_url(), headers=headers)
    assert_error(r, 401, fragment)
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.headers["x-ratelimit-limit"] == "60"


def test_read_token_reads_but_cannot_write(client):
    purchase = created(client)
    assert client.get(purchases_url(), headers=READ).status_code == 200
    assert client.get(purchase_url(purchase["id"]), headers=READ).status_code == 200
    assert_error(create(client, BUYERS[1], headers=READ), 403, WRITE_SCOPE)
    r = client.put(purchase_url(purchase["id"]), json={"revoked": True}, headers=READ)
    assert_error(r, 403, WRITE_SCOPE)


def test_write_only_token_cannot_read(make_client):
    client = make_client(gmodstore={"tokens": {"w": {"user_id": OWNER, "scopes": [WRITE_SCOPE]}}})
    auth = {"Authorization": "Bearer w"}
    assert create(client, headers=auth).status_code == 201
    assert_error(client.get(purchases_url(), headers=auth), 403, READ_SCOPE)
    # configured tokens replace the defaults
    assert_error(client.get(purchases_url(), headers=DEMO), 401)


def test_every_response_carries_rate_limit_headers(client):
    responses = [
        create(client),                                        # 201
        client.get(purchases_url(), headers=DEMO),             # 200
        create(client),                                        # 400
        client.get(purchases_url("nope"), headers=DEMO),       # 404
        client.get(purchases_url(), headers=READ),             # 200, another token
        client.delete(purchases_url(), headers=DEMO),          # 405
    ]
    for r in responses:
        for name in RATE_HEADERS:
            assert name in r.headers, (r.status_code, name)
    demo = [r for r in responses if r.request.headers.get("authorization") == DEMO["Authorization"]]
    assert [r.headers["x-ratelimit-remaining"] for r in demo] == ["59", "58", "57", "56", "55"]
    assert responses[4].headers["x-ratelimit-remaining"] == "59"  # per token
    assert all(r.headers["x-ratelimit-reset"] == str(START + 60) for r in responses)


def test_61st_request_in_a_minute_is_429_until_the_window_resets(client, clock):
    for i in range(60):
        r = client.get(purchases_url(), headers=DEMO)
        assert r.status_code == 200, i
    assert r.headers["x-ratelimit-remaining"] == "0"
    clock.advance(15)
    r = client.get(purchases_url(), headers=DEMO)
    assert_error(r, 429, "too many requests")
    assert r.headers["retry-after"] == "45"
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert r.headers["x-ratelimit-reset"] == str(START + 60)
    # writes are refused too, and nothing is written
    assert_error(create(client), 429)
    # another token has its own budget
    assert client.get(purchases_url(), headers=READ).status_code == 200
    clock.advance(45)  # the next window
    r = client.get(purchases_url(), headers=DEMO)
    assert r.status_code == 200 and r.json()["data"] == []
    assert r.headers["x-ratelimit-remaining"] == "59"
    assert r.headers["x-ratelimit-reset"] == str(START + 120)


def test_limit_and_window_are_configurable(make_client):
    client = make_client(gmodstore={"rate_limit": 2, "rate_window_seconds": 10})
    assert client.get(purchases_url(), headers=DEMO).headers["x-ratelimit-limit"] == "2"
    client.get(purchases_url(), headers=DEMO)
    r = client.get(purchases_url(), headers=DEMO)
    assert_error(r, 429)
    assert r.headers["retry-after"] == "10"


def test_unknown_tokens_are_limited_per_client_address(make_client):
    client = make_client(gmodstore={"rate_limit": 3})
    for token in ("a", "b", "c"):
        assert client.get(purchases_url(), headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 401
    r = client.get(purchases_url(), headers={"Authorization": "Bearer d"})
    assert_error(r, 429)
    # a valid token is counted on its own
    assert client.get(purchases_url(), headers=DEMO).status_code == 200


def test_counts_survive_a_restart(make_client):
    first = make_client(gmodstore={"rate_limit": 3})
    for _ in range(3):
        first.get(purchases_url(), headers=DEMO)
    second = make_client(gmodstore={"rate_limit": 3})
    assert_error(second.get(purchases_url(), headers=DEMO), 429)


def test_two_replicas_on_one_database_share_the_budget(make_client):
    a, b = make_client(), make_client()  # two apps, one database: like two replicas
    seen = [c.get(purchases_url(), headers=DEMO).headers["x-ratelimit-remaining"]
            for c in (a, b, a, b)]
    assert seen == ["59", "58", "57", "56"]


def test_sandboxes_have_their_own_budgets(make_client):
    client = make_client(gmodstore={"rate_limit": 1})
    client.get(purchases_url(), headers=DEMO)
    assert_error(client.get(purchases_url(), headers=DEMO), 429)
    assert client.post("/__admin/sandboxes", json={"id": "sb2"}).status_code == 201
    r = client.get(purchases_url(), headers={**DEMO, "X-Emulator-Sandbox": "sb2"})
    assert r.status_code == 200


def test_advance_to_next_event_jumps_to_the_window_reset(make_client):
    client = make_client(gmodstore={"rate_limit": 1}, hlconnect={"enabled": False},
                         gvp={"enabled": False})  # only GmodStore's events count here
    assert client.get("/__admin/clock").json()["next_event"] is None
    client.get(purchases_url(PRODUCT), headers=DEMO)
    assert_error(client.get(purchases_url(PRODUCT), headers=DEMO), 429)
    jump = client.post("/__admin/clock/advance-to-next-event").json()
    assert jump["advanced_seconds"] == 60
    assert jump["event"]["vendor"] == "gmodstore" and jump["event"]["epoch"] == START + 60
    assert client.get(purchases_url(PRODUCT), headers=DEMO).status_code == 200


def test_old_windows_are_dropped_when_a_new_one_starts(client, clock):
    from sqlalchemy import select

    from emulator.ratelimit import RateWindow

    for _ in range(3):
        client.get(purchases_url(), headers=DEMO)
        clock.advance(60)
    client.get(purchases_url(), headers=DEMO)
    with client.app.state.runtime.db.read_session() as session:
        starts = session.execute(select(RateWindow.started).where(
            RateWindow.scope == "gmodstore")).scalars().all()
    assert starts == [START + 180]
