"""Results: the table and checks in docs/benchmarks.md (between markers) and a PNG chart.

Only the block between the markers is rewritten; the prose around it is kept.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


def markers(block: str = "results") -> tuple[str, str]:
    return f"<!-- bench:{block}:start -->", f"<!-- bench:{block}:end -->"
SYSTEMS = ("emulator", "emulator ×2", "emulator + proposals", "prism", "wiremock", "floor")
COLOURS = {"emulator": "#2b8a3e", "emulator ×2": "#66a80f", "emulator + proposals": "#94d82d",
           "prism": "#e8590c", "wiremock": "#1c7ed6", "floor": "#868e96"}


@dataclass
class Row:
    scenario: str
    system: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    rss_mb: float | None = None
    cpu_ms_per_request: float | None = None  # server CPU time / requests (robust to noise)
    note: str = ""


@dataclass
class Check:
    name: str
    value: str
    target: str
    ok: bool | None  # None: not measured (the note says why)
    note: str = ""


@dataclass
class Report:
    machine: dict[str, str]
    load: dict[str, object]
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    measurements: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    paced: dict[str, Any] = field(default_factory=dict)  # system → PacedResult (200/s)
    # system → (201 answers counted, rows stored) of its scenario 2 run
    register_rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    flows_per_s: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # the extra measurements, raw

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, default=str)


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def results_markdown(report: Report, chart_name: str | None = "benchmarks.png",
                     block: str = "results") -> str:
    start, end = markers(block)
    out = [start, "", "### Machine", ""]
    out += [f"- **{k}**: {v}" for k, v in report.machine.items()]
    load = report.load
    threads = load.get("threads")
    out += ["", f"Load for every system: wrk, {threads} thread{'' if threads == 1 else 's'}, "
            f"{load.get('connections')} connections, {load.get('duration')} s measured after "
            f"{load.get('warmup')} s of warm-up (scenario 3: {load.get('flow_connections')} "
            "threads × 1 connection).", "",
            "### Results", "",
            "| scenario | system | requests/s | p50 ms | p99 ms | errors | requests | RSS MB "
            "| server CPU ms/req | note |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in report.rows:
        out.append(f"| {r.scenario} | {r.system} | {_fmt(r.rps, 0)} | {_fmt(r.p50_ms, 2)} | "
                   f"{_fmt(r.p99_ms, 2)} | {r.errors} | {r.requests:,} | {_fmt(r.rss_mb)} | "
                   f"{_fmt(r.cpu_ms_per_request, 3)} | {r.note} |")
    if report.measurements:
        out += ["", "### Emulator measurements", "", "| measurement | value |", "|---|---|"]
        out += [f"| {name} | {value} |" for name, value in report.measurements]
    if report.checks:
        out += ["", "### Targets", "", "| target | measured | required | holds |",
                "|---|---|---|---|"]
        for c in report.checks:
            mark = {True: "yes", False: "**no**", None: "not measured"}[c.ok]
            note = f" ({c.note})" if c.note else ""
            out.append(f"| {c.name} | {c.value} | {c.target} | {mark}{note} |")
    if report.notes:
        out += ["", "### Notes from this run", ""] + [f"- {n}" for n in report.notes]
    if chart_name:
        out += ["", f"![requests per second, server CPU per request and p99 latency by scenario "
                f"and system]({chart_name})"]
    out += ["", end]
    return "\n".join(out)


def write_markdown(doc: Path, report: Report, chart_name: str | None = "benchmarks.png",
                   block: str = "results") -> None:
    start, end = markers(block)
    content = results_markdown(report, chart_name, block)
    text = doc.read_text(encoding="utf-8") if doc.exists() else (
        "# Benchmarks\n\nResults of `python bench/run.py`.\n")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + content + tail
    else:
        text = text.rstrip("\n") + f"\n\n## Results ({block})\n\n" + content + "\n"
    doc.write_text(text, encoding="utf-8")


def _bar_layout(report: Report) -> tuple[list[str], list[tuple[int, float, Row]], float]:
    """Scenarios in the order first measured, and each row's bar position: within a scenario's
    group only the systems measured on it, centred, in SYSTEMS order."""
    scenarios = list(dict.fromkeys(r.scenario for r in report.rows))
    order = {s: i for i, s in enumerate(SYSTEMS)}
    groups = [sorted((r for r in report.rows if r.scenario == s),
                     key=lambda r: order.get(r.system, len(order))) for s in scenarios]
    width = 0.8 / max(len(g) for g in groups)
    bars = [(j, j + (i - (len(group) - 1) / 2) * width, row)
            for j, group in enumerate(groups) for i, row in enumerate(group)]
    return scenarios, bars, width


def write_chart(png: Path, report: Report, cpu_budget_ms: dict[str, float] | None = None) -> bool:
    """Three panels of bars by scenario and system: requests/s, server CPU per request (with the
    per-scenario budgets as dashed lines) and p99. False without matplotlib."""
    if not report.rows:
        return False
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    scenarios, bars, width = _bar_layout(report)
    systems = [s for s in [*SYSTEMS, *(r.system for r in report.rows)]
               if any(r.system == s for r in report.rows)]
    systems = list(dict.fromkeys(systems))
    fig, axes = plt.subplots(3, 1, figsize=(max(10.0, 1.45 * len(scenarios) + 2), 12),
                             sharex=True)
    panels = (("rps", "requests/s (higher is better; log scale)", "{:,.0f}", True),
              ("cpu_ms_per_request", "server CPU ms per request (lower is better; log scale)",
               "{:.3f}", True),
              ("p99_ms", "p99 latency, ms (lower is better; log scale)", "{:.1f}", True))
    for ax, (metric, title, fmt, log) in zip(axes, panels, strict=True):
        for system in systems:
            mine = [(x, getattr(row, metric)) for _, x, row in bars
                    if row.system == system and getattr(row, metric)]
            if not mine:
                continue
            xs, ys = zip(*mine, strict=True)
            drawn = ax.bar(xs, ys, width, label=system, color=COLOURS.get(system))
            ax.bar_label(drawn, labels=[fmt.format(y) for y in ys], fontsize=6.5, padding=1)
        if log:
            ax.set_yscale("log")
        ax.margins(y=0.15)
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    budget_line = None
    for j, scenario in enumerate(scenarios):
        budget = (cpu_budget_ms or {}).get(scenario)
        if budget is not None:
            budget_line = axes[1].hlines(budget, j - 0.45, j + 0.45, colors="#c92a2a",
                                         linestyles="dashed")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=len(systems),
               fontsize=9, bbox_to_anchor=(0.5, 0.965), frameon=False)
    if budget_line is not None:
        axes[1].legend([budget_line], ["CPU budget per request, one worker"], fontsize=8,
                       loc="upper left")
    axes[-1].set_xticks(range(len(scenarios)))
    axes[-1].set_xticklabels([s.replace(": ", "\n", 1) for s in scenarios], fontsize=8)
    load = report.load
    fig.suptitle(f"purchase-emulator vs peers and framework floors · "
                 f"{report.machine.get('date', '')} · {report.machine.get('cores', '?')} cores · "
                 f"wrk -t{load.get('threads')} -c{load.get('connections')}")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return True
