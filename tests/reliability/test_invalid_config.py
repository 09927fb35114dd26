"""Invalid scenario and fixture files are refused with file, line and field, and the emulator
keeps running on the last valid ones (an edit that breaks a scenario does not unload it; a
fixture load that fails adds nothing and leaves the baseline in force)."""

from __future__ import annotations

import logging
from pathlib import Path

from emulator import cli

HL = {"Authorization": "Bearer hl-demo-token"}
VALID = """name: gate
description: HL Connect's health check is down
rules:
  - id: down
    match: {operation: connector_health}
    effects:
      status: {code: 503, message: maintenance}
"""
BROKEN = VALID.replace("code: 503", "code: 999")  # line 7: rules[0].effects.status.code
GOOD_FIXTURE = "hlconnect:\n  assets:\n    - {asset_id: 2000001, title: Fixture Hymn}\n"
BAD_FIXTURE = ("hlconnect:\n  assets:\n    - {asset_id: 2000002, title: Other}\n"
               "    - {asset_id: 2000003, title: Broken, min_qty: two}\n")  # line 4, min_qty


def test_a_broken_scenario_edit_is_reported_and_the_last_valid_version_stays(make_client,
                                                                            tmp_path):
    (tmp_path / "gate.yaml").write_text(VALID)
    client = make_client(scenarios_dir=[tmp_path], scenarios=["gate"])
    library = client.app.state.runtime.scenarios.library
    library.reload_interval = 0  # re-check files on every access (instead of once a second)
    assert client.get("/health").status_code == 503

    (tmp_path / "gate.yaml").write_text(BROKEN)
    assert client.get("/__admin/scenarios/gate").status_code == 200  # looks at the file again
    errors = client.get("/__admin/scenarios").json()["errors"]
    assert [(Path(e["file"]).name, e["line"], e["field"]) for e in errors] == [
        ("gate.yaml", 7, "rules[0].effects.status.code")], errors
    assert "599" in errors[0]["message"]
    assert client.get("/health").status_code == 503  # the last valid version is in force

    (tmp_path / "gate.yaml").write_text(VALID.replace("503", "502"))
    client.get("/__admin/scenarios/gate")
    assert client.get("/__admin/scenarios").json()["errors"] == []
    assert client.get("/health").status_code == 502


def _serve(tmp_path: Path, capsys, *args: str) -> tuple[int, str]:
    """`purchase-emulator serve ...` in process: it refuses before listening (exit 2)."""
    logger = logging.getLogger("emulator")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    try:
        code = cli.main(["serve", "--port", "0", "--database-url",
                         f"sqlite:///{tmp_path / 'emulator.db'}", *args])
    finally:  # serve configures logging for a terminal: give pytest its logger back
        logger.handlers[:], logger.propagate, logger.level = saved
    return code, capsys.readouterr().err


def test_serve_refuses_a_broken_scenario_with_file_line_and_field(tmp_path, capsys):
    bad = tmp_path / "gate.yaml"
    bad.write_text(BROKEN)
    code, err = _serve(tmp_path, capsys, "--scenario", str(bad))
    assert code == 2
    assert f"{bad}:7: rules[0].effects.status.code" in err, err
    assert "Traceback" not in err


def test_a_failed_fixture_load_adds_nothing_and_keeps_the_baseline(make_client, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_FIXTURE)
    client = make_client(fixtures=[good])
    r = client.post("/__admin/fixtures", content=BAD_FIXTURE)
    assert r.status_code == 422
    assert "hlconnect.assets[1].min_qty" in r.json()["detail"], r.text
    r = client.post("/__admin/fixtures", content="hlconnect:\n  assets: [{asset_id: 1\n")
    assert r.status_code == 422 and "line 3" in r.json()["detail"], r.text  # YAML syntax
    for asset, status in ((2000001, 200), (2000002, 404)):  # baseline kept, nothing added
        r = client.post("/purchase/validate-purchase-before-payment", headers=HL, json={
            "asset_id": asset, "customer_ip": "192.0.2.1", "quantity": 1})
        assert r.status_code == status, r.text


def test_serve_refuses_a_broken_fixture_file_with_file_and_field(tmp_path, capsys):
    bad = tmp_path / "fixtures.yaml"
    bad.write_text(BAD_FIXTURE)
    code, err = _serve(tmp_path, capsys, "--fixtures", str(bad))
    assert code == 2
    assert f"{bad}: hlconnect: hlconnect.assets[1].min_qty" in err, err
    assert "Traceback" not in err


def test_fixture_errors_name_the_line(make_client, tmp_path, capsys):
    client = make_client()
    r = client.post("/__admin/fixtures", content=BAD_FIXTURE)
    assert r.json()["detail"].endswith("(line 4)"), r.text
    bad = tmp_path / "fixtures.yaml"
    bad.write_text(BAD_FIXTURE)
    code, err = _serve(tmp_path, capsys, "--fixtures", str(bad))
    assert code == 2 and "hlconnect.assets[1].min_qty" in err and "(line 4)" in err, err
