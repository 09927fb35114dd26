"""Every recipe of every documented answer, replayed on a fresh sandbox, produces that answer
(its HTTP status, and its code when the vendor has one) and the coverage report counts it.

One app for the module (building 202 would take minutes); each recipe runs in a sandbox of its
own, so nothing one leaves behind (rows, clock, journal, scenario activations) reaches another.
"""

from __future__ import annotations

import pytest
import yaml
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.recipes import Recipe, RecipeError, Step, render, replay
from emulator.runtime import Runtime
from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.scratch import scratch_dir


def _documented() -> list[tuple[str, object]]:
    # read at collection; the outcomes are data, the runtime never opens its database
    unused = scratch_dir("recipes-") / "unused.db"
    runtime = Runtime(Settings(database_url=f"sqlite:///{unused}"))
    return [(name, outcome) for name, vendor in runtime.vendors.items()
            for outcome in vendor.documented_outcomes()]


DOCUMENTED = _documented()


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    root = tmp_path_factory.mktemp("recipes")
    scenarios = root / "scenarios"
    scenarios.mkdir()
    settings = Settings(database_url=f"sqlite:///{root / 'emulator.db'}", seed=0,
                        clock_start=FIXED_START, scenarios_dir=[scenarios],
                        sandbox_pool_size=0)
    with TestClient(create_app(settings)) as client:
        library = client.app.state.runtime.scenarios.library

        def add_scenario(document) -> None:
            path = scenarios / f"{document['name']}.yaml"
            path.write_text(yaml.safe_dump(dict(document), sort_keys=False), encoding="utf-8")
            library.refresh()  # the library would notice within a second by itself

        yield client, add_scenario


@pytest.mark.parametrize(("vendor", "outcome"), DOCUMENTED, ids=[
    f"{v}:{o.operation}:{o.status}:{o.outcome}" for v, o in DOCUMENTED])
def test_the_recipe_produces_its_outcome_on_a_fresh_sandbox(emulator, vendor, outcome):
    client, add_scenario = emulator
    assert outcome.recipe is not None, "every documented answer has a recipe"
    sandbox = client.post("/__admin/sandboxes", json={}).json()["id"]

    answer = replay(client, outcome.recipe, sandbox, add_scenario=add_scenario)

    assert answer.status_code == outcome.status, answer.text[:300]
    if outcome.code is not None:
        envelope = answer.json()
        assert envelope["StatusCode"] == outcome.code, envelope
        assert envelope["StatusMessage"].split(":")[0] == outcome.outcome.split(" ")[0]
    report = client.get("/__admin/coverage", params={"vendor": vendor},
                        headers={"X-Emulator-Sandbox": sandbox}).json()
    [listed] = [o for o in report["responses"] if (o["operation"], o["status"], o["outcome"])
                == (outcome.operation, outcome.status, outcome.outcome)]
    assert listed["seen"] >= 1
    assert listed["how"] == render(outcome.recipe)


# -- the recipe format ----------------------------------------------------------------------------
def test_a_recipe_renders_its_scenario_its_steps_and_why():
    recipe = Recipe("why not", (
        Step("POST", "/purchase/validate-purchase-before-payment", json={"asset_id": 1},
             headers={"Authorization": "Bearer t"}, save={"token": "token"}),
        Step("GET", "/x/" + "a" * 50, query={"token": "${token}", "to": "https://s.example/r"},
             repeat=3)), scenario={"name": "s", "rules": []})
    assert render(recipe).splitlines() == [
        "scenario: save as s.yaml in a --scenarios-dir, then POST /__admin/scenarios/s/activate",
        "    name: s",
        "    rules: []",
        '1. POST /purchase/validate-purchase-before-payment  Authorization: Bearer t  '
        '{"asset_id": 1}  → ${token} = token',
        "2. GET /x/a…(×50)?token=${token}&to=https://s.example/r  ×3",
        "why: why not"]
    assert recipe.data["steps"][1] == {"method": "GET", "path": "/x/" + "a" * 50,
                                       "query": {"token": "${token}", "to": "https://s.example/r"},
                                       "repeat": 3}


def test_replay_refuses_a_value_no_step_saved_and_a_missing_answer_field(client):
    with pytest.raises(RecipeError, match=r"\$\{token\} is used before a step saved it"):
        replay(client, Recipe("", (Step("GET", "/health", query={"t": "${token}"}),)), "default")
    with pytest.raises(RecipeError, match="has no nope"):
        replay(client, Recipe("", (Step("GET", "/health", save={"x": "nope"}),)), "default")
    with pytest.raises(RecipeError, match="needs a scenario"):
        replay(client, Recipe("", (), scenario={"name": "s"}), "default")


def test_a_saved_value_alone_keeps_its_type_and_inside_a_string_is_text(client):
    answer = replay(client, Recipe("", (
        Step("GET", "/health", save={"name": "0.name", "healthy": "0.health"}),
        Step("POST", "/sandbox/purchase/register", headers={
            "Authorization": "Bearer hl-demo-token"},
            json={"asset_id": "${healthy}", "customer": "${name}-customer"}))), "default")
    assert answer.status_code == 422  # HL's strict types: true is not an asset id
    entry = client.get("/__admin/requests", params={"limit": 1}).json()["requests"][0]
    assert entry["body"] == {"asset_id": True, "customer": "api-customer"}
