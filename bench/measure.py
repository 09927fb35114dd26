"""One measurement = warm-up run, measured run, server CPU and RSS read around it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from bench.bodies import REGISTER_BODY, REGISTER_PATH
from bench.report import Row
from bench.systems import Server, start_emulator
from bench.wrk import Load, WrkResult, run_wrk

_bases = itertools.count(1)


def next_base() -> int:
    """A fresh range of order numbers (10^12 apart) so no two runs reuse one."""
    return next(_bases) * 10**12


@dataclass
class Context:
    wrk: str
    load: Load
    workdir: Path
    servers: list[Server] = field(default_factory=list)  # everything to stop at the end
    emulator_source: Path | None = None  # a patched copy of the package (--with-proposals)

    def track(self, server: Server) -> Server:
        self.servers.append(server)
        return server

    def emulator(self, db: Path, extra_args: list[str] | None = None,
                 label: str = "emulator", source: Path | None = None) -> Server:
        """Start (and track) an emulator on `db`; `label` names it in the results."""
        server = start_emulator(self.workdir, db, extra_args=extra_args,
                                source=source or self.emulator_source)
        server.name = label
        return self.track(server)

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


def measure(ctx: Context, server: Server, scenario: str, script: str, args: dict, *,
            threads: int | None = None, connections: int | None = None,
            fresh_base: bool = False, note: str = "") -> tuple[Row, WrkResult]:
    load = ctx.load
    t, c = threads or load.threads, connections or load.connections
    if load.warmup > 0:
        warm_args = {**args, "base": next_base()} if fresh_base else args
        server.answered += run_wrk(ctx.wrk, server.base, script, warm_args, threads=t,
                                   connections=c, duration=load.warmup).requests
    if fresh_base:
        args = {**args, "base": next_base()}
    cpu_before = server.cpu_seconds()
    result = run_wrk(ctx.wrk, server.base, script, args, threads=t, connections=c,
                     duration=load.duration)
    cpu = server.cpu_seconds() - cpu_before
    server.answered += result.requests
    row = Row(scenario=scenario, system=server.name, rps=result.rps, p50_ms=result.p50_ms,
              p99_ms=result.p99_ms, errors=result.errors, requests=result.requests,
              rss_mb=server.row_rss_mb(),
              cpu_ms_per_request=cpu * 1000 / result.requests if result.requests else None,
              note=note)
    result.args = args  # the base used, for row checks
    print(f"  {scenario:<22} {server.name:<9} {result.rps:9.0f} req/s  p50 {result.p50_ms:7.2f} "
          f"ms  p99 {result.p99_ms:8.2f} ms  errors {result.errors}  "
          f"cpu/req {row.cpu_ms_per_request or 0:.3f} ms  rss {row.rss_mb} MB"
          + (" (largest worker)" if server.workers > 1 else ""), flush=True)
    return row, result


def warm_system(ctx: Context, server: Server, order: int) -> None:
    """Before a system's first measurement: scenario 1 and 2 mixed for load.system_warmup
    seconds, so JIT compilers (WireMock's JVM, Prism's V8) start the scenarios warm."""
    if ctx.load.system_warmup <= 0:
        return
    result = run_wrk(ctx.wrk, server.base, "mixed", {
        "order": order, "base": next_base(), "path": REGISTER_PATH, "body": REGISTER_BODY},
        threads=ctx.load.threads, connections=ctx.load.connections,
        duration=ctx.load.system_warmup)
    server.answered += result.requests


def soak(ctx: Context, server: Server, total: int, order: int) -> WrkResult | None:
    """Top the server up to `total` answered requests (half info, half new registers)."""
    missing = total - server.answered
    if missing <= 0:
        return None
    threads = ctx.load.threads
    result = run_wrk(ctx.wrk, server.base, "mixed", {
        "order": order, "base": next_base(), "path": REGISTER_PATH, "body": REGISTER_BODY,
        "budget": -(-missing // threads)}, threads=threads, connections=ctx.load.connections,
        duration=1800, server_cpu=server.cpu_seconds)
    server.answered += result.requests
    return result
