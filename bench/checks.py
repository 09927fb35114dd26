"""The targets (issue 16, the second round), evaluated from one run's report.

Throughput targets are ratios within the run (a peer's figure moves from run to run); each
check reads as the measured value against the target, and a figure the run did not measure is
"not measured", never a pass.
"""

from __future__ import annotations

import statistics

from bench.compare import S1, S2, S4, S5
from bench.report import Check, Report, Row
from bench.workers import label as workers_label

# scenario → the most server CPU per request one worker may spend on it, in ms
CPU_BUDGET_MS = {S1: 0.15, S2: 0.30, S4: 0.40, S5: 0.40}
ONE = "emulator"


def _row(report: Report, scenario: str, system: str) -> Row | None:
    return next((r for r in report.rows if r.scenario == scenario and r.system == system), None)


def _number(scenario: str) -> str:
    return scenario.split(":")[0]


def ratio_check(report: Report, scenario: str, system: str, peer: str, factor: float) -> Check:
    """`system` ≥ factor × `peer` in requests/s on `scenario`; on scenario 2 the run's stored
    rows must also cover its 201s."""
    mine, theirs = _row(report, scenario, system), _row(report, scenario, peer)
    name = f"Scenario {_number(scenario)}: {system} ≥ {factor} × {peer} (requests/s)"
    target = f"≥ {factor}×"
    if mine is None or theirs is None or not theirs.rps:
        missing = " and ".join(s for s, r in ((system, mine), (peer, theirs)) if r is None)
        return Check(name, "–", target, None, f"{missing or peer} not measured")
    ratio = mine.rps / theirs.rps
    ok, note = ratio >= factor, ""
    if scenario == S2:
        rows = report.register_rows.get(system)
        if rows is None:
            ok, note = False, "stored rows not counted"
        else:
            created, stored = rows
            ok = ok and stored >= created
            note = f"{stored:,} rows stored for {created:,} × 201"
    return Check(name, f"{ratio:.2f}× ({mine.rps:,.0f} vs {theirs.rps:,.0f})", target, ok, note)


def cpu_check(report: Report, scenario: str, budget_ms: float, system: str = ONE) -> Check:
    row = _row(report, scenario, system)
    name = f"Scenario {_number(scenario)}: server CPU per request, one worker"
    target = f"≤ {budget_ms:.2f} ms"
    if row is None or row.cpu_ms_per_request is None:
        return Check(name, "–", target, None)
    return Check(name, f"{row.cpu_ms_per_request:.3f} ms", target,
                 row.cpu_ms_per_request <= budget_ms)


def _limit(name: str, value: float | None, target: str, limit: float, digits: int = 1,
           note: str = "") -> Check:
    """`value` ≤ `limit`; the unit is the target's ("≤ 100 MB")."""
    unit = target.rsplit(" ", 1)[-1]
    shown = f"{value:.{digits}f} {unit}" if value is not None else "–"
    return Check(name, shown, target, (value <= limit) if value is not None else None, note)


def evaluate(report: Report) -> list[Check]:
    two = workers_label(int((report.facts.get("workers") or {}).get("count", 2)))
    checks = [ratio_check(report, S1, ONE, "prism", 1.0),
              ratio_check(report, S2, ONE, "prism", 1.5),
              ratio_check(report, S4, ONE, "prism", 1.0),
              ratio_check(report, S5, ONE, "prism", 1.0),
              ratio_check(report, S1, two, "wiremock", 1.0),
              ratio_check(report, S2, two, "prism", 2.0)]
    checks += [cpu_check(report, scenario, budget) for scenario, budget in CPU_BUDGET_MS.items()]

    paced = report.paced.get(ONE)
    checks.append(_limit("p99 at a fixed 200 requests/s, scenario 1, one worker",
                         paced.p99_ms if paced else None, "≤ 5 ms", 5, 2))

    cold = report.facts.get("cold_start_s")
    checks.append(_limit("Cold start (launch → 200 on /__admin/health, new database), median",
                         statistics.median(cold) if cold else None, "≤ 1.0 s", 1.0, 3))

    mem = report.facts.get("memory") or {}
    checks.append(_limit("RSS after start, one worker", mem.get("rss_start_mb"), "≤ 100 MB", 100))
    many = report.facts.get("workers") or {}
    per_worker = many.get("rss_start_mb") or []
    checks.append(_limit(f"RSS per worker after start, {two}",
                         max(per_worker) if per_worker else None, "≤ 100 MB", 100,
                         note=("workers: " + " / ".join(f"{mb:.1f}" for mb in per_worker)
                               + " MB") if per_worker else ""))
    checks.append(_limit(f"RSS after {mem['requests']:,} requests" if mem else
                         "RSS after 100,000 requests", mem.get("rss_after_mb"), "≤ 120 MB", 120))

    rules = report.facts.get("rules")
    name = "Ten non-matching scenario rules: throughput cost"
    if rules:
        cost = 1 - rules["rps_rules"] / rules["rps_plain"]
        cpu_cost = rules["cpu_ms_rules"] / rules["cpu_ms_plain"] - 1 if rules["cpu_ms_plain"] \
            else 0.0
        checks.append(Check(name, f"{cost * 100:.1f} %", "≤ 5 %", cost <= 0.05,
                            f"server CPU per request {cpu_cost * 100:+.1f} %"))
    else:
        checks.append(Check(name, "–", "≤ 5 %", None))
    return checks


