"""Issue #8's target, checked: ten non-matching rules cost at most 5 % of a request."""

from __future__ import annotations

import asyncio

from tests.scenario_engine.bench_rules import EARLY_MISS, LATE_MISS, build, hook_only, whole_requests


def test_ten_non_matching_rules_cost_under_five_percent():
    plain, late, early = build(None), build(LATE_MISS), build(EARLY_MISS)
    request = min(asyncio.run(whole_requests(plain, 300)) for _ in range(3))
    hook = {name: min(asyncio.run(hook_only(app, 5000)) for _ in range(3))
            for name, app in (("plain", plain), ("late", late), ("early", early))}
    assert hook["late"] > hook["plain"]  # the rules really were evaluated
    for name in ("late", "early"):
        assert (hook[name] - hook["plain"]) / request < 0.05, (name, hook, request)
