"""Metrics, structured request logs and request ids."""

from __future__ import annotations

import json
import logging

from emulator.logs import JsonFormatter


def test_metrics_count_requests_by_status(client):
    client.get("/__admin/health")
    client.get("/no-such-path")
    r = client.get("/__admin/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'emulator_requests_total{operation="none",status="404",vendor="none"} 1.0' in text
    assert "emulator_request_duration_seconds_bucket" in text
    assert "# TYPE emulator_resources gauge" in text


def test_one_json_log_line_per_request(client, caplog):
    caplog.set_level(logging.INFO, logger="emulator.request")
    client.get("/__admin/health", headers={"X-Request-Id": "req-42"})
    records = [r for r in caplog.records if r.name == "emulator.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "req-42"
    assert line["status"] == 200
    assert line["sandbox"] == "default"
    assert isinstance(line["duration_ms"], float)
    assert line["rules"] == []


def test_log_handler_follows_a_swapped_stderr(monkeypatch, capsys):
    """configure_logging must not keep a stream that is later closed (in-process CLI runs
    under pytest capture did, and later servers in the same process failed to log)."""
    import io
    import sys

    from emulator.logs import configure_logging

    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("json")
    first.close()
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    logging.getLogger("emulator.request").info("hello")
    assert '"message":"hello"' in second.getvalue()
    logging.getLogger("emulator").handlers.clear()
    logging.getLogger("emulator").propagate = True
    logging.getLogger("emulator").setLevel(logging.NOTSET)
