"""Scenarios 1-5, side by side: the emulator, then Prism, then WireMock (one at a time).

Each system runs alone while it is measured; every system gets the same wrk load.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench import client, seed, systems
from bench.bodies import REGISTER_BODY, REGISTER_PATH
from bench.measure import Context, measure, soak, warm_system
from bench.paced import get_request, run_paced
from bench.report import Report
from bench.tools import BENCH_DIR, Tools

S1, S2, S3 = "1: HL info", "2: HL register", "3: HL purchase flow"
S4, S5 = "4: GmodStore list", "5: GVP CreatePurchase"
INFO_ORDER = 5001
GMS_LIST = f"/api/v3/products/{seed.GMS_DEMO_PRODUCT}/purchases?perPage=24"
GVP_LOGIN = ("/AuthenticationService.svc/LoginUserPassword?userName=rich&password=rich123"
             "&deviceType=1&instanceId=1")
# A Credit top-up (product 5001) paid with Billing: the one Billing purchase a user may repeat,
# so every request stores a new purchase (a movie could be bought only once per user).
GVP_CREATE = ("/SubscriptionService.svc/CreatePurchase?token={token}&productId=5001"
              "&productType=5&pricingModelId=0&paymentType=1&pin=1234"
              # required by the contract (Prism enforces it) though Billing never redirects
              "&returnURL=https%3A%2F%2Fshop.example%2Fok"
              "&cancelURL=https%3A%2F%2Fshop.example%2Fcancel")


def paced_info(ctx: Context, server: systems.Server, report: Report, rate: float,
               seconds: float) -> None:
    request = get_request(f"/purchase/info?order_id={INFO_ORDER}",
                          {"Authorization": "Bearer hl-demo-token"})
    result = run_paced(server.port, lambda _i: request, rate=rate, seconds=seconds)
    server.answered += result.sent
    report.paced[server.name] = result
    print(f"  paced {rate:.0f}/s {server.name:<9} p50 {result.p50_ms:.2f} ms  p99 "
          f"{result.p99_ms:.2f} ms  errors {result.errors}  (client late ≤ "
          f"{result.late_ms:.1f} ms)", flush=True)


def stored_rows(db: Path, base: int) -> int:
    """Sandbox order lines stored in the order-number range of one run (base .. base + 10^12)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM hl_order_line WHERE environment = 'sandbox' "
            "AND order_number > ? AND order_number < ?", (base, base + 10**12)).fetchone()[0]


def register(ctx: Context, report: Report, server: systems.Server, db: Path) -> None:
    """Scenario 2 on an emulator, then its stored rows counted against the 201s."""
    row, result = measure(ctx, server, S2, "register",
                          {"path": REGISTER_PATH, "body": REGISTER_BODY}, fresh_base=True)
    created = result.statuses.get("201", 0)
    stored = stored_rows(db, int(str(result.args["base"])))
    # wrk stops counting at the deadline, so up to one request per connection may be
    # stored without its 201 having been counted; never fewer rows than 201s.
    row.note = f"{stored:,} rows stored for {created:,} × 201"
    report.register_rows[server.name] = (created, stored)
    report.rows.append(row)


