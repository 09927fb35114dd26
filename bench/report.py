"""Results: the table and checks in docs/benchmarks.md (between markers) and a PNG chart.

Only the block between the markers is rewritten; the prose around it is kept.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


def markers(block: str = "results") -> tuple[str, str]:
    return f"<!-- bench:{block}:start -->", f"<!-- bench:{block}:end -->"
SYSTEMS = ("emulator", "emulator + proposals", "wiremock", "prism")


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
    paced: dict[str, object] = field(default_factory=dict)  # system → PacedResult (200/s)
    register_rows: tuple[int, int] | None = None  # (201 answers counted, rows stored)
    flows_per_s: float | None = None
    facts: dict[str, object] = field(default_factory=dict)  # the extra measurements, raw

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
    out += ["", f"Load for every system: wrk, {load.get('threads')} threads, "
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
        out += ["", f"![requests per second and p99 latency by scenario]({chart_name})"]
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


def write_chart(png: Path, report: Report) -> bool:
    """Grouped bars: requests/s and p99 per scenario and system. False without matplotlib."""
    if not report.rows:
        return False
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    scenarios = list(dict.fromkeys(r.scenario for r in report.rows))
    systems = [s for s in SYSTEMS if any(r.system == s for r in report.rows)]
    colours = {"emulator": "#2b8a3e", "emulator + proposals": "#94d82d", "wiremock": "#1c7ed6",
               "prism": "#e8590c"}
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    width = 0.8 / max(1, len(systems))
    for metric, ax, label in (("rps", axes[0], "requests/s (higher is better)"),
                              ("p99_ms", axes[1], "p99 latency, ms (lower is better)")):
        for i, system in enumerate(systems):
            xs, ys = [], []
            for j, scenario in enumerate(scenarios):
                row = next((r for r in report.rows
                            if r.scenario == scenario and r.system == system), None)
                if row is not None:
                    xs.append(j + (i - (len(systems) - 1) / 2) * width)
                    ys.append(getattr(row, metric))
            ax.bar(xs, ys, width, label=system, color=colours.get(system))
        ax.set_xticks(range(len(scenarios)))
        ax.set_xticklabels([s.split(":")[0] for s in scenarios])
        ax.set_title(label)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"purchase-emulator vs peers · {report.machine.get('date', '')} · "
                 f"{report.machine.get('cores', '?')} cores")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return True
