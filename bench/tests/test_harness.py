"""Smoke tests of the benchmark harness (bench/): its pieces, not a benchmark.

Fast and self-contained: no npm, no peers; the one wrk run is skipped when wrk is missing.
"""

from __future__ import annotations

import pytest

from bench import bodies, checks, compare, seed
from bench import report as rep
from bench.paced import info_requests, percentile, run_paced
from bench.wrk import parse_output, run_wrk
from emulator.vendors.hlconnect.schemas import SandboxPurchaseRegisterRequest
from tests.support import needs
from tests.support.live_server import live_server

HL = {"Authorization": "Bearer hl-demo-token"}


def test_register_body_is_a_valid_sandbox_register_with_the_given_order_number():
    body = bodies.render(bodies.REGISTER_BODY, 4_000_000_000_123)
    parsed = SandboxPurchaseRegisterRequest.model_validate_json(body)
    assert parsed.order_number == 4_000_000_000_123
    assert parsed.asset_id == 1000001


def test_register_body_is_accepted_and_stored_by_the_emulator(client):
    for number in (11, 12):
        answer = client.post(bodies.REGISTER_PATH, content=bodies.render(bodies.REGISTER_BODY,
                                                                         number),
                             headers={**HL, "Content-Type": "application/json"})
        assert answer.status_code == 201, answer.text
    info = client.get("/sandbox/purchase/info", params={"order_id": 12}, headers=HL)
    assert info.status_code == 200 and info.json()[0]["order_id"] == 12


def test_wrk_result_line_is_parsed():
    text = ("Running 1s test\nBENCH_JSON {\"requests\":500.000,\"duration_us\":2000000.000,"
            "\"socket_errors\":1.000,\"timeouts\":0.000,\"unexpected\":2.000,\"flows\":0.000,"
            "\"statuses\":{\"200\":497.000,\"500\":3.000},\"p50_us\":1500.000,"
            "\"p90_us\":2500.000,\"p99_us\":9000.000,\"max_us\":12000.000,"
            "\"mean_us\":1700.000}\n")
    result = parse_output(text)
    assert (result.requests, result.rps, result.errors) == (500, 250.0, 3)
    assert (result.p50_ms, result.p99_ms) == (1.5, 9.0)
    assert result.statuses == {"200": 497, "500": 3}


def test_wrk_without_a_result_line_is_an_error():
    with pytest.raises(RuntimeError, match="no result line"):
        parse_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == \
        (50.0, 99.0, 100.0)


def _report() -> rep.Report:
    report = rep.Report(machine={"cpu": "test cpu", "cores": "2"},
                        load={"threads": 1, "connections": 16, "duration": 10, "warmup": 3,
                              "flow_connections": 8})
    report.rows = [
        rep.Row(compare.S1, "emulator", 3000, 4.0, 9.0, 0, 30000, 80.0, 0.5),
        rep.Row(compare.S1, "wiremock", 2000, 6.0, 20.0, 0, 20000, 300.0, 0.9),
        rep.Row(compare.S1, "prism", 1000, 12.0, 40.0, 0, 10000, 160.0, 1.6),
        rep.Row(compare.S2, "emulator", 1500, 8.0, 19.0, 0, 15000, 82.0, 1.1, "rows"),
        rep.Row(compare.S2, "prism", 2000, 6.0, 20.0, 0, 20000, 300.0, 0.9),
    ]
    report.register_rows = {"emulator": (15000, 15003)}
    report.facts["cold_start_s"] = [0.8, 0.9, 1.2]
    return report


def test_results_block_replaces_itself_and_keeps_the_prose(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Bench\n\nprose before\n\n{rep.START}\nOLD-RESULTS\n{rep.END}\n\nprose after\n")
    report = _report()
    report.checks = checks.evaluate(report)
    rep.write_markdown(doc, report)
    rep.write_markdown(doc, report)
    text = doc.read_text()
    assert text.count(rep.START) == 1 and "OLD-RESULTS" not in text
    assert text.startswith("# Bench\n\nprose before") and text.rstrip().endswith("prose after")
    assert "| 1: HL info | emulator | 3,000 | 4.00 | 9.00 | 0 | 30,000 | 80.0 | 0.500 |  |" \
        in text
    assert "| Scenario 2: emulator ≥ 1.5 × prism (requests/s) | 0.75× (1,500 vs 2,000) " \
        "| ≥ 1.5× | **no** (15,003 rows stored for 15,000 × 201) |" in text
    assert "Load for every system: wrk, 1 thread, 16 connections" in text


def test_chart_is_a_png(tmp_path):
    needs.module("matplotlib")
    png = tmp_path / "chart.png"
    assert rep.write_chart(png, _report())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_seeded_orders_are_served_as_completed_orders(tmp_path, make_client):
    db = tmp_path / "emulator.db"
    seed.create_schema(db)
    seed.hl_completed_orders(db, 50)
    client = make_client()
    info = client.get("/purchase/info", params={"order_id": 50}, headers=HL)
    assert info.status_code == 200, info.text
    assert info.json()[0]["status"] == "COMPLETED" and info.json()[0]["download_url"]
    assert client.get("/purchase/info", params={"order_id": 51}, headers=HL).status_code == 404


def test_open_loop_client_and_wrk_against_a_live_emulator(tmp_path, make_settings):
    db = tmp_path / "emulator.db"
    seed.create_schema(db)
    seed.hl_completed_orders(db, 20)
    with live_server(make_settings()) as base:
        port = int(base.rsplit(":", 1)[1])
        paced = run_paced(port, info_requests(1, 20), rate=100, seconds=0.3)
        assert (paced.sent, paced.ok, paced.errors) == (30, 30, 0)
        assert 0 < paced.p50_ms <= paced.p99_ms <= paced.max_ms
        missing = run_paced(port, info_requests(21, 30), rate=100, seconds=0.1)
        assert missing.errors == 10  # 404s count as errors, not as answers
        wrk = needs.tool("wrk")
        result = run_wrk(wrk, base, "info", {"lo": 1, "hi": 20}, threads=1,
                         connections=2, duration=1)
        assert result.requests > 0 and result.errors == 0
        assert result.statuses == {"200": result.requests}
