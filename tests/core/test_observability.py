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
