"""Two `purchase-emulator serve` processes on one database (a SQLite file, as `--workers N`
runs, or PostgreSQL) behave as one emulator.

Each test drives both replicas (A and B) over real sockets: duplicates, rate limits, "every
5th call", the clock, snapshots and the journal are all decided by the shared database.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.hlconnect.helpers import AUTH, sandbox_body
from tests.replicas.conftest import FIXTURE_ORDER

REGISTER = "/sandbox/purchase/register"


def test_concurrent_duplicate_registers_split_across_replicas_make_one_order(two_replicas):
    a, b = two_replicas
    body = sandbox_body(order=7001, line=1)

    def register(n: int):
        return (a if n % 2 else b).post(REGISTER, headers=AUTH, json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(register, range(16)))
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == 15, statuses
    # and both replicas show the one order
    for client in (a, b):
        lines = client.get("/sandbox/purchase/info", params={"order_id": 7001},
                           headers=AUTH).json()
        assert [line["order_line_id"] for line in lines] == [1], lines


def test_a_duplicate_through_a_is_refused_when_b_registered_it(two_replicas):
    a, b = two_replicas
    body = sandbox_body(order=7002, line=1)
    assert b.post(REGISTER, headers=AUTH, json=body).status_code == 201
    second = a.post(REGISTER, headers=AUTH, json=body)
    assert second.status_code == 409, second.text


def test_a_rate_limit_is_counted_across_replicas(two_replicas):
    a, b = two_replicas
    for client in (a, b):
        assert client.post("/__admin/scenarios/three-a-minute/activate").status_code == 200
    statuses = [(a, b)[n % 2].get("/assets/list", headers=AUTH).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = b.get("/assets/list", headers=AUTH)
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # the window follows the shared clock: advancing it through A refills B's budget too
    assert a.post("/__admin/clock/advance", json={"seconds": 60}).status_code == 200
    assert b.get("/assets/list", headers=AUTH).status_code == 200


def test_every_fifth_call_is_counted_globally(two_replicas):
    a, b = two_replicas
    # activated through A only: B picks the activation up from the database (forced sync)
    assert a.post("/__admin/scenarios/every-fifth/activate").status_code == 200
    statuses = [(a, b)[n % 3 == 0].get("/assets/list", headers=AUTH).status_code
                for n in range(15)]
    assert [n + 1 for n, s in enumerate(statuses) if s == 503] == [5, 10, 15], statuses
    hits = b.get("/__admin/scenarios/every-fifth").json()["rules"][0]["hits"]
    assert hits == 15


def test_a_clock_advance_on_a_is_seen_by_b(two_replicas):
    a, b = two_replicas
    before = b.get("/__admin/clock").json()
    assert a.post("/__admin/clock/advance", json={"seconds": 3600}).status_code == 200
    after = b.get("/__admin/clock").json()
    assert after["epoch"] == before["epoch"] + 3600
    assert after["frozen"] is True
    # changes from both sides add up (read-modify-write on the row, not last writer wins)
    assert b.post("/__admin/clock/advance", json={"seconds": 60}).status_code == 200
    assert a.get("/__admin/clock").json()["epoch"] == before["epoch"] + 3660


def test_journal_entries_from_both_replicas_are_listed_on_either(two_replicas):
    a, b = two_replicas
    ra = a.get("/assets/list", headers={**AUTH, "X-Request-Id": "from-a"})
    rb = b.get("/assets/list", headers={**AUTH, "X-Request-Id": "from-b"})
    assert ra.status_code == rb.status_code == 200
    for client in (a, b):
        ids = [e["request_id"] for e in client.get("/__admin/requests").json()["requests"]]
        assert ids[:2] == ["from-b", "from-a"], ids  # newest first, across processes
    assert a.delete("/__admin/requests").status_code == 204
    assert b.get("/__admin/requests").json()["total"] == 0


def test_replicas_started_together_loaded_the_fixtures_once(replica_urls):
    import httpx

    for base in replica_urls:  # the default sandbox holds the start-up fixtures
        lines = httpx.get(f"{base}/purchase/info", params={"order_id": FIXTURE_ORDER},
                          headers=AUTH, timeout=30)
        assert lines.status_code == 200, lines.text
        assert [line["status"] for line in lines.json()] == ["COMPLETED"]


def test_a_snapshot_taken_through_a_restores_through_b(two_replicas):
    a, b = two_replicas
    assert a.post(REGISTER, headers=AUTH, json=sandbox_body(order=7101, line=1)).status_code == 201
    name = f"snap-{a.headers['X-Emulator-Sandbox']}"
    assert a.post("/__admin/snapshots", json={"name": name}).status_code == 201
    assert b.post(REGISTER, headers=AUTH, json=sandbox_body(order=7102, line=1)).status_code == 201
    restored = b.post(f"/__admin/snapshots/{name}/restore")
    assert restored.status_code == 200, restored.text
    for client in (a, b):  # the order made after the snapshot is gone, on either replica
        orders = {o["order_id"] for o in client.get("/__admin/orders").json()["orders"]}
        assert orders == {7101, FIXTURE_ORDER}, orders  # and the start-up fixture
