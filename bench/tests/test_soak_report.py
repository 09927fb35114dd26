"""The soak's verdict (bench/soak/soak.py): RSS growth is measured after warm-up, on medians,
and a leak fails the run. (The soak itself runs for minutes; this checks its arithmetic.)"""

from __future__ import annotations

from bench.soak.soak import markdown, parse, summarise
from bench.soak.traffic import Stats


def _curve(rss_at) -> list[dict]:
    return [{"t": t, "rss_kb": rss_at(t), "requests": t * 10} for t in range(0, 601, 5)]


def _report(rss_at) -> dict:
    args = parse(["--duration", "600", "--sample-every", "5"])
    stats = Stats()
    stats.kinds.update({"ok": 90, "ReadError": 10})
    stats.latencies = [0.1] * 100
    return summarise(args, stats, _curve(rss_at), {"entries": 1000, "capacity": 1000}, 10**6)


def test_a_flat_curve_after_a_warm_up_ramp_passes():
    report = _report(lambda t: 100_000 + min(t, 60) * 500)  # grows during warm-up only
    assert report["warmup_s"] == 60 and report["rss_ok"]
    assert report["rss_kb"]["growth_after_warmup"] == 0.0
    assert "PASS" in markdown(report) and "ReadError 10" in markdown(report)


def test_a_leak_after_warm_up_fails():
    report = _report(lambda t: 100_000 + t * 50)  # +50 KB every second, for ever
    assert not report["rss_ok"] and report["rss_kb"]["growth_after_warmup"] > 0.10
    assert "FAIL" in markdown(report)