def measurements(report: Report) -> list[tuple[str, str]]:
    """The emulator-only figures as table lines."""
    out: list[tuple[str, str]] = []
    if report.flows_per_s is not None:
        out.append(("Scenario 3: whole purchases per second (validate → register → info ×2 → "
                    "download-url)", f"{report.flows_per_s:,.0f} flows/s"))
    for system, paced in report.paced.items():
        out.append((f"{system}: scenario 1 at a fixed 200 requests/s (open loop)",
                    f"p50 {paced.p50_ms:.2f} ms, p99 {paced.p99_ms:.2f} ms, max "
                    f"{paced.max_ms:.2f} ms, errors {paced.errors}"))
    cold = report.facts.get("cold_start_s")
    if cold:
        out.append(("Cold start, launch → 200 on /__admin/health, new database",
                    f"median {statistics.median(cold):.3f} s (runs: "
                    f"{', '.join(f'{t:.3f}' for t in cold)})"))
    again = report.facts.get("cold_start_existing_s")
    if again:
        out.append(("Start on an existing database (schema current)",
                    f"median {statistics.median(again):.3f} s (runs: "
                    f"{', '.join(f'{t:.3f}' for t in again)})"))
    mem = report.facts.get("memory")
    if mem:
        out.append(("RSS after start / after the soak",
                    f"{mem['rss_start_mb']} MB / {mem['rss_after_mb']} MB after "
                    f"{mem['requests']:,} requests (scenarios 1-5, then scenarios 1 and 2 "
                    f"alternating; {mem['errors']} errors)"))
    for size, s in sorted((report.facts.get("scale") or {}).items()):
        out.append((f"Info with {size:,} stored orders (random order each request)",
                    f"200/s: p50 {s['paced_p50_ms']:.2f} ms, p99 {s['paced_p99_ms']:.2f} ms; "
                    f"closed loop: {s['rps']:,.0f} req/s, p99 {s['p99_ms']:.2f} ms; RSS "
                    f"{s['rss_mb']} MB; database {s['db_mb']} MB (seeded in {s['seed_s']} s)"))
    adm = report.facts.get("admin")
    if adm:
        med = lambda v: statistics.median(v) * 1000  # noqa: E731
        out.append((f"Control plane with {adm['orders']:,} orders",
                    f"snapshot {adm['snapshot_s'] * 1000:.0f} ms; sandbox from that snapshot "
                    f"{med(adm['sandbox_from_snapshot_s']):.0f} ms; reset of that sandbox "
                    f"{med(adm['reset_s']):.0f} ms; empty sandbox "
                    f"{med(adm['empty_sandbox_s']):.1f} ms; reset of the default sandbox "
                    f"{adm['reset_default_s'] * 1000:.0f} ms (medians of "
                    f"{len(adm['reset_s'])})"))
    many = report.facts.get("workers")
    if many:
        out.append((f"{workers_label(many['count'])}: RSS per worker",
                    "after start " + ", ".join(f"{mb:.1f}" for mb in many["rss_start_mb"])
                    + " MB; after " + f"{many['requests']:,} requests "
                    + ", ".join(f"{mb:.1f}" for mb in many["rss_after_mb"]) + " MB"))
    floors = [r for r in report.rows if r.system == "floor" and r.cpu_ms_per_request]
    if floors:
        value = ", ".join(f"{r.scenario.removeprefix('floor: ')} {r.cpu_ms_per_request:.3f} ms"
                          for r in floors)
        info, fastapi = _row(report, S1, ONE), floors[0]
        if info is not None and info.cpu_ms_per_request and fastapi.cpu_ms_per_request:
            value += (f"; scenario 1 on the emulator {info.cpu_ms_per_request:.3f} ms, "
                      f"{info.cpu_ms_per_request / fastapi.cpu_ms_per_request:.1f}× the "
                      f"{fastapi.scenario.removeprefix('floor: ')}")
        out.append(("Framework floors: server CPU per request (same wrk load)", value))
    rules = report.facts.get("rules")
    if rules:
        out.append(("Scenario 1 with ten non-matching rules active",
                    f"{rules['rps_rules']:,.0f} vs {rules['rps_plain']:,.0f} req/s without; "
                    f"server CPU {rules['cpu_ms_rules']:.3f} vs {rules['cpu_ms_plain']:.3f} "
                    "ms/request (medians of five interleaved runs)"))
    return out
