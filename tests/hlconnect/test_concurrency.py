"""50 identical registers at once against a real server: exactly one 201, the rest 409,
on SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.hlconnect.helpers import AUTH, register_body, sandbox_body
from tests.support.live_server import live_server
from tests.support.postgres import throwaway_database

N = 50


def fire(base: str, path: str, body: dict) -> list[httpx.Response]:
    barrier = threading.Barrier(N)
    with httpx.Client(base_url=base, headers=AUTH, timeout=60,
                      limits=httpx.Limits(max_connections=N)) as http:
        def one(_):
            barrier.wait()  # release all requests together
            return http.post(path, json=body)

        with ThreadPoolExecutor(max_workers=N) as pool:
            return list(pool.map(one, range(N)))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'emulator.db'}"
    else:
        with throwaway_database() as url:  # skips when no PostgreSQL is reachable
            yield url


def test_concurrent_identical_registers_give_exactly_one_201(make_settings, database_url):
    with live_server(make_settings(database_url=database_url)) as base:
        token = httpx.post(f"{base}/purchase/validate-purchase-before-payment", headers=AUTH,
                           json={"asset_id": 1000001, "customer_ip": "192.0.2.1",
                                 "quantity": 1}).json()["token"]
        live = fire(base, "/purchase/register", register_body(token, order=500))
        sandbox = fire(base, "/sandbox/purchase/register", sandbox_body(order=500))
        for responses in (live, sandbox):
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [201] + [409] * (N - 1), statuses
            conflicts = [r.json() for r in responses if r.status_code == 409]
            assert all(c["name"] == "Conflict" and c["status"] == 409 for c in conflicts)
        lines = httpx.get(f"{base}/purchase/info", headers=AUTH, params={"order_id": 500}).json()
        assert len(lines) == 1
