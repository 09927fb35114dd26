"""At most one unrevoked purchase per (sandbox, product, user), also under concurrency.

Real sockets (a live uvicorn server) and real threads: N simultaneous creates for the same
user and product give exactly one 201, on SQLite and on PostgreSQL. The partial unique index
is also checked directly, bypassing the service, so the guarantee does not rest on the
service's pre-check alone.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from emulator.app import create_app
from emulator.vendors.gmodstore.models import GmsPurchase
from tests.gmodstore.helpers import BUYERS, DEMO, PRODUCT, purchase_url, purchases_url
from tests.support.live_server import live_server
from tests.support.postgres import throwaway_database

N = 12


def _race(base: str, n: int = N) -> list[httpx.Response]:
    barrier = threading.Barrier(n)

    def one(_):
        with httpx.Client(base_url=base, timeout=30) as http:
            barrier.wait()  # release every request at once
            return http.post(purchases_url(), json={"userId": BUYERS[0]}, headers=DEMO)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def _assert_exactly_one(base: str, responses: list[httpx.Response]) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [400] * (len(responses) - 1), statuses
    for r in responses:
        if r.status_code == 400:
            assert "already has an active" in r.json()["errors"]["userId"][0]
    listing = httpx.get(f"{base}{purchases_url()}", headers=DEMO).json()["data"]
    assert len(listing) == 1 and listing[0]["userId"] == BUYERS[0]


def test_concurrent_creates_give_one_purchase_on_sqlite(make_settings):
    with live_server(make_settings()) as base:
        _assert_exactly_one(base, _race(base))


def test_concurrent_creates_give_one_purchase_on_postgres(make_settings):
    with throwaway_database() as url, live_server(make_settings(database_url=url)) as base:
        _assert_exactly_one(base, _race(base))


def test_concurrent_unrevokes_leave_one_active_purchase(make_settings):
    """Two revoked purchases of one user, un-revoked at the same moment: one wins."""
    with live_server(make_settings()) as base:
        http = httpx.Client(base_url=base, headers=DEMO)
        ids = []
        for _ in range(2):
            r = http.post(purchases_url(), json={"userId": BUYERS[1]})
            ids.append(r.json()["data"]["id"])
            http.put(purchase_url(ids[-1]), json={"revoked": True})
        barrier = threading.Barrier(2)

        def unrevoke(pid):
            with httpx.Client(base_url=base, headers=DEMO, timeout=30) as c:
                barrier.wait()
                return c.put(purchase_url(pid), json={"revoked": False}).status_code

        with ThreadPoolExecutor(2) as pool:
            assert sorted(pool.map(unrevoke, ids)) == [200, 400]
        active = http.get(purchases_url(), params={"filter[revoked]": "false"}).json()["data"]
        assert len(active) == 1
        http.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_database_itself_refuses_a_second_active_row(make_settings, backend):
    def check(settings):
        runtime = create_app(settings).state.runtime
        runtime.start()  # the schema (the app's lifespan would do this)
        row = dict(sandbox="default", product_id=PRODUCT, user_id=BUYERS[0], created_at=0.0,
                   updated_at=0.0)
        with runtime.db.write_session() as session:
            session.add(GmsPurchase(id="a", **row))
            session.add(GmsPurchase(id="b", status="revoked", **row))  # revoked: allowed
            session.commit()
        with runtime.db.write_session() as session:
            session.add(GmsPurchase(id="c", **row))
            with pytest.raises(IntegrityError):
                session.commit()
        with runtime.db.write_session() as session:  # another sandbox: allowed
            session.add(GmsPurchase(id="a", **{**row, "sandbox": "other"}))
            session.commit()
        runtime.db.dispose()

    if backend == "sqlite":
        check(make_settings())
    else:
        with throwaway_database() as url:
            check(make_settings(database_url=url))
