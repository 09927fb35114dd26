"""Same seed + same requests → same outcomes; sandboxes and resets each start the sequence."""

from __future__ import annotations

from tests.scenario_engine.conftest import rule

DICE = {"seed": 42, "rules": [
    rule({"vendor": "acme", "probability": 0.3}, rule_id="fail", status=500),
    rule({"vendor": "acme", "probability": 0.5}, rule_id="lag",
         latency={"min_ms": 1, "max_ms": 100}),
]}


def run(client, n=60, sandbox=None):
    headers = {"X-Emulator-Sandbox": sandbox} if sandbox else {}
    out = []
    for _ in range(n):
        r = client.get("/acme/ping", headers=headers)
        out.append((r.status_code, r.headers.get("x-emulator-rule")))
    return out


def test_two_runs_give_the_same_sequence(make_acme, tmp_path):
    first = make_acme(scenarios={"dice": DICE}, active=["dice"])
    a = run(first)
    second = make_acme(active=["dice"], database_url=f"sqlite:///{tmp_path / 'again.db'}")
    assert run(second) == a
    assert second.sleeps == first.sleeps
    assert {s for s, _ in a} == {200, 500} and len(set(first.sleeps)) > 10


def test_a_different_seed_gives_a_different_sequence(make_acme, scenario_dir, tmp_path):
    first = make_acme(scenarios={"dice": DICE, "dice2": {**DICE, "seed": 43}})
    first.post("/__admin/scenarios/dice/activate")
    a = run(first)
    first.post("/__admin/scenarios/dice/deactivate")
    first.post("/__admin/scenarios/dice2/activate")
    assert [s for s, _ in run(first)] != [s for s, _ in a]


def test_each_sandbox_has_its_own_rng_and_reset_replays(make_acme):
    c = make_acme(scenarios={"dice": DICE}, active=["dice"])
    c.post("/__admin/sandboxes", json={"id": "twin"})
    a = run(c)
    assert run(c, sandbox="twin") == a  # not the continuation of the default sandbox's draws
    assert run(c) != a  # the default sandbox's RNG moved on
    c.post("/__admin/scenarios/reset")
    assert run(c) == a


def test_default_seed_follows_the_global_seed(make_acme, tmp_path):
    unseeded = {"rules": DICE["rules"]}
    a = run(make_acme(scenarios={"u": unseeded}, active=["u"], seed=1))
    b = run(make_acme(active=["u"], seed=1, database_url=f"sqlite:///{tmp_path / 'b.db'}"))
    c = run(make_acme(active=["u"], seed=2, database_url=f"sqlite:///{tmp_path / 'c.db'}"))
    assert a == b and a != c
