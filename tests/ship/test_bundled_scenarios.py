"""The bundled library is package data with one source of truth, and user directories add to it:
a user file with a bundled name overrides that one, and `scenarios list` names every file."""

from __future__ import annotations

from pathlib import Path

import emulator
from emulator.cli import main
from emulator.settings import BUNDLED_SCENARIOS_DIR

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = {"happy", "slow", "flaky-502", "ambiguous-register", "fulfilment-fails",
           "stuck-processing", "eu-blocked", "rate-limited", "chaos"}
MY_SLOW = "name: slow\ndescription: My own slow.\nrules:\n  - effects: {latency: 5}\n"


def test_the_library_lives_in_the_package_and_nowhere_else():
    assert Path(emulator.__file__).resolve().parent / "scenarios" == BUNDLED_SCENARIOS_DIR
    assert {p.stem for p in BUNDLED_SCENARIOS_DIR.glob("*.yaml")} == BUNDLED
    assert (BUNDLED_SCENARIOS_DIR / "scenario.schema.json").is_file()
    # the top-level folder is the guide that points there, without a second copy to drift
    assert sorted(p.name for p in (ROOT / "scenarios").iterdir()) == ["README.md"]
    assert "emulator/scenarios/" in (ROOT / "scenarios" / "README.md").read_text()


def test_user_directory_adds_to_the_bundled_library_and_overrides_by_name(make_client, tmp_path):
    (tmp_path / "slow.yaml").write_text(MY_SLOW)
    (tmp_path / "mine.yaml").write_text("name: mine\ndescription: Mine.\n")
    client = make_client(scenarios_dir=[tmp_path], scenarios=["slow", "eu-blocked", "mine"])
    overview = client.get("/__admin/scenarios").json()
    assert overview["active"] == ["slow", "eu-blocked", "mine"]
    by_name = {s["name"]: s for s in overview["scenarios"]}
    assert set(by_name) == BUNDLED | {"mine"}
    assert by_name["slow"]["bundled"] is False
    assert by_name["slow"]["source"] == str(tmp_path / "slow.yaml")
    assert by_name["slow"]["description"] == "My own slow."
    assert by_name["eu-blocked"]["source"] == str(BUNDLED_SCENARIOS_DIR / "eu-blocked.yaml")


def test_scenarios_list_names_the_file_of_each_and_the_overridden_one(tmp_path, capsys,
                                                                      monkeypatch):
    (tmp_path / "slow.yaml").write_text(MY_SLOW)
    monkeypatch.setenv("EMULATOR_SCENARIOS_DIR", str(tmp_path))
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    assert "slow  [user, 1 rule, overrides the bundled one]" in out
    assert (f"    file: {tmp_path / 'slow.yaml'} (instead of {BUNDLED_SCENARIOS_DIR / 'slow.yaml'})"
            in out)
    assert "chaos  [bundled, 6 rules]" in out
    assert f"    file: {BUNDLED_SCENARIOS_DIR / 'chaos.yaml'}\n" in out
