"""`purchase-emulator healthcheck` (the image's HEALTHCHECK): 0 only on a 200 from
/__admin/health of the emulator that the same settings would serve, 1 otherwise, never a
traceback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from emulator.cli import main
from emulator.healthcheck import health_url
from tests.support.live_server import free_port, live_server


@pytest.fixture
def emulator_port(make_settings) -> Iterator[int]:
    with live_server(make_settings()) as base:
        yield int(base.rsplit(":", 1)[1])


@contextmanager
def stub(status: int) -> Iterator[tuple[int, list[dict]]]:
    """A server answering `status` to everything, recording the request headers."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            seen.append(dict(self.headers))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def test_healthy_emulator_on_the_port_from_the_environment(emulator_port, monkeypatch, capsys):
    monkeypatch.setenv("EMULATOR_PORT", str(emulator_port))
    monkeypatch.setenv("EMULATOR_HOST", "0.0.0.0")  # nosec B104: the image's listen address
    assert main(["healthcheck"]) == 0
    assert capsys.readouterr().out == (
        f"healthy: http://127.0.0.1:{emulator_port}/__admin/health answered 200\n")


def test_flags_override_the_environment(emulator_port, monkeypatch):
    monkeypatch.setenv("EMULATOR_PORT", str(free_port()))  # nothing there
    assert main(["healthcheck", "--port", str(emulator_port)]) == 0


def test_nothing_listening_is_unhealthy(monkeypatch, capsys):
    monkeypatch.setenv("EMULATOR_PORT", str(free_port()))
    assert main(["healthcheck", "--timeout", "1"]) == 1
    assert capsys.readouterr().err.startswith("unhealthy: http://127.0.0.1:")


def test_a_non_200_answer_is_unhealthy(capsys):
    with stub(503) as (port, _):
        assert main(["healthcheck", "--port", str(port)]) == 1
    assert capsys.readouterr().err.endswith("/__admin/health answered 503\n")


def test_the_admin_token_is_sent(monkeypatch):
    monkeypatch.setenv("EMULATOR_ADMIN_TOKEN", "s3cret")
    with stub(200) as (port, seen):
        assert main(["healthcheck", "--port", str(port)]) == 0
    assert seen[0]["X-Emulator-Admin-Token"] == "s3cret"


def test_invalid_configuration_is_unhealthy_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("EMULATOR_PORT", "eighty")
    assert main(["healthcheck"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("unhealthy: invalid configuration") and "Traceback" not in err


def test_wildcard_and_ipv6_addresses():
    assert health_url("::", 8080) == "http://[::1]:8080/__admin/health"
    assert health_url("192.0.2.1", 9000) == "http://192.0.2.1:9000/__admin/health"
