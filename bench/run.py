#!/usr/bin/env python3
"""The benchmark: `python bench/run.py` (see docs/benchmarks.md for what it measures).

Installs its tools when missing, starts each system on a free port, warms up, runs the same
wrk load against each, measures the emulator-only figures, and writes the results table into
docs/benchmarks.md plus docs/benchmarks.png. Every server it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import checks, compare, extras, floors, machine, systems, tools, workers  # noqa: E402
from bench import report as rep
from bench.measure import Context  # noqa: E402
from bench.wrk import Load  # noqa: E402

STAGES = ("compare", "peers", "workers", "floors", "coldstart", "memory", "scale", "admin",
          "rules")
DOCS = Path(__file__).resolve().parent.parent / "docs"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=8, help="measured seconds per run (8)")
    p.add_argument("--warmup", type=float, default=2, help="warm-up seconds per run (2)")
    p.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    p.add_argument("--flow-connections", type=int, default=8,
                   help="scenario 3: threads = connections (8)")
    p.add_argument("--system-warmup", type=float, default=5,
                   help="seconds of scenarios 1+2 before a system's first measurement (5)")
    p.add_argument("--workers", type=int, default=2,
                   help="the workers stage: `serve --workers N` on SQLite (2)")
    p.add_argument("--rate", type=float, default=200, help="open-loop rate, requests/s (200)")
    p.add_argument("--paced-seconds", type=float, default=10, help="open-loop seconds (10)")
    p.add_argument("--soak-requests", type=int, default=100_000,
                   help="requests answered before the second RSS reading: scenarios 1-5, "
                        "then a top-up of scenarios 1+2 (100000)")
    p.add_argument("--large-orders", type=int, default=None,
                   help="stored orders for the scale comparison (1000000; --quick: 20000)")
    p.add_argument("--gms-purchases", type=int, default=10_000,
                   help="purchases of the listed GmodStore product (10000)")
    p.add_argument("--only", default=",".join(STAGES),
                   help=f"comma-separated stages to run ({','.join(STAGES)})")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 2 s runs, 1 s warm-up, small soak and seeds")
    p.add_argument("--output", type=Path, default=DOCS / "benchmarks.md",
                   help="markdown file to update (docs/benchmarks.md)")
    p.add_argument("--chart", type=Path, default=DOCS / "benchmarks.png",
                   help="PNG chart to write (docs/benchmarks.png)")
    p.add_argument("--shared-machine", action="store_true",
                   help="say in the results that other work ran on the machine meanwhile")
    p.add_argument("--with-proposals", action="store_true",
                   help="also measure scenarios 1-5 on a copy of the emulator with "
                        "bench/proposals/*.patch applied")
    p.add_argument("--block", default="results",
                   help="which results block of --output to rewrite (results)")
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.paced_seconds, args.system_warmup = 2, 1, 3, 1
        args.soak_requests = 5_000
    if args.large_orders is None:
        args.large_orders = 20_000 if args.quick else 1_000_000
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    stages = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise SystemExit(f"unknown stage(s): {', '.join(sorted(unknown))}")
    found = tools.ensure_tools(peers="peers" in stages)
    load = Load(threads=args.threads, connections=args.connections, duration=args.duration,
                warmup=args.warmup, flow_connections=args.flow_connections,
                system_warmup=args.system_warmup)
    workdir = Path(tempfile.mkdtemp(prefix="purchase-emulator-bench-"))
    ctx = Context(wrk=found.wrk, load=load, workdir=workdir)
    patches = sorted((Path(__file__).resolve().parent / "proposals").glob("*.patch"))
    if args.with_proposals and not patches:
        raise SystemExit("--with-proposals: bench/proposals/ holds no *.patch to measure")
    patched = systems.patched_source(workdir, patches) if args.with_proposals else None
    report = rep.Report(machine=machine.describe(found.wrk, found.java),
                        load={"threads": load.threads, "connections": load.connections,
                              "duration": load.duration, "warmup": load.warmup,
                              "flow_connections": load.flow_connections})
    started = time.time()
    try:
        if "compare" in stages:
            print("== scenarios 1-5: emulator", flush=True)
            variants: list[tuple[str, Path | None]] = [("emulator", None)]
            if patched is not None:  # measured in turn with the emulator as committed
                variants.append(("emulator + proposals", patched))
            compare.emulator(ctx, report, gms_purchases=args.gms_purchases, rate=args.rate,
                             paced_seconds=args.paced_seconds, variants=variants,
                             soak_total=args.soak_requests if "memory" in stages else 0)
        if "peers" in stages:
            print("== scenarios 1, 2 (4, 5): peers", flush=True)
            compare.peers(ctx, report, found, rate=args.rate, paced_seconds=args.paced_seconds)
        if "workers" in stages:
            print(f"== scenarios 1, 2: emulator with --workers {args.workers}", flush=True)
            workers.workers(ctx, report, count=args.workers, rate=args.rate,
                            paced_seconds=args.paced_seconds)
        if "floors" in stages:
            print("== framework floors", flush=True)
            floors.floors(ctx, report)
        if "coldstart" in stages:
            print("== cold start", flush=True)
            extras.cold_start(ctx, report)
        if "memory" in stages and "compare" not in stages:  # else measured with compare
            print("== memory", flush=True)
            extras.memory(ctx, report, args.soak_requests)
        if "scale" in stages:
            print("== stored orders", flush=True)
            extras.scale(ctx, report, (1_000, args.large_orders), rate=args.rate,
                         seconds=args.paced_seconds)
        if "admin" in stages:
            print("== reset and sandboxes", flush=True)
            extras.admin(ctx, report)
        if "rules" in stages:
            print("== scenario rules", flush=True)
            extras.rules(ctx, report)
    finally:
        ctx.stop_all()
        report.machine["load average at end"] = " ".join(
            f"{v:.2f}" for v in machine.load_average())
        report.machine["run time"] = f"{time.time() - started:.0f} s"
        if patched is not None:
            report.machine["emulator + proposals"] = ("a copy of the emulator with " + ", ".join(
                f"`bench/proposals/{p.name}`" for p in patches) + " applied; both run at once "
                "and each scenario is measured on one, then the other")
        if args.shared_machine:
            report.machine["note"] = ("the machine was shared with other work during this run; "
                                      "absolute figures are noisy")
        report.checks = checks.evaluate(report)
        report.measurements = checks.measurements(report)
        chart = args.chart if rep.write_chart(args.chart, report, checks.CPU_BUDGET_MS) else None
        rep.write_markdown(args.output, report, chart.name if chart else None, args.block)
        (workdir / "report.json").write_text(report.to_json(), encoding="utf-8")
        print(f"results written to {args.output}" + (f" and {chart}" if chart else ""))
        print(f"raw report: {workdir / 'report.json'} (logs in {workdir})")
    for c in report.checks:
        mark = {True: "ok  ", False: "MISS", None: "n/a "}[c.ok]
        print(f"  [{mark}] {c.name}: {c.value} (target {c.target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
