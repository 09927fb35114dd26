#!/usr/bin/env python3
"""Soak: mixed traffic across every vendor with the `chaos` scenario on, for a long time.

    python bench/soak/soak.py                      # 30 minutes, results in bench/soak/results/
    python bench/soak/soak.py --duration 180       # a 3-minute proof run

Starts `purchase-emulator serve` (a fresh SQLite file in a temporary directory, loopback only),
runs N concurrent clients, samples the server's RSS every few seconds, and at the end writes a
JSON report plus a short Markdown summary: requests, errors by kind, RSS at start and end and
its curve, journal and database size. Passes (exit 0) when RSS after warm-up grew by at most
--max-growth (10 %); exit 1 otherwise. Stops the server it started, by its pid.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.soak.traffic import Stats, Traffic  # noqa: E402
from bench.systems import free_port, stop_gracefully, wait_healthy  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python bench/soak/soak.py", description=__doc__.split("\n")[0])
    p.add_argument("--duration", type=float, default=1800, help="seconds of load (1800)")
    p.add_argument("--warmup", type=float, default=None,
                   help="seconds excluded from the RSS criterion (default: 10%% of the duration, "
                        "at least 30 and at most 300)")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent clients (16)")
    p.add_argument("--sample-every", type=float, default=5, help="RSS sampling interval (5 s)")
    p.add_argument("--scenario", default="chaos", help="scenario active on the server (chaos)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--max-growth", type=float, default=0.10, help="allowed RSS growth (0.10)")
    p.add_argument("--out", type=Path, default=None,
                   help="report path (default bench/soak/results/soak-<UTC time>.json)")
    args = p.parse_args(argv)
    if args.warmup is None:
        args.warmup = min(300.0, max(30.0, args.duration * 0.10))
    return args


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server(workdir: Path, port: int, scenario: str, seed: int) -> subprocess.Popen:
    exe = shutil.which("purchase-emulator") or str(Path(sys.executable).parent / "purchase-emulator")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
    env.update({"EMULATOR_LOG_FORMAT": "json", "EMULATOR_GMODSTORE__RATE_LIMIT": "100000000",
                "EMULATOR_SANDBOX_POOL_SIZE": "0"})
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--database-url", f"sqlite:///{workdir / 'soak.db'}",
                             "--seed", str(seed), "--scenario", scenario],
                            cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    if wait_healthy(proc, port, timeout=60, interval=0.1):
        return proc
    proc.kill()
    raise SystemExit(f"server did not start; see {workdir / 'server.log'}")


async def run_load(base: str, args, pid: int) -> tuple[Stats, list[dict]]:
    stats = Stats()
    curve: list[dict] = []
    started = time.monotonic()
    end = started + args.duration
    # timeouts: chaos dribbles bodies for 1.5 s; a reset or empty answer fails fast
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(10.0),
                                 limits=httpx.Limits(max_connections=args.concurrency)) as c:
        async def worker(i: int) -> None:
            traffic = Traffic(c, stats, i, args.seed)
            while time.monotonic() < end:
                await traffic.step()

        async def sampler() -> None:
            while True:
                t = time.monotonic() - started
                curve.append({"t": round(t, 1), "rss_kb": rss_kb(pid),
                              "requests": stats.total()})
                if t >= args.duration:
                    return
                await asyncio.sleep(min(args.sample_every, max(0.0, args.duration - t)))

        await asyncio.gather(sampler(), *(worker(i) for i in range(args.concurrency)))
    return stats, curve


def summarise(args, stats: Stats, curve: list[dict], journal: dict, db_bytes: int) -> dict:
    after = [p for p in curve if p["t"] >= args.warmup]
    # compare medians over a minute (a quarter of the measured span in short runs): noise
    span = min(60.0, max(args.sample_every, (args.duration - args.warmup) / 4))
    window = max(1, int(span / args.sample_every))
    start_rss = statistics.median(p["rss_kb"] for p in after[:window]) if after else 0
    end_rss = statistics.median(p["rss_kb"] for p in after[-window:]) if after else 0
    growth = (end_rss - start_rss) / start_rss if start_rss else 0.0
    lat = sorted(stats.latencies)
    return {
        "duration_s": args.duration, "warmup_s": args.warmup, "concurrency": args.concurrency,
        "scenario": args.scenario, "requests": stats.total(),
        "requests_per_s": round(stats.total() / args.duration, 1),
        "by_vendor": dict(stats.by_vendor), "outcomes": dict(stats.kinds.most_common()),
        "latency_ms": {"p50": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
                       "p99": round(lat[int(len(lat) * 0.99)] * 1000, 1) if lat else None},
        "rss_kb": {"first_sample": curve[0]["rss_kb"] if curve else 0,
                   "after_warmup": start_rss, "end": end_rss,
                   "max": max((p["rss_kb"] for p in curve), default=0),
                   "growth_after_warmup": round(growth, 4)},
        "rss_ok": growth <= args.max_growth, "max_growth": args.max_growth,
        "journal": journal, "database_bytes": db_bytes, "curve": curve,
    }


def markdown(report: dict) -> str:
    rss = report["rss_kb"]
    lines = [
        f"# Soak: {report['duration_s']:.0f} s, {report['concurrency']} clients, "
        f"scenario {report['scenario']}",
        "",
        f"- requests: {report['requests']} ({report['requests_per_s']}/s); by vendor: "
        + ", ".join(f"{k} {v}" for k, v in report["by_vendor"].items()),
        "- outcomes: " + ", ".join(f"{k} {v}" for k, v in report["outcomes"].items()),
        f"- latency: p50 {report['latency_ms']['p50']} ms, p99 {report['latency_ms']['p99']} ms",
        f"- RSS: {rss['first_sample'] / 1024:.1f} MiB at start, {rss['after_warmup'] / 1024:.1f} "
        f"MiB after warm-up ({report['warmup_s']:.0f} s), {rss['end'] / 1024:.1f} MiB at the end "
        f"(max {rss['max'] / 1024:.1f}); growth after warm-up {rss['growth_after_warmup']:+.1%} "
        f"(limit {report['max_growth']:.0%}): {'PASS' if report['rss_ok'] else 'FAIL'}",
        f"- journal: {report['journal']}; database: {report['database_bytes'] / 1e6:.1f} MB",
        "",
        "| t (s) | RSS (MiB) | requests |",
        "|---:|---:|---:|",
    ]
    step = max(1, len(report["curve"]) // 30)
    for point in report["curve"][::step] + report["curve"][-1:]:
        lines.append(f"| {point['t']:.0f} | {point['rss_kb'] / 1024:.1f} | {point['requests']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    out = args.out or RESULTS / time.strftime("soak-%Y%m%dT%H%M%SZ.json", time.gmtime())
    out.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    port = free_port()
    proc = start_server(workdir, port, args.scenario, args.seed)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"soak: {args.duration:.0f} s against {base} (pid {proc.pid}), "
              f"scenario {args.scenario}, {args.concurrency} clients -> {out}", flush=True)
        stats, curve = asyncio.run(run_load(base, args, proc.pid))
        with httpx.Client(base_url=base, timeout=30) as c:
            listed = c.get("/__admin/requests", params={"limit": 1}).json()
            journal = {"entries": listed.get("total"), "capacity": listed.get("capacity")}
            alive = c.get("/__admin/health").status_code == 200
    finally:
        stop_gracefully(proc)
    db_bytes = sum(f.stat().st_size for f in workdir.glob("soak.db*"))
    report = summarise(args, stats, curve, journal, db_bytes)
    report["server_alive_at_end"] = alive
    report["server_exit_code"] = proc.returncode
    out.write_text(json.dumps(report, indent=1))
    out.with_suffix(".md").write_text(markdown(report))
    shutil.copy(workdir / "server.log", out.with_suffix(".server.log"))
    shutil.rmtree(workdir, ignore_errors=True)
    print(markdown(report))
    return 0 if report["rss_ok"] and alive else 1


if __name__ == "__main__":
    sys.exit(main())
