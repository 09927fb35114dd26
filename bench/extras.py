"""The emulator-only measurements: cold start, memory, scale, admin operations, rule cost."""

from __future__ import annotations

import sqlite3
import statistics
import time
import uuid

from bench import client, seed
from bench.bodies import REGISTER_BODY, REGISTER_PATH
from bench.measure import Context, measure, next_base
from bench.paced import info_requests, run_paced, summarize
from bench.report import Report
from bench.systems import REPO
from bench.tools import BENCH_DIR
from bench.wrk import run_wrk

TEN_RULES = BENCH_DIR / "scenarios" / "bench-ten-rules.yaml"


def _fresh_db(ctx: Context, name: str):
    path = ctx.workdir / f"{name}-{uuid.uuid4().hex[:6]}.db"
    return path


def _drop(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def cold_start(ctx: Context, report: Report, runs: int = 5) -> None:
    """Process launch → first 200 on /__admin/health: on a new database each time (a CI job's
    first start: the schema is created), then restarts on an existing one."""
    fresh, existing = [], []
    kept = _fresh_db(ctx, "cold-existing")
    for index in range(runs):
        db = kept if index == 0 else _fresh_db(ctx, "cold")
        server = ctx.emulator(db)
        fresh.append(server.wait_ready(interval=0.002))
        server.stop()
        if db != kept:
            _drop(db)
    for _ in range(max(1, runs - 2)):
        server = ctx.emulator(kept)
        existing.append(server.wait_ready(interval=0.002))
        server.stop()
    _drop(kept)
    report.facts["cold_start_s"] = fresh
    report.facts["cold_start_existing_s"] = existing
    print(f"  cold start: new database median {statistics.median(fresh):.3f} s (runs: "
          f"{', '.join(f'{t:.3f}' for t in fresh)}); existing database median "
          f"{statistics.median(existing):.3f} s", flush=True)


def memory(ctx: Context, report: Report, requests: int = 100_000) -> None:
    """RSS after start, then after `requests` requests (half info, half new registers)."""
    db = _fresh_db(ctx, "memory")
    server = ctx.emulator(db)
    server.wait_ready()
    time.sleep(0.5)  # let start-up allocations settle
    rss_start = server.rss_mb()
    client.hl_completed_order(server.port, 5001)
    threads = ctx.load.threads
    result = run_wrk(ctx.wrk, server.base, "mixed", {
        "order": 5001, "base": next_base(), "path": REGISTER_PATH, "body": REGISTER_BODY,
        "budget": -(-requests // threads)}, threads=threads, connections=ctx.load.connections,
        duration=900, server_cpu=server.cpu_seconds)
    rss_after = server.rss_mb()
    report.facts["memory"] = {"rss_start_mb": rss_start, "rss_after_mb": rss_after,
                              "requests": result.requests, "errors": result.errors}
    print(f"  RSS: {rss_start} MB after start, {rss_after} MB after {result.requests:,} "
          f"requests ({result.errors} errors)", flush=True)
    server.stop()
    _drop(db)


def scale(ctx: Context, report: Report, sizes: tuple[int, ...] = (1_000, 1_000_000), *,
          rate: float = 200.0, seconds: float = 10.0, rounds: int = 5) -> None:
    """Info latency for random stored orders with 1,000 vs 1,000,000 orders in the table.

    Both emulators run at once and the open-loop runs alternate in `rounds` slices, so both
    sizes see the same machine (other load drifts over minutes); latencies are pooled."""
    out, servers, dbs, seeded = {}, {}, {}, {}
    for size in sizes:
        dbs[size] = _fresh_db(ctx, f"scale{size}")
        seed.create_schema(dbs[size])
        seeded[size] = seed.hl_completed_orders(dbs[size], size)
        servers[size] = ctx.emulator(dbs[size])
        servers[size].wait_ready()
    pooled: dict[int, list[float]] = {size: [] for size in sizes}
    errors = {size: 0 for size in sizes}
    for size in sizes:  # warm-up: the first reads of a cold table are not the steady state
        run_paced(servers[size].port, info_requests(1, size, seed=0), rate=rate, seconds=1)
    for index in range(rounds):
        for size in (sizes if index % 2 == 0 else tuple(reversed(sizes))):
            part = run_paced(servers[size].port, info_requests(1, size, seed=size + index),
                             rate=rate, seconds=seconds / rounds, keep_samples=True)
            pooled[size].extend(part.samples_ms)
            errors[size] += part.errors
    for size in sizes:
        server = servers[size]
        paced = summarize(pooled[size], rate=rate, sent=len(pooled[size]),
                          ok=len(pooled[size]) - errors[size], errors=errors[size])
        row, result = measure(ctx, server, f"info, {size:,} orders", "info",
                              {"lo": 1, "hi": size, "seed": 7})
        out[size] = {"seed_s": round(seeded[size], 2), "paced_p50_ms": paced.p50_ms,
                     "paced_p99_ms": paced.p99_ms, "paced_errors": paced.errors,
                     "rps": result.rps, "p99_ms": result.p99_ms, "errors": result.errors,
                     "rss_mb": row.rss_mb, "db_mb": round(dbs[size].stat().st_size / 2**20, 1)}
        print(f"  {size:>9,} orders (seeded in {seeded[size]:.1f} s): paced {rate:.0f}/s p50 "
              f"{paced.p50_ms:.2f} ms, p99 {paced.p99_ms:.2f} ms; closed loop {result.rps:.0f} "
              f"req/s p99 {result.p99_ms:.2f} ms; RSS {row.rss_mb} MB", flush=True)
    for size in sizes:
        servers[size].stop()
        _drop(dbs[size])
    report.facts["scale"] = out


def admin(ctx: Context, report: Report, orders: int = 10_000, cycles: int = 3) -> None:
    """Snapshot, sandbox-from-snapshot and reset timings with `orders` stored orders."""
    spec = (REPO / "openapi.yaml").read_text(encoding="utf-8")
    if not all(p in spec for p in ("/__admin/reset:", "/__admin/sandboxes:",
                                   "/__admin/snapshots:")):
        report.notes.append("Reset/sandbox timings skipped: the control plane endpoints are "
                            "not in openapi.yaml.")
        return
    db = _fresh_db(ctx, "admin")
    seed.create_schema(db)
    seed.hl_completed_orders(db, orders)
    server = ctx.emulator(db)
    server.wait_ready()
    port = server.port

    def rows_in(sandbox: str) -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM hl_order_line WHERE sandbox = ?",
                                (sandbox,)).fetchone()[0]

    status, body, snap_s = client.call(port, "POST", "/__admin/snapshots", {"name": "bench-10k"})
    if status != 201:
        raise RuntimeError(f"snapshot answered {status}: {body}")
    create_s, reset_s, empty_s = [], [], []
    for _ in range(cycles):
        status, body, took = client.call(port, "POST", "/__admin/sandboxes",
                                         {"from": "bench-10k"})
        if status != 201 or rows_in(body["id"]) != orders:
            raise RuntimeError(f"sandbox from snapshot: {status} {body}")
        create_s.append(took)
        status, reset, took = client.call(port, "POST", "/__admin/reset", None,
                                          {"X-Emulator-Sandbox": body["id"]})
        if status != 200 or rows_in(body["id"]) != 0:
            raise RuntimeError(f"reset answered {status}: {reset}")
        reset_s.append(took)
        status, body, took = client.call(port, "POST", "/__admin/sandboxes", {})
        empty_s.append(took)
    status, _, default_reset = client.call(port, "POST", "/__admin/reset")
    if rows_in("default") != 0:
        raise RuntimeError("reset of the default sandbox left rows")
    facts = {"orders": orders, "snapshot_s": snap_s, "sandbox_from_snapshot_s": create_s,
             "reset_s": reset_s, "empty_sandbox_s": empty_s, "reset_default_s": default_reset}
    report.facts["admin"] = facts
    print(f"  {orders:,} orders: snapshot {snap_s * 1000:.0f} ms, sandbox from snapshot "
          f"{statistics.median(create_s) * 1000:.0f} ms, reset "
          f"{statistics.median(reset_s) * 1000:.0f} ms, empty sandbox "
          f"{statistics.median(empty_s) * 1000:.1f} ms, reset default "
          f"{default_reset * 1000:.0f} ms", flush=True)
    server.stop()
    _drop(db)


def rules(ctx: Context, report: Report, rounds: int = 5) -> None:
    """Scenario 1 without and with ten active, never-matching rules, runs interleaved.

    The effect (a few per cent) is smaller than the run-to-run swing of a shared machine
    (±15 %), so each side is the median of five interleaved runs, not one run."""
    plain = ctx.emulator(_fresh_db(ctx, "plain"))
    ruled = ctx.emulator(_fresh_db(ctx, "rules"), extra_args=["--scenario", str(TEN_RULES)])
    for server in (plain, ruled):
        server.wait_ready()
        client.hl_completed_order(server.port, 5001)
    runs: dict[str, list] = {"plain": [], "rules": []}
    for _ in range(rounds):
        for name, server in (("plain", plain), ("rules", ruled)):
            row, _ = measure(ctx, server, f"info, {name}", "info", {"order": 5001})
            runs[name].append(row)
    plain.stop()
    ruled.stop()

    def best(rows):  # the typical run of each: a lucky or disturbed run moves it least
        return (statistics.median(r.rps for r in rows),
                statistics.median(r.cpu_ms_per_request or 0 for r in rows))

    rps_plain, cpu_plain = best(runs["plain"])
    rps_rules, cpu_rules = best(runs["rules"])
    report.facts["rules"] = {
        "rps_plain": rps_plain, "rps_rules": rps_rules,
        "cpu_ms_plain": cpu_plain, "cpu_ms_rules": cpu_rules,
        "errors": sum(r.errors for r in runs["rules"]),
        "runs": {k: [(r.rps, r.cpu_ms_per_request) for r in v] for k, v in runs.items()},
    }
    print(f"  ten rules: {rps_rules:.0f} vs {rps_plain:.0f} req/s "
          f"({(1 - rps_rules / rps_plain) * 100:.1f} % cost), CPU/req {cpu_rules:.3f} vs "
          f"{cpu_plain:.3f} ms", flush=True)
