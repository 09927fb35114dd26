"""Crashes: kill -9 during a load of 2,000 registers, and SIGTERM with requests in flight.

After a restart on the same SQLite file: every register that got a 201 is present, no order is
half-written (an ensemble order has all its lines, each line its lifecycle record),
`PRAGMA integrity_check` is ok, and the emulator serves again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx

from emulator.serving import worker_pids
from tests.reliability import server

TOTAL = 2000
KILL_AFTER = 400  # answers received before the kill: the load is well under way
HL = {"Authorization": "Bearer hl-demo-token"}
PARTS = [{"asset_id": 1000007, "order_line_id": 2}, {"asset_id": 1000008, "order_line_id": 3}]


def register_body(order: int) -> dict:
    """Every third order is an ensemble (main line + 2 parts, three rows in one transaction)."""
    body = {"asset_id": 1000001, "order_number": order, "order_line_id": 1,
            "country_code": "US", "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99,
            "customer": f"Customer {order}"}
    if order % 3 == 0:
        body.update(asset_id=1000006, parts=PARTS, line_item_price=19.99, unit_price=19.99)
    return body


async def _load(base: str, on_answer, concurrency: int = 16) -> dict[int, int | str]:
    """POST TOTAL sandbox registers; returns order → status (or the transport error's name)."""
    outcome: dict[int, int | str] = {}
    queue = iter(range(1, TOTAL + 1))
    async with httpx.AsyncClient(base_url=base, headers=HL, timeout=10) as client:
        async def worker():
            for order in queue:
                try:
                    r = await client.post("/sandbox/purchase/register", json=register_body(order))
                    outcome[order] = r.status_code
                except httpx.HTTPError as exc:
                    outcome[order] = type(exc).__name__
                on_answer(len(outcome))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcome


def _check_store(db: Path, created: set[int]) -> int:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        lines = conn.execute("SELECT order_number, order_line_id, status, customer, progression "
                             "FROM hl_order_line WHERE environment = 'sandbox'").fetchall()
        records = {r[0] for r in conn.execute(
            "SELECT resource_id FROM transition_log WHERE machine = 'hlconnect.order_line'")}
    by_order: dict[int, set[int]] = {}
    for order, line, status, customer, progression in lines:
        assert status == "PROCESSING" and customer == f"Customer {order}" and progression
        assert f"sandbox-1-{order}-{line}" in records, (order, line)  # its lifecycle record
        by_order.setdefault(order, set()).add(line)
    for order, got in by_order.items():
        assert got == ({1, 2, 3} if order % 3 == 0 else {1}), (order, got)  # whole, or absent
    missing = created - set(by_order)
    assert not missing, f"{len(missing)} registers answered 201 are lost: {sorted(missing)[:10]}"
    return len(by_order)


def test_kill_9_during_2000_registers_loses_nothing(tmp_path):
    srv = server.start(tmp_path)
    killed_at: list[int] = []

    def on_answer(count: int) -> None:
        if count >= KILL_AFTER and not killed_at:
            killed_at.append(count)
            srv.proc.send_signal(signal.SIGKILL)

    try:
        outcome = asyncio.run(_load(srv.base, on_answer))
    finally:
        srv.kill()
    assert srv.proc.returncode == -signal.SIGKILL
    created = {o for o, s in outcome.items() if s == 201}
    errors = {s for s in outcome.values() if s != 201}
    assert KILL_AFTER <= len(created) < TOTAL and all(isinstance(e, str) for e in errors), errors

    stored = _check_store(srv.db_path, created)
    assert stored >= len(created)  # in-flight ones may have committed without an answer

    again = server.start(tmp_path, db=srv.db_path, name="restarted")
    try:
        with httpx.Client(base_url=again.base, headers=HL) as c:
            assert c.post("/sandbox/purchase/register",
                          json=register_body(TOTAL + 1)).status_code == 201
            first = min(created)
            assert c.post("/sandbox/purchase/register",
                          json=register_body(first)).status_code == 409  # still there
            assert c.get("/sandbox/purchase/info", params={"order_id": first}).status_code == 200
    finally:
        server.stop(again)
    print(f"\nkill -9: {len(outcome)} answered of {TOTAL} sent, {len(created)} × 201, "
          f"{stored} orders stored, transport errors: {sorted(errors)}")


def _in_flight(port: int) -> int:
    """Established server-side connections whose request bytes uvicorn has already read."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        rx_queue = int(fields[4].split(":")[1], 16)
        if local_port == port and fields[3] == "01" and rx_queue == 0:
            count += 1
    return count


def test_sigterm_completes_in_flight_requests(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "held.yaml").write_text(
        "name: held\ndescription: register waits 1.5 s, so requests are in flight\nrules:\n"
        "  - id: hold\n    match: {operation: connector_purchase_register_sandbox}\n"
        "    effects: {latency: 1500}\n")
    srv = server.start(tmp_path, "--scenarios-dir", str(scenarios), "--scenario", "held")
    port = int(srv.base.rsplit(":", 1)[1])
    n = 20

    sent: list[int] = []

    async def trace(event: str, info: dict) -> None:
        if event == "http11.send_request_body.complete":
            sent.append(1)

    async def run() -> list[int | str]:
        async with httpx.AsyncClient(base_url=srv.base, headers=HL, timeout=30) as client:
            async def one(order):
                try:
                    r = await client.post("/sandbox/purchase/register", json=register_body(order),
                                          extensions={"trace": trace})
                    return r.status_code
                except httpx.HTTPError as exc:
                    return type(exc).__name__

            tasks = [asyncio.create_task(one(order)) for order in range(1, n + 1)]
            deadline = time.monotonic() + 10
            # readiness poll: every request fully sent, and read by the server (its socket's
            # receive queue empty), so each one is in the server's hands when the signal comes
            while len(sent) < n or _in_flight(port) < n:
                assert time.monotonic() < deadline, "requests never reached the server"
                await asyncio.sleep(0.01)
            srv.proc.send_signal(signal.SIGTERM)
            return await asyncio.gather(*tasks)

    try:
        statuses = asyncio.run(run())
        assert srv.proc.wait(timeout=20) == 0  # graceful: exit 0 after draining
    finally:
        srv.kill()
    assert statuses == [201] * n, statuses
    assert "purchase-emulator: stopped" in srv.log_text()
    assert not Path(f"{srv.db_path}-wal").exists()  # closed cleanly, WAL checkpointed
    _check_store(srv.db_path, set(range(1, n + 1)))  # (restart itself: the kill -9 test)


def test_kill_9_of_one_sqlite_worker_loses_no_acknowledged_order(tmp_path):
    srv = server.start(tmp_path, "--workers", "2")
    workers = worker_pids(srv.proc.pid)
    assert len(workers) == 2, workers
    killed: list[int] = []

    def on_answer(count: int) -> None:
        if count >= KILL_AFTER and not killed:
            killed.append(workers[0])
            os.kill(workers[0], signal.SIGKILL)

    try:
        outcome = asyncio.run(_load(srv.base, on_answer))
        created = {o for o, s in outcome.items() if s == 201}
        assert killed and len(created) >= KILL_AFTER, (killed, len(created))
        _check_store(srv.db_path, created)  # every 201 stored, every order whole, integrity ok
        with httpx.Client(base_url=srv.base, headers=HL) as c:  # the other keeps serving
            assert c.post("/sandbox/purchase/register",
                          json=register_body(TOTAL + 1)).status_code == 201
            assert c.post("/sandbox/purchase/register",
                          json=register_body(min(created))).status_code == 409
    finally:
        server.stop(srv)
    print(f"\nkill -9 of one of two workers: {len(created)} × 201 of {TOTAL}, all stored")
