"""The issue's targets, evaluated from one run's report."""

from __future__ import annotations

import statistics

from bench.compare import S1, S2
from bench.report import Check, Report


def _rps(report: Report, scenario: str, system: str) -> float | None:
    row = next((r for r in report.rows if r.scenario == scenario and r.system == system), None)
    return row.rps if row else None


def _ratio_check(report: Report, scenario: str, peer: str, factor: float,
                 extra_ok: bool = True, extra_note: str = "") -> Check:
    mine, theirs = _rps(report, scenario, "emulator"), _rps(report, scenario, peer)
    name = f"Scenario {scenario.split(':')[0]}: emulator ≥ {factor} × {peer} (requests/s)"
    if mine is None or theirs is None or theirs == 0:
        return Check(name, "–", f"≥ {factor}×", None, f"{peer} not measured")
    ratio = mine / theirs
    return Check(name, f"{ratio:.2f}× ({mine:,.0f} vs {theirs:,.0f})", f"≥ {factor}×",
                 ratio >= factor and extra_ok, extra_note)


def evaluate(report: Report) -> list[Check]:
    checks = [_ratio_check(report, S1, "wiremock", 1.0), _ratio_check(report, S1, "prism", 2.5)]
    rows_ok, rows_note = True, ""
    if report.register_rows:
        created, stored = report.register_rows
        rows_ok = stored >= created
        rows_note = f"{stored:,} rows stored for {created:,} × 201"
    checks.append(_ratio_check(report, S2, "wiremock", 1.0, rows_ok, rows_note))

    paced = report.paced.get("emulator")
    checks.append(Check("p99 at a fixed 200 requests/s, scenario 1",
                        f"{paced.p99_ms:.2f} ms" if paced else "–", "≤ 5 ms",
                        (paced.p99_ms <= 5.0) if paced else None))

    cold = report.facts.get("cold_start_s")
    checks.append(Check("Cold start (launch → 200 on /__admin/health, new database), median",
                        f"{statistics.median(cold):.3f} s" if cold else "–", "≤ 1.0 s",
                        (statistics.median(cold) <= 1.0) if cold else None))

    mem = report.facts.get("memory")
    checks.append(Check("RSS after start", f"{mem['rss_start_mb']} MB" if mem else "–",
                        "≤ 100 MB", (mem["rss_start_mb"] <= 100) if mem else None))
    checks.append(Check(f"RSS after {mem['requests']:,} requests" if mem else
                        "RSS after 100,000 requests",
                        f"{mem['rss_after_mb']} MB" if mem else "–", "≤ 120 MB",
                        (mem["rss_after_mb"] <= 120) if mem else None))

    scale = report.facts.get("scale")
    if scale and len(scale) >= 2:
        small, large = sorted(scale)[0], sorted(scale)[-1]
        a, b = scale[small]["paced_p99_ms"], scale[large]["paced_p99_ms"]
        checks.append(Check(f"Info p99 at {large:,} vs {small:,} orders (200 req/s, random "
                            "orders)", f"{b / a:.2f}× ({b:.2f} vs {a:.2f} ms)", "≤ 1.5×",
                            b / a <= 1.5))
    else:
        checks.append(Check("Info p99 at 1,000,000 vs 1,000 orders", "–", "≤ 1.5×", None))

    rules = report.facts.get("rules")
    if rules:
        cost = 1 - rules["rps_rules"] / rules["rps_plain"]
        cpu_cost = rules["cpu_ms_rules"] / rules["cpu_ms_plain"] - 1 if rules["cpu_ms_plain"] \
            else 0.0
        checks.append(Check("Ten non-matching scenario rules: throughput cost",
                            f"{cost * 100:.1f} %", "≤ 5 %", cost <= 0.05,
                            f"server CPU per request {cpu_cost * 100:+.1f} %"))
    else:
        checks.append(Check("Ten non-matching scenario rules: throughput cost", "–", "≤ 5 %",
                            None))
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
    rules = report.facts.get("rules")
    if rules:
        out.append(("Scenario 1 with ten non-matching rules active",
                    f"{rules['rps_rules']:,.0f} vs {rules['rps_plain']:,.0f} req/s without; "
                    f"server CPU {rules['cpu_ms_rules']:.3f} vs {rules['cpu_ms_plain']:.3f} "
                    "ms/request (medians of five interleaved runs)"))
    return out
