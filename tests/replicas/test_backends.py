"""HL Connect's core flow and the per-sandbox stores (clock, scenario counters, journal) give
the same answers on SQLite and PostgreSQL. GmodStore, GVP and the control plane have their own
PostgreSQL tests (tests/gmodstore, tests/gvp, tests/control: test_postgres.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from tests.hlconnect.helpers import AUTH, assert_error, buy, info, plain_asset, sandbox_body


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, make_settings):
    overrides = {}
    if request.param == "postgresql":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    with TestClient(create_app(make_settings(**overrides))) as client:
        yield client
        client.app.state.runtime.db.dispose()


def test_hlconnect_flow(backend):
    client = backend
    asset = plain_asset(client)
    assert buy(client, asset_id=asset, order=11).status_code == 201
    assert_error(buy(client, asset_id=asset, order=11), 409)
    assert info(client, 11).status_code == 202  # one PROCESSING poll, then completed
    [line] = info(client, 11).json()
    assert line["status"] == "COMPLETED"
    download = client.get(line["download_url"].replace("http://testserver", ""))
    assert download.status_code == 200
    # the signed link expires on the sandbox's virtual clock
    client.post("/__admin/clock/advance", json={"seconds": 7 * 86400})
    assert client.get(line["download_url"].replace("http://testserver", "")).status_code == 403
    r = client.post("/sandbox/purchase/register", headers=AUTH, json=sandbox_body(order=12))
    assert r.status_code == 201, r.text
    # ids are 64-bit on every backend (PostgreSQL's INTEGER would refuse this one)
    top = 2**63 - 1
    r = client.post("/sandbox/purchase/register", headers=AUTH,
                    json=sandbox_body(order=top, line=top))
    assert r.status_code == 201, r.text
    [line] = info(client, top, prefix="/sandbox").json()
    assert line["order_line_id"] == top, line


def test_scenario_counters_and_journal(backend):
    client = backend
    name = "ambiguous-register"  # bundled: HL registers commit, then answer 502
    assert client.post(f"/__admin/scenarios/{name}/activate").status_code == 200
    assert client.get("/health").status_code == 200
    r = client.post("/sandbox/purchase/register", headers=AUTH, json=sandbox_body(order=21))
    assert r.status_code == 502
    rules = client.get(f"/__admin/scenarios/{name}").json()["rules"]
    assert rules[0]["hits"] == 1
    entries = client.get("/__admin/requests").json()["requests"]
    assert [e["path"] for e in entries] == ["/sandbox/purchase/register", "/health"]
    assert entries[0]["rules"] == [f"{name}/hlconnect-register-502"]
    assert entries[0]["id"] > entries[1]["id"]  # numbered by the database, newest first
    client.post("/__admin/scenarios/reset")
    rules = client.get(f"/__admin/scenarios/{name}").json()["rules"]
    assert all(rule["hits"] == 0 for rule in rules)
    assert client.delete("/__admin/requests").status_code == 204
    assert client.get("/__admin/requests").json()["total"] == 0


def test_journal_keeps_the_newest_entries_only(make_settings, request):
    url = request.getfixturevalue("pg_url")
    with TestClient(create_app(make_settings(database_url=url, journal_size=20))) as client:
        for n in range(45):
            client.get("/health", headers={"X-Request-Id": f"r{n}"})
        listed = client.get("/__admin/requests", params={"limit": 100}).json()
        assert listed["total"] == 20
        assert [e["request_id"] for e in listed["requests"]] == [f"r{n}" for n in range(44, 24, -1)]
        runtime = client.app.state.runtime
        from sqlalchemy import func, select

        from emulator.journal import JournalRow

        with runtime.db.read_session() as session:  # pruned by id: the table stays bounded
            stored = session.exec(select(func.count()).select_from(JournalRow)).one()
        assert 20 <= stored[0] <= 22
        runtime.db.dispose()
