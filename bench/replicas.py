"""Start-up time and one- vs two-process throughput of the emulator on PostgreSQL.

    .venv/bin/python -m bench.replicas                      # throwaway database on 127.0.0.1
    .venv/bin/python -m bench.replicas --database-url postgresql+psycopg://u:p@host/db \
        --duration 10 --connections 16 --json out.json

Start-up: `purchase-emulator serve` until /__admin/health answers 200, on an empty database
(the migration runs) and on one already at head (median of --starts runs), PostgreSQL and
SQLite. Throughput: wrk's `mixed` load (HL Connect: one /purchase/info read of a completed
order, then one sandbox-flavour register with a new order number, alternately) against one
process with C connections, then against two processes on the same database with C/2
connections each (two wrk runs at once, added up) — client-side balancing, no proxy in the way.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess  # nosec B404 - runs the emulator and wrk
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import httpx

from bench.bodies import REGISTER_BODY, REGISTER_PATH
from bench.systems import free_port, stop_gracefully, wait_healthy
from bench.wrk import WrkResult, run_wrk

EXE = str(Path(sys.executable).parent / "purchase-emulator")
ADMIN_URL = os.environ.get("EMULATOR_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
AUTH = {"Authorization": "Bearer hl-demo-token"}
_RUNS = itertools.count(1)  # each wrk run registers order numbers no other run used


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    import psycopg

    name = f"emulator_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def serve(database_url: str, cwd: str) -> Iterator[tuple[str, float]]:
    """A served emulator: (base URL, seconds from spawn to health 200)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
    env.update({"EMULATOR_DATABASE_URL": database_url, "EMULATOR_PORT": str(port),
                "EMULATOR_LOG_FORMAT": "json"})
    started = time.perf_counter()
    # logs go to a file: an unread pipe fills up and then blocks the server mid-request
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - outlives this block, closed below
    proc = subprocess.Popen([EXE, "serve"], env=env, cwd=cwd,  # nosec B603
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        if not wait_healthy(proc, port, timeout=120):
            log.seek(0)
            raise RuntimeError(f"emulator did not start: {log.read()[-2000:]}")
        yield f"http://127.0.0.1:{port}", time.perf_counter() - started
    finally:
        stop_gracefully(proc)
        log.close()


def startup_times(database_url: str, cwd: str, starts: int) -> dict[str, float]:
    with serve(database_url, cwd) as (_, first):
        pass
    again = []
    for _ in range(starts):
        with serve(database_url, cwd) as (_, seconds):
            again.append(seconds)
    return {"empty_db_s": round(first, 3), "at_head_median_s": round(statistics.median(again), 3),
            "at_head_runs_s": [round(s, 3) for s in again]}


def seed_order(base: str) -> int:
    """One completed live order for the reads (asset 1000001 completes on the first poll)."""
    with httpx.Client(base_url=base, headers=AUTH, timeout=30) as client:
        token = client.post("/purchase/validate-purchase-before-payment", json={
            "asset_id": 1000001, "customer_ip": "192.0.2.10", "quantity": 1}).json()["token"]
        order = 1
        client.post("/purchase/register", json={
            "token": token, "order_number": order, "order_line_id": 1, "line_item_price": 4.99,
            "unit_price": 4.99, "customer": "bench"})
        assert client.get("/purchase/info", params={"order_id": order}).status_code == 200
    return order


def mixed(wrk: str, bases: list[str], order: int, connections: int,
          duration: float) -> dict[str, object]:
    """wrk `mixed` against each base at once (connections split), results added up."""
    results: list[WrkResult | None] = [None] * len(bases)
    per = max(1, connections // len(bases))

    def run(i: int, base: str) -> None:
        results[i] = run_wrk(wrk, base, "mixed", {
            "order": order, "path": REGISTER_PATH, "body": REGISTER_BODY,
            "base": next(_RUNS) * 1_000_000_000_000 + i * 100_000_000_000}, threads=1,
            connections=per,
            duration=duration)

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(bases)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = [r for r in results if r is not None]
    return {"processes": len(bases), "connections": per * len(bases),
            "rps": round(sum(r.rps for r in done), 1),
            "p50_ms": round(max(r.p50_ms for r in done), 2),
            "p99_ms": round(max(r.p99_ms for r in done), 2),
            "errors": sum(r.errors for r in done),
            "statuses": {k: sum(r.statuses.get(k, 0) for r in done)
                         for k in sorted({k for r in done for k in r.statuses})}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a throwaway database)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="total wrk connections")
    parser.add_argument("--starts", type=int, default=5, help="start-ups timed at head")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench.replicas needs wrk on PATH")

    report: dict[str, object] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as scratch:
        report["startup_sqlite"] = startup_times(f"sqlite:///{scratch}/bench.db", scratch,
                                                 args.starts)
        with (nullcontext(args.database_url) if args.database_url
              else throwaway_postgres()) as url:
            report["startup_postgresql"] = startup_times(url, scratch, args.starts)
            with serve(url, scratch) as (a, _):
                order = seed_order(a)
                report["one_process"] = mixed(wrk, [a], order, args.connections, args.duration)
                with serve(url, scratch) as (b, _):
                    report["two_processes"] = mixed(wrk, [a, b], order, args.connections,
                                                    args.duration)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
