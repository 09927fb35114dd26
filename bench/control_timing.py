"""Reset and sandbox-from-snapshot timings with 10,000 orders (issue 6's 50 ms target).

    .venv/bin/python bench/control_timing.py [--orders 10000] [--runs 7] [--database-url URL]

Fills the default sandbox with N HL Connect order lines (each with its spent validation
token and two lifecycle records, i.e. 4 rows per order), saves a snapshot, then times through
HTTP (the in-process app, so the whole pipeline is included):
  - POST /__admin/sandboxes {"from": snapshot}   a spare pre-copied by the pool is claimed
  - POST /__admin/sandboxes {"id": .., "from": snapshot}  a chosen id: 4N rows copied now
  - POST /__admin/reset on a sandbox holding N orders (delete 4N rows, back to baseline)
  - POST /__admin/snapshots/{name}/restore       (delete + copy)
and prints the median and worst of `--runs` runs of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from emulator.app import create_app  # noqa: E402
from emulator.lifecycle.machine import TransitionRecord  # noqa: E402
from emulator.settings import Settings  # noqa: E402
from emulator.vendors.hlconnect.models import HLOrderLine, HLSpentToken  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC).timestamp()


def fill(runtime, orders: int) -> None:
    lines, tokens, records = [], [], []
    for n in range(orders):
        lines.append({"sandbox": "default", "environment": "production", "account": 1,
                      "order_number": 100000 + n, "order_line_id": 1, "parent_line_id": None,
                      "asset_id": 1 + n % 50, "customer": f"buyer{n}@example.test",
                      "quantity": 1, "unit_price": 9.99, "line_item_price": 9.99,
                      "country_code": "US", "status": "COMPLETED",
                      "progression": '{"kind":"after_polls","polls":1}', "polls": 1,
                      "created_at": START + n, "finished_at": START + n + 1})
        tokens.append({"sandbox": "default", "token_id": f"tok-{n:08d}", "account": 1,
                       "order_number": 100000 + n, "spent_at": START + n})
        rid = f"production-1-{100000 + n}-1"
        records.append({"sandbox": "default", "machine": "hlconnect.order_line",
                        "resource_id": rid, "from_state": None, "to_state": "PROCESSING",
                        "at": START + n, "reason": None})
        records.append({"sandbox": "default", "machine": "hlconnect.order_line",
                        "resource_id": rid, "from_state": "PROCESSING", "to_state": "COMPLETED",
                        "at": START + n + 1, "reason": "progression"})
    with runtime.db.write_session() as session:
        conn = session.connection()
        conn.execute(insert(HLOrderLine.__table__), lines)
        conn.execute(insert(HLSpentToken.__table__), tokens)
        conn.execute(insert(TransitionRecord.__table__), records)
        session.commit()


CPU: dict[str, list[float]] = {}


def timed(call, name: str = "") -> float:
    """Wall milliseconds of one call; its CPU time is kept too (wall on a busy machine also
    counts waiting for a core, CPU time does not)."""
    cpu, began = time.process_time(), time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - began) * 1000
    CPU.setdefault(name, []).append((time.process_time() - cpu) * 1000)
    assert response.status_code in (200, 201), response.text
    return elapsed


def report(name: str, samples: list[float]) -> None:
    cpu = statistics.median(CPU.get(name, [0.0]))
    print(f"{name:<38} wall median {statistics.median(samples):7.1f} ms, "
          f"worst {max(samples):7.1f} ms; CPU median {cpu:6.1f} ms ({len(samples)} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        settings = Settings(database_url=url, clock_start=datetime(2026, 1, 1, tzinfo=UTC))
        with TestClient(create_app(settings)) as client:
            fill(client.app.state.runtime, args.orders)
            assert client.get("/__admin/orders?vendor=hlconnect").json()["count"] == args.orders
            client.post("/__admin/snapshots", json={"name": "bench"})
            print(f"database: {url.split('://')[0]}; {args.orders} orders, "
                  f"{4 * args.orders} rows per sandbox; load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

            control = client.app.state.runtime.control
            spare, copied, reset, restore = [], [], [], []
            for i in range(args.runs):
                control.pool.wait()  # steady state: the spares of the last claim are ready
                r = None

                def claim():
                    nonlocal r
                    r = client.post("/__admin/sandboxes", json={"from": "bench"})
                    return r

                spare.append(timed(claim, "sandbox from snapshot (spare ready)"))
                pooled = r.json()["id"]
                control.pool.wait()  # the refill must not compete with what is timed next
                copied.append(timed(lambda i=i: client.post(
                    "/__admin/sandboxes", json={"id": f"w{i}", "from": "bench"}),
                    "sandbox from snapshot (copied now)"))
                headers = {"X-Emulator-Sandbox": f"w{i}"}
                reset.append(timed(lambda h=headers: client.post("/__admin/reset", headers=h),
                                   "reset one sandbox (POST reset)"))
                restore.append(timed(lambda h=headers: client.post(
                    "/__admin/snapshots/bench/restore", headers=h),
                    "restore snapshot into a sandbox"))
                for sid in (pooled, f"w{i}"):
                    got = client.get("/__admin/orders?vendor=hlconnect",
                                     headers={"X-Emulator-Sandbox": sid}).json()["count"]
                    assert got == args.orders, (sid, got)
                    client.delete(f"/__admin/sandboxes/{sid}")
            report("sandbox from snapshot (spare ready)", spare)
            report("sandbox from snapshot (copied now)", copied)
            report("reset one sandbox (POST reset)", reset)
            report("restore snapshot into a sandbox", restore)
    return 0


if __name__ == "__main__":
    sys.exit(main())
