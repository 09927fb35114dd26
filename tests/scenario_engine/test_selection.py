"""Choosing scenarios: at start-up, per request, per token, through the admin API, hot reload."""

from __future__ import annotations

import logging
import os

import pytest

from emulator.app import create_app
from emulator.cli import main as cli_main
from emulator.scenario_engine.loader import ScenarioError
from tests.scenario_engine.conftest import rule, write_scenario

LAG = {"rules": [rule({"vendor": "acme"}, latency=5)]}
DOWN = {"rules": [rule({"vendor": "acme"}, status=503)]}


def rules_of(response) -> str | None:
    return response.headers.get("x-emulator-rule")


# -- start-up -----------------------------------------------------------------------------
def test_by_name_from_a_user_directory(make_acme):
    c = make_acme(scenarios={"lag": LAG}, active=["lag"])
    assert rules_of(c.get("/acme/ping")) == "lag/r1"


def test_bundled_scenario_by_name(make_acme):
    c = make_acme(active=["flaky-502"])
    assert c.get("/__admin/scenarios").json()["active"] == ["flaky-502"]


def test_happy_is_the_default(make_acme):
    overview = make_acme().get("/__admin/scenarios").json()
    assert overview["active"] == ["happy"]
    names = {s["name"] for s in overview["scenarios"] if s["bundled"]}
    assert names >= {"happy", "slow", "flaky-502", "ambiguous-register", "fulfilment-fails",
                     "stuck-processing", "eu-blocked", "rate-limited", "chaos"}


