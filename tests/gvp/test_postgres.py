"""GVP on PostgreSQL under concurrency (skipped without a server): the same user's parallel
first logins, purchases of one product, and eWallet debits race without duplicates, overdrafts
or 500s."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import FIXED_START
from tests.support.live_server import live_server
from tests.support.postgres import throwaway_database

AUTH = "/AuthenticationService.svc/LoginUserPassword"
BUY = "/SubscriptionService.svc/CreatePurchase"


@pytest.fixture
def pg_server():
    from emulator.settings import Settings

    with throwaway_database() as url:
        with live_server(Settings(database_url=url, clock_start=FIXED_START)) as base:
            yield base


def _login(base: str, user: str) -> dict:
    return httpx.get(base + AUTH, params={"userName": user, "password": f"{user}123"},
                     timeout=30).json()


def _buy(base: str, token: str, product_id: int, payment: str = "eWallet") -> dict:
    return httpx.get(base + BUY, timeout=30, params={
        "token": token, "productId": product_id, "productType": "Movie", "pricingModelId": 301,
        "paymentType": payment, "pin": "1234"}).json()


def test_races_on_postgres(pg_server):
    with ThreadPoolExecutor(max_workers=6) as pool:
        logins = list(pool.map(lambda _: _login(pg_server, "frugal"), range(6)))
        assert [r["StatusCode"] for r in logins] == [0] * 6
        token = logins[0]["Content"]["Token"]
        same = list(pool.map(lambda _: _buy(pg_server, token, 6001), range(6)))
        assert sorted(r["StatusCode"] for r in same) == [0, 23, 23, 23, 23, 23]
        # 6.01 left: of five more rentals at 3.99 exactly one fits
        other = list(pool.map(lambda p: _buy(pg_server, token, p), [6002, 6003, 6004, 6005, 6006]))
    codes = sorted(r["StatusCode"] for r in other)
    assert codes.count(0) == 1 and set(codes) - {0} <= {87, 96}, codes
    orders = httpx.get(f"{pg_server}/__admin/orders", params={"vendor": "gvp"}).json()["orders"]
    ids = [o["id"] for o in orders]
    assert len(ids) == len(set(ids))
    paid = [o for o in orders if o["user"] == "frugal" and o["payment_type"] == "eWallet"]
    assert len(paid) == 2 and sum(o["price"] for o in paid) <= 10.0


def test_overlong_values_are_refused_before_the_database(pg_server):
    token = _login(pg_server, "rich")["Content"]["Token"]
    r = httpx.get(pg_server + BUY, timeout=30, params={
        "token": token, "productId": 6001, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "Billing", "pin": "1234", "TrackId": "t" * 201})
    assert r.status_code == 200 and r.json()["StatusCode"] == 1011
    long_device = httpx.get(pg_server + AUTH, params={
        "userName": "rich", "password": "rich123", "deviceId": "d" * 201}).json()
    assert long_device["StatusCode"] == 1011


def test_the_cases_table_top_to_bottom_on_postgres(pg_server):
    from tests.gvp.test_cases_table import EXPECTED

    for case in httpx.get(f"{pg_server}/__admin/gvp/cases").json()["cases"]:
        login = dict(case["login"])
        method = login.pop("method")
        token = httpx.get(f"{pg_server}/AuthenticationService.svc/{method}",
                          params=login).json()["Content"]["Token"]
        body = httpx.get(pg_server + BUY, params={"token": token, **case["create_purchase"]},
                         timeout=30).json()
        expected = 0 if case["outcome"].startswith("OK") else EXPECTED[case["outcome"]]
        assert body["StatusCode"] == expected, (case["outcome"], body)
