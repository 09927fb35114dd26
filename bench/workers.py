"""Both cores: scenarios 1 and 2 on `purchase-emulator serve --workers 2` on SQLite.

A second emulator, alone while it is measured, on its own fresh SQLite file, with the same wrk
load as every system. Its server CPU per request is summed over uvicorn's supervisor and its
worker processes (bench/systems.py walks the whole process tree); RSS is read per worker,
because the target is per worker.
"""

from __future__ import annotations

import time

from bench import client, compare, systems
from bench.measure import Context, measure, warm_system
from bench.report import Report


def label(count: int) -> str:
    return f"emulator ×{count}"


def wait_workers_started(server: systems.Server, count: int, timeout: float = 120.0,
                         step: float = 0.2) -> list[int]:
    """The first health 200 comes from whichever worker is up first; the others may still be
    importing. Wait until `count` workers exist and none of them used CPU for one step (start-up
    is CPU-bound, an idle worker is listening). A readiness poll, not a fixed pause."""
    deadline = time.monotonic() + timeout
    last: dict[int, float] = {}
    while time.monotonic() < deadline:
        now = systems.worker_cpu_seconds(server.proc.pid)
        if len(now) == count and now.keys() == last.keys() and all(
                now[w] - last[w] < 0.02 for w in now):
            return sorted(now)
        last = now
        time.sleep(step)
    raise RuntimeError(f"{server.name}: {count} idle workers not seen after {timeout:.0f}s; "
                       f"see {server.log}")


def _rss_note(server: systems.Server) -> str:
    per_worker = systems.worker_rss_mb(server.proc.pid)
    return (f"RSS per worker {', '.join(f'{mb:.1f}' for mb in per_worker)} MB "
            f"(tree {server.rss_mb():.1f})")


def _cpu_split(before: dict[int, float], after: dict[int, float]) -> str:
    used = [after[w] - before.get(w, 0.0) for w in sorted(after)]
    total = sum(used)
    if total <= 0:
        return ""
    return "CPU split " + "/".join(f"{u * 100 / total:.0f}" for u in used) + " %"


def workers(ctx: Context, report: Report, *, count: int = 2, rate: float,
            paced_seconds: float) -> None:
    """Scenarios 1 and 2 (stored rows checked) and the fixed-rate info run on N workers."""
    db = ctx.workdir / f"workers-{count}.db"  # new: `serve` creates the schema once
    server = ctx.emulator(db, extra_args=["--workers", str(count)], label=label(count))
    server.workers = count
    server.wait_ready(timeout=120)
    wait_workers_started(server, count)
    rss_start = systems.worker_rss_mb(server.proc.pid)
    print(f"  {count} workers started: RSS per worker {rss_start} MB, whole tree "
          f"{server.rss_mb()} MB", flush=True)
    client.hl_completed_order(server.port, compare.INFO_ORDER)
    warm_system(ctx, server, compare.INFO_ORDER)

    before = systems.worker_cpu_seconds(server.proc.pid)
    row, _ = measure(ctx, server, compare.S1, "info", {"order": compare.INFO_ORDER})
    row.note = "; ".join(n for n in (_rss_note(server), _cpu_split(
        before, systems.worker_cpu_seconds(server.proc.pid))) if n)
    report.rows.append(row)

    before = systems.worker_cpu_seconds(server.proc.pid)
    compare.register(ctx, report, server, db)
    row = report.rows[-1]
    row.note = "; ".join(n for n in (row.note, _rss_note(server), _cpu_split(
        before, systems.worker_cpu_seconds(server.proc.pid))) if n)

    compare.paced_info(ctx, server, report, rate, paced_seconds)
    report.facts["workers"] = {
        "count": count, "rss_start_mb": rss_start,
        "rss_after_mb": systems.worker_rss_mb(server.proc.pid),
        "requests": server.answered}
    server.stop()