def test_by_explicit_path_outside_the_directories(make_acme, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = write_scenario(elsewhere, "mine", DOWN)
    c = make_acme(active=[str(path)])
    assert c.get("/acme/ping").status_code == 503


def test_from_the_environment(scenario_dir, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from tests.conftest import FIXED_START
    from tests.scenario_engine.conftest import AcmeSettings

    write_scenario(scenario_dir, "lag", LAG)
    write_scenario(scenario_dir, "down", DOWN)
    monkeypatch.setenv("EMULATOR_SCENARIOS", "lag, down")
    monkeypatch.setenv("EMULATOR_SCENARIOS_DIR", str(scenario_dir))
    settings = AcmeSettings(database_url=f"sqlite:///{tmp_path / 'env.db'}",
                            clock_start=FIXED_START)
    with TestClient(create_app(settings)) as c:
        assert c.get("/__admin/scenarios").json()["active"] == ["lag", "down"]
        assert rules_of(c.get("/acme/ping")) == "lag/r1,down/r1"


def test_user_directory_overrides_a_bundled_name(make_acme):
    c = make_acme(scenarios={"slow": DOWN}, active=["slow"])
    assert c.get("/acme/ping").status_code == 503


def test_unknown_name_refuses_to_start(acme_settings):
    with pytest.raises(ScenarioError, match="no scenario named 'nope'"):
        create_app(acme_settings(scenarios=["nope"])).state.runtime.start()


def test_invalid_scenario_refuses_to_start_with_file_line_field(acme_settings, scenario_dir):
    write_scenario(scenario_dir, "broken", "name: broken\ndescription: x\nrules:\n"
                                           "  - id: a\n    effects:\n      explode: true\n")
    with pytest.raises(ScenarioError) as info:
        create_app(acme_settings(scenarios=["broken"])).state.runtime.start()
    message = str(info.value)
    assert "broken.yaml:6: rules[0].effects.explode: unknown field 'explode'" in message


def test_serve_exits_2_with_the_message(scenario_dir, tmp_path, capsys):
    path = write_scenario(scenario_dir, "bad", "name: bad\ndescription: x\nrules:\n"
                                               "  - effects: {latency: {fixed_ms: soon}}\n")
    code = cli_main(["serve", "--scenario", str(path),
                     "--database-url", f"sqlite:///{tmp_path / 'serve.db'}"])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot start" in err and "bad.yaml:4: rules[0].effects.latency" in err


def test_a_name_never_reaches_outside_the_directories(acme_settings, tmp_path):
    (tmp_path / "secret.yaml").write_text("name: secret\ndescription: x\n")
    with pytest.raises(ScenarioError, match="no scenario named"):
        create_app(acme_settings(scenarios=["secret"])).state.runtime.start()


# -- per request ------------------------------------------------------------------------------
def test_header_adds_scenarios_for_one_request(make_acme):
    c = make_acme(scenarios={"lag": LAG, "down": DOWN})
    assert rules_of(c.get("/acme/ping")) is None
    r = c.get("/acme/ping", headers={"X-Emulator-Scenario": "lag, down"})
    assert r.status_code == 503 and rules_of(r) == "lag/r1,down/r1"
    assert c.get("/acme/ping").status_code == 200


def test_header_with_unknown_or_path_like_name_is_a_clear_400(make_acme):
    c = make_acme(scenarios={"lag": LAG})
    for value in ("nope", "../../etc/passwd", "/tmp/x.yaml"):
        r = c.get("/acme/ping", headers={"X-Emulator-Scenario": value})
        assert r.status_code == 400
        assert "unknown scenario" in r.json()["acme_error"]["message"]  # the vendor's shape


# -- bound to a token, and the admin API ------------------------------------------------------
def test_bound_to_a_token(make_acme):
    c = make_acme(scenarios={"down": DOWN})
    r = c.post("/__admin/scenarios/down/activate", json={"token": "ci-job-1"})
    assert r.status_code == 200
    down = next(s for s in r.json()["scenarios"] if s["name"] == "down")
    assert down["bound_tokens"] == ["ci-j…"] and not down["active"]
    assert c.get("/acme/ping", headers={"Authorization": "Bearer ci-job-1"}).status_code == 503
    assert c.get("/acme/ping", headers={"Authorization": "Bearer ci-job-2"}).status_code == 200
    c.post("/__admin/scenarios/down/deactivate", json={"token": "ci-job-1"})
    assert c.get("/acme/ping", headers={"Authorization": "Bearer ci-job-1"}).status_code == 200


def test_admin_activate_deactivate_per_sandbox(make_acme):
    c = make_acme(scenarios={"down": DOWN})
    c.post("/__admin/sandboxes", json={"id": "other"})
    assert c.post("/__admin/scenarios/down/activate").json()["active"] == ["happy", "down"]
    assert c.get("/acme/ping").status_code == 503
    assert c.get("/acme/ping", headers={"X-Emulator-Sandbox": "other"}).status_code == 200
    assert c.post("/__admin/scenarios/down/deactivate").json()["active"] == ["happy"]
    assert c.get("/acme/ping").status_code == 200


def test_admin_unknown_scenario_is_404(make_acme):
    c = make_acme()
    for r in (c.post("/__admin/scenarios/nope/activate"), c.get("/__admin/scenarios/nope"),
              c.post("/__admin/scenarios/reset", json={"scenario": "nope"})):
        assert r.status_code == 404 and "no scenario named 'nope'" in r.json()["detail"]
    assert c.post("/__admin/scenarios/happy/activate", json={"tokn": "x"}).status_code == 422


def test_admin_shows_hits_and_resets_them(make_acme):
    third = {"rules": [rule({"vendor": "acme", "nth": 3}, status=500)]}
    c = make_acme(scenarios={"third": third}, active=["third"])
    assert [c.get("/acme/ping").status_code for _ in range(4)] == [200, 200, 500, 200]
    assert c.get("/__admin/scenarios/third").json()["rules"][0]["hits"] == 4
    assert c.post("/__admin/scenarios/reset", json={"scenario": "third"}).status_code == 200
    assert c.get("/__admin/scenarios/third").json()["rules"][0]["hits"] == 0
    assert [c.get("/acme/ping").status_code for _ in range(3)] == [200, 200, 500]


def test_sandbox_reset_restores_the_start_up_selection(make_acme):
    c = make_acme(scenarios={"down": DOWN})
    c.post("/__admin/scenarios/down/activate")
    assert c.post("/__admin/reset").status_code == 200
    assert c.get("/__admin/scenarios").json()["active"] == ["happy"]


# -- hot reload -------------------------------------------------------------------------------
def _touch_forward(path):
    stat = path.stat()  # a newer mtime even on coarse file systems
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_edit_takes_effect_and_state_is_kept(make_acme, scenario_dir):
    c = make_acme(scenarios={"edit": LAG}, active=["edit"])
    assert c.post("/acme/orders", json={"item": "kept"}).status_code == 201
    assert c.get("/acme/ping").status_code == 200  # two matching calls so far
    _touch_forward(write_scenario(scenario_dir, "edit", {"rules": [
        rule({"vendor": "acme", "after": 2}, status=418)]}))
    assert c.get("/acme/ping").status_code == 418  # the 3rd call: counts survived the edit
    assert c.app.state.runtime.vendors["acme"].orders["default"][0]["item"] == "kept"


def test_invalid_edit_keeps_the_last_valid_version(make_acme, scenario_dir, caplog):
    c = make_acme(scenarios={"edit": DOWN}, active=["edit"])
    caplog.set_level(logging.ERROR, logger="emulator.scenarios")
    _touch_forward(write_scenario(scenario_dir, "edit", "name: edit\ndescription: x\nrules:\n"
                                                        "  - effects: {status: 99}\n"))
    assert c.get("/acme/ping").status_code == 503
    assert "keeping the last valid version of 'edit'" in caplog.text
    assert "edit.yaml:4: rules[0].effects.status" in caplog.text
    errors = c.get("/__admin/scenarios").json()["errors"]
    assert errors and errors[0]["line"] == 4


def test_new_file_appears_without_restart(make_acme, scenario_dir):
    c = make_acme()
    write_scenario(scenario_dir, "fresh", DOWN)
    assert c.get("/acme/ping", headers={"X-Emulator-Scenario": "fresh"}).status_code == 503


# -- several processes on one database (docker-compose's `shared` profile) ---------------------
def test_activations_hold_across_processes_sharing_the_database(make_acme):
    a = make_acme(scenarios={"down": DOWN})
    b = make_acme()  # a second emulator on the same database file: another replica
    for c in (a, b):
        c.app.state.runtime.scenarios.sync_interval = 0  # check on every request (tests)
    assert b.get("/acme/ping").status_code == 200
    assert a.post("/__admin/scenarios/down/activate").status_code == 200
    assert b.get("/acme/ping").status_code == 503
    assert b.get("/__admin/scenarios").json()["active"] == ["happy", "down"]
    b.post("/__admin/scenarios/down/deactivate")
    b.post("/__admin/scenarios/down/activate", json={"token": "ci-7"})
    assert a.get("/acme/ping").status_code == 200
    assert a.get("/acme/ping", headers={"Authorization": "Bearer ci-7"}).status_code == 503
    a.post("/__admin/reset")
    assert b.get("/acme/ping", headers={"Authorization": "Bearer ci-7"}).status_code == 200


def test_other_processes_are_checked_at_most_once_a_second(make_acme):
    a = make_acme(scenarios={"down": DOWN})
    b = make_acme()
    assert b.get("/acme/ping").status_code == 200  # b has read the selection
    a.post("/__admin/scenarios/down/activate")
    assert b.get("/acme/ping").status_code == 200  # still b's cached selection
    b.app.state.runtime.scenarios._synced -= 1.0  # a second later
    assert b.get("/acme/ping").status_code == 503


def test_activations_shared_on_postgresql(make_acme):
    from tests.support.postgres import throwaway_database

    with throwaway_database() as url:
        a = make_acme(scenarios={"down": DOWN}, database_url=url)
        b = make_acme(database_url=url)
        b.app.state.runtime.scenarios.sync_interval = 0
        assert b.get("/acme/ping").status_code == 200
        a.post("/__admin/scenarios/down/activate")
        assert b.get("/acme/ping").status_code == 503
        for c in (a, b):  # close the pools before the database is dropped
            c.app.state.runtime.db.dispose()
