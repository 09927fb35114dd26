"""Transport faults through a real uvicorn server: what an HTTP client really sees.

Established by experiment with uvicorn (httptools and h11 alike): a reset reaches httpx as
ReadError (ECONNRESET), a close without a byte as RemoteProtocolError("Server disconnected
without sending a response"), a truncated body as RemoteProtocolError (incomplete body).
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.scenario_engine.conftest import rule, write_scenario
from tests.support.live_server import live_server

ACME = {"vendor": "acme"}


@pytest.fixture
def serve(acme_settings, scenario_dir):
    def start(journal_size: int = 1000, **rules):
        for name, rules_ in rules.items():
            write_scenario(scenario_dir, name, {"rules": rules_})
        return live_server(acme_settings(scenarios=list(rules), journal_size=journal_size))

    return start


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_connection_reset_is_a_read_error(serve, http, monkeypatch):
    import uvicorn

    original = uvicorn.Config.__init__

    def with_protocol(self, *args, **kwargs):
        original(self, *args, **{**kwargs, "http": http})

    monkeypatch.setattr(uvicorn.Config, "__init__", with_protocol)
    with serve(reset=[rule({"operation": "acme_ping"}, fault="connection_reset")]) as base:
        with pytest.raises(httpx.ReadError, match="reset"):
            httpx.get(f"{base}/acme/ping", timeout=5)
        # the server is fine afterwards, and the journal knows what happened
        assert httpx.get(f"{base}/acme/orders", timeout=5).status_code == 200
        entry = httpx.get(f"{base}/__admin/requests?operation=acme_ping").json()["requests"][0]
        assert entry["status"] == 0 and entry["effects"] == ["reset/r1: fault connection_reset"]


def test_empty_response_is_a_remote_protocol_error(serve):
    with serve(empty=[rule(ACME, fault="empty_response")]) as base:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            httpx.get(f"{base}/acme/ping", timeout=5)


def test_truncated_body_is_an_incomplete_message(serve):
    with serve(cut=[rule(ACME, fault="truncated_body")]) as base:
        with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message body"):
            httpx.get(f"{base}/acme/big", timeout=5)


def test_malformed_body_arrives_whole_but_is_not_json(serve):
    with serve(bad=[rule(ACME, fault="malformed_body")]) as base:
        r = httpx.get(f"{base}/acme/big", timeout=5)
        assert r.status_code == 200 and r.headers["x-emulator-rule"] == "bad/r1"
        with pytest.raises(ValueError):
            r.json()


def test_slow_body_arrives_in_pieces_over_the_duration(serve):
    slow = rule(ACME, fault={"kind": "slow_body", "duration_ms": 600, "chunks": 6})
    with serve(slow=[slow]) as base:
        with httpx.stream("GET", f"{base}/acme/big", timeout=5) as r:
            started = time.perf_counter()
            pieces = list(r.iter_raw())
            elapsed = time.perf_counter() - started
        assert len(pieces) >= 3  # delivered in separate writes, not at once
        assert b"".join(pieces).endswith(b"}]}")
        assert 0.4 < elapsed < 3


def test_after_commit_reset_stores_the_order(serve):
    lost = rule({"operation": "acme_create_order"}, after_commit=True, fault="connection_reset")
    with serve(lost=[lost]) as base:
        with pytest.raises(httpx.ReadError):
            httpx.post(f"{base}/acme/orders", json={"item": "gift"}, timeout=5)
        orders = httpx.get(f"{base}/acme/orders", timeout=5).json()["orders"]
        assert [o["item"] for o in orders] == ["gift"]