def emulator(ctx: Context, report: Report, *, gms_purchases: int, rate: float,
             paced_seconds: float, soak_total: int = 0,
             variants: list[tuple[str, Path | None]] | None = None) -> None:
    """Scenarios 1-5 on one emulator process per variant (label, patched source or None).
    With several variants all run at once and each scenario is measured on each in turn, so
    they see the same machine. With `soak_total`, the first variant's process is then topped
    up to that many answered requests for the second RSS reading."""
    variants = variants or [("emulator", None)]
    servers: list[tuple[systems.Server, Path, float]] = []
    for label, source in variants:
        db = ctx.workdir / f"compare-{len(ctx.servers)}.db"
        seed.create_schema(db)
        seed.gms_purchases(db, gms_purchases)
        server = ctx.emulator(db, label=label, source=source)
        server.wait_ready()
        time.sleep(0.5)  # let start-up allocations settle
        servers.append((server, db, server.rss_mb()))
        client.hl_completed_order(server.port, INFO_ORDER)
    for server, _, _ in servers:
        warm_system(ctx, server, INFO_ORDER)

    def each(step) -> None:
        for server, db, _ in servers:
            step(server, db)

    each(lambda server, db: report.rows.append(
        measure(ctx, server, S1, "info", {"order": INFO_ORDER})[0]))

    each(lambda server, db: register(ctx, report, server, db))

    def flow(server: systems.Server, db: Path) -> None:
        flow_c = ctx.load.flow_connections
        row, result = measure(ctx, server, S3, "flow", {}, threads=flow_c,
                              connections=flow_c, fresh_base=True)
        row.note = f"{result.flows_per_s:,.0f} flows/s (5 requests each)"
        if server.name == "emulator":
            report.flows_per_s = result.flows_per_s
        report.rows.append(row)
    each(flow)

    each(lambda server, db: report.rows.append(measure(ctx, server, S4, "get", {
        "path": GMS_LIST, "token": "gms-demo-token", "body_has": '"perPage":24'},
        note=f"product with {gms_purchases:,} purchases")[0]))

    def gvp(server: systems.Server, db: Path) -> None:
        status, login, _ = client.call(server.port, "GET", GVP_LOGIN)
        if status == 200 and isinstance(login, dict) and login.get("StatusCode") == 0:
            path = GVP_CREATE.format(token=login["Content"]["Token"])
            report.rows.append(measure(ctx, server, S5, "get", {
                "path": path, "body_has": '"StatusCode":0'},
                note="Billing, credit top-up; unsigned (OAuth lenient)")[0])
        else:
            report.notes.append(f"Scenario 5 skipped: GVP login answered {status}: {login}")
    each(gvp)

    each(lambda server, db: paced_info(ctx, server, report, rate, paced_seconds))
    for server, _, _ in servers[1:]:
        server.stop()
    server, _, rss_start = servers[0]
    if soak_total:
        result = soak(ctx, server, soak_total, INFO_ORDER)
        report.facts["memory"] = {
            "rss_start_mb": rss_start, "rss_after_mb": server.rss_mb(),
            "requests": server.answered, "errors": result.errors if result else 0,
            "soak_requests": result.requests if result else 0}
        print(f"  RSS: {rss_start} MB after start, {server.rss_mb()} MB after "
              f"{server.answered:,} requests (scenarios 1-5, then "
              f"{result.requests if result else 0:,} of the soak)", flush=True)
    server.stop()


def peers(ctx: Context, report: Report, tools: Tools, *, rate: float,
          paced_seconds: float) -> None:
    if tools.prism is not None:
        server = ctx.track(systems.start_prism(ctx.workdir, tools.prism))
        server.wait_ready(timeout=120)
        warm_system(ctx, server, INFO_ORDER)
        _peer_scenarios(ctx, report, server, gmod_gvp=True)
        paced_info(ctx, server, report, rate, paced_seconds)
        server.stop()
    else:
        report.notes.append("Prism was not available (npm missing): not measured.")
    if tools.wiremock_jar is not None and tools.java is not None:
        server = ctx.track(systems.start_wiremock(ctx.workdir, tools.java, tools.wiremock_jar,
                                                  BENCH_DIR / "wiremock"))
        server.wait_ready(timeout=120)
        warm_system(ctx, server, INFO_ORDER)
        _peer_scenarios(ctx, report, server, gmod_gvp=False)
        paced_info(ctx, server, report, rate, paced_seconds)
        server.stop()
    else:
        report.notes.append("WireMock was not available (npm or Java missing): not measured.")


def _peer_scenarios(ctx: Context, report: Report, server: systems.Server, *,
                    gmod_gvp: bool) -> None:
    report.rows.append(measure(ctx, server, S1, "info", {"order": INFO_ORDER},
                               note="canned body")[0])
    report.rows.append(measure(ctx, server, S2, "register",
                               {"path": REGISTER_PATH, "body": REGISTER_BODY},
                               fresh_base=True, note="201, nothing stored")[0])
    if gmod_gvp:  # Prism serves the whole contract; WireMock only has HL Connect stubs
        report.rows.append(measure(ctx, server, S4, "get", {
            "path": GMS_LIST, "token": "gms-demo-token"}, note="example body")[0])
        report.rows.append(measure(ctx, server, S5, "get", {
            "path": GVP_CREATE.format(token="any")}, note="example body")[0])
