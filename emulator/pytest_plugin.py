"""pytest fixtures for testing a client against purchase-emulator (entry point `pytest11`).

Installed with the package; nothing to configure:

    def test_checkout(emulator_sandbox, emulator_clock):
        api = emulator_sandbox.client            # httpx.Client bound to a fresh sandbox
        r = api.post("/purchase/register", ...)  # your code under test, pointed at .url
        emulator_clock.advance(60)
        emulator_sandbox.assert_requested(vendor="hlconnect", operation="...", count=1)

Fixtures:
- `purchase_emulator` (session): one emulator for the whole run, started in a thread on a
  free loopback port with a throw-away SQLite database and a random admin token (or the
  server at `--emulator-url`). Its clock starts frozen at `emulator_clock_start` (ini option,
  default 2026-01-01T00:00:00Z; "now" for a running clock).
- `emulator_sandbox`: a fresh sandbox per test (deleted afterwards): `.url`, `.headers`,
  `.client`, orders, forcing, scenarios, journal verification.
- `emulator_clock`: that sandbox's virtual clock (`advance`, `advance_to_next_event`, ...).

`--emulator-coverage` prints, at the end of the session, which documented vendor answers the
session's sandboxes met (each sandbox's report is taken before it is deleted); with
`--emulator-coverage-fail-under PCT` the session fails below PCT percent.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from emulator.serving import free_port, wait_ready

DEFAULT_CLOCK_START = "2026-01-01T00:00:00Z"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("purchase-emulator")
    group.addoption("--emulator-url", default=None,
                    help="use the purchase-emulator at this URL instead of starting one")
    group.addoption("--emulator-admin-token", default=None,
                    help="admin token of the emulator at --emulator-url")
    group.addoption("--emulator-coverage", action="store_true", default=False,
                    help="print which documented vendor answers the session's sandboxes met "
                         "(-v: with a recipe for each unmet one)")
    group.addoption("--emulator-coverage-fail-under", default=None, metavar="PCT",
                    help="fail the session when fewer than PCT percent (0-100) of the "
                         "documented answers were met (implies --emulator-coverage)")
    parser.addini("emulator_clock_start", default=DEFAULT_CLOCK_START,
                  help="instant the started emulator's clocks are frozen at ('now': running)")
    parser.addini("emulator_fixtures", type="linelist", default=[],
                  help="fixture files loaded by the started emulator (its baseline)")
    parser.addini("emulator_scenarios_dir", type="linelist", default=[],
                  help="extra scenario directories for the started emulator")


class ResponseCoverage:
    """The reports of the sandboxes a session used, merged at the end (--emulator-coverage)."""

    def __init__(self, fail_under: float | None) -> None:
        self.fail_under = fail_under
        self.reports: list[dict] = []
        self.problems: list[str] = []
        self.verdict: str | None = None

    def take(self, sandbox: Sandbox) -> None:
        try:
            self.reports.append(sandbox.admin("GET", "/coverage"))
        except (EmulatorError, httpx.HTTPError, ValueError) as exc:
            self.problems.append(f"sandbox {sandbox.id}: {exc}")

    def merged(self) -> dict | None:
        from emulator.coverage_report import merge

        usable = [r for r in self.reports if "responses" in r]
        return merge(usable) if usable else None


COVERAGE = pytest.StashKey[ResponseCoverage]()


def pytest_configure(config) -> None:
    raw = config.getoption("--emulator-coverage-fail-under")
    fail_under = None
    if raw is not None:
        try:
            fail_under = float(raw)
        except ValueError:
            fail_under = -1.0
        if not 0 <= fail_under <= 100:
            raise pytest.UsageError(
                f"--emulator-coverage-fail-under must be from 0 to 100, not {raw!r}")
    if fail_under is not None or config.getoption("--emulator-coverage"):
        config.stash[COVERAGE] = ResponseCoverage(fail_under)


def pytest_sessionfinish(session, exitstatus) -> None:
    coverage = session.config.stash.get(COVERAGE, None)
    if coverage is None or coverage.fail_under is None:
        return
    merged = coverage.merged()
    percent = merged["responses_percent"] if merged else 0.0
    if percent < coverage.fail_under:
        coverage.verdict = (f"FAIL: {percent}% of the documented answers met, below "
                            f"--emulator-coverage-fail-under {coverage.fail_under:g}%")
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        coverage.verdict = f"{percent}% met: at least {coverage.fail_under:g}% as required"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    coverage = config.stash.get(COVERAGE, None)
    if coverage is None:
        return
    from emulator.coverage_report import render_text

    terminalreporter.section("purchase-emulator response coverage")
    merged = coverage.merged()
    if merged is None:
        terminalreporter.write_line("no emulator sandbox was used: nothing to report")
    else:
        verbose = config.getoption("verbose") > 0
        text = render_text(merged, recipes=verbose, met=verbose,
                           title=f" ({len(coverage.reports)} sandbox(es))")
        for line in text.splitlines():
            terminalreporter.write_line(line)
    for problem in coverage.problems:
        terminalreporter.write_line(f"not counted: {problem}")
    if coverage.verdict:
        terminalreporter.write_line(coverage.verdict)


class EmulatorError(AssertionError):
    """An admin call answered an error; the message carries the emulator's detail."""


class EmulatorServer:
    """A running emulator: its base URL and admin calls (with the admin token)."""

    def __init__(self, url: str, admin_token: str | None) -> None:
        self.url = url.rstrip("/")
        self.admin_token = admin_token
        self.admin_headers = {"X-Emulator-Admin-Token": admin_token} if admin_token else {}
        self._http = httpx.Client(base_url=self.url, timeout=30)

    def admin(self, method: str, path: str, *, sandbox: str | None = None,
              expect: tuple[int, ...] = (200, 201, 204), **kwargs) -> Any:
        headers = {**self.admin_headers, **kwargs.pop("headers", {})}
        if sandbox:
            headers["X-Emulator-Sandbox"] = sandbox
        response = self._http.request(method, f"/__admin{path}", headers=headers, **kwargs)
        if response.status_code not in expect:
            raise EmulatorError(f"{method} /__admin{path} → {response.status_code}: "
                                f"{response.text}")
        return response.json() if response.content else None

    def new_sandbox(self, from_snapshot: str | None = None) -> Sandbox:
        body = {"from": from_snapshot} if from_snapshot else {}
        created = self.admin("POST", "/sandboxes", json=body)
        return Sandbox(self, created["id"])

    def close(self) -> None:
        self._http.close()


class EmulatorClock:
    """One sandbox's virtual clock."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def state(self) -> dict:
        return self._sandbox.admin("GET", "/clock")

    def now(self) -> datetime:
        return datetime.fromisoformat(self.state()["now"].replace("Z", "+00:00"))

    def advance(self, seconds: float) -> dict:
        return self._sandbox.admin("POST", "/clock/advance", json={"seconds": seconds})

    def advance_to_next_event(self) -> dict:
        return self._sandbox.admin("POST", "/clock/advance-to-next-event")

    def freeze(self, at: str | float | None = None) -> dict:
        return self._sandbox.admin("POST", "/clock/freeze", json={"at": at} if at else {})

    def resume(self) -> dict:
        return self._sandbox.admin("POST", "/clock/resume")


class Sandbox:
    """An isolated world inside the emulator: send `headers` (or use `client`) to act in it."""

    def __init__(self, server: EmulatorServer, sandbox_id: str) -> None:
        self.server = server
        self.id = sandbox_id
        self.url = server.url
        self.headers = {"X-Emulator-Sandbox": sandbox_id}
        self.client = httpx.Client(base_url=server.url, headers=self.headers, timeout=30)
        self.clock = EmulatorClock(self)

    def admin(self, method: str, path: str, **kwargs) -> Any:
        return self.server.admin(method, path, sandbox=self.id, **kwargs)

    # state
    def reset(self) -> None:
        self.admin("POST", "/reset")

    def snapshot(self, name: str, overwrite: bool = True) -> dict:
        return self.admin("POST", "/snapshots", json={"name": name, "overwrite": overwrite})

    def load_fixtures(self, data: dict) -> dict:
        return self.admin("POST", "/fixtures", json=data)

    # orders and purchases
    def orders(self, vendor: str | None = None, status: str | None = None) -> list[dict]:
        params = {k: v for k, v in {"vendor": vendor, "status": status}.items() if v}
        return self.admin("GET", "/orders", params=params)["orders"]

    def order(self, vendor: str, resource_id: str) -> dict:
        return self.admin("GET", f"/orders/{vendor}/{resource_id}")

    def force(self, vendor: str, resource_id: str, action: str, message: str | None = None) -> dict:
        return self.admin("POST", f"/orders/{vendor}/{resource_id}/force",
                          json={"action": action, "message": message})

    # scenarios
    def activate_scenario(self, name: str, token: str | None = None) -> dict:
        return self.admin("POST", f"/scenarios/{name}/activate",
                          json={"token": token} if token else None)

    def deactivate_scenario(self, name: str, token: str | None = None) -> dict:
        return self.admin("POST", f"/scenarios/{name}/deactivate",
                          json={"token": token} if token else None)

    # the journal
    def requests(self, **filters) -> list[dict]:
        return self.admin("GET", "/requests", params=filters)["requests"]

    def verify(self, **pattern) -> dict:
        """POST /__admin/requests/verify: vendor, operation, method, path, status, rule,
        body={...}, query={...} and count / at_least / at_most."""
        return self.admin("POST", "/requests/verify", json=pattern)

    def assert_requested(self, **pattern) -> dict:
        """Fail the test with the emulator's mismatch report (and near misses) unless the
        journal holds the expected number of matching requests."""
        report = self.verify(**pattern)
        if not report["ok"]:
            lines = [report["message"]]
            for miss in report["near_misses"]:
                diffs = "; ".join(f"{d['field']}: expected {d['expected']!r}, got "
                                  f"{d['actual']!r}" for d in miss["differences"])
                lines.append(f"  near miss #{miss['id']} {miss['method']} {miss['path']}: {diffs}")
            raise AssertionError("\n".join(lines))
        return report

    def close(self) -> None:
        self.client.close()


def _start_in_thread(config, tmp_dir) -> tuple[EmulatorServer, Any, threading.Thread]:
    import uvicorn

    from emulator.app import create_app
    from emulator.settings import Settings

    start = config.getini("emulator_clock_start")
    token = secrets.token_hex(16)
    port = free_port()
    settings = Settings(
        host="127.0.0.1", port=port, admin_token=token,
        database_url=f"sqlite:///{tmp_dir / 'emulator.db'}",
        clock_start=None if start in ("", "now") else start,
        # ini paths are relative to the project root, wherever pytest is started from
        fixtures=[config.rootpath / p for p in config.getini("emulator_fixtures")],
        scenarios_dir=[config.rootpath / p for p in config.getini("emulator_scenarios_dir")],
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="purchase-emulator", daemon=True)
    thread.start()
    return EmulatorServer(f"http://127.0.0.1:{port}", token), server, thread


def _wait_ready(url: str, alive: Callable[[], bool] = lambda: True) -> None:
    if not wait_ready(url, alive=alive, timeout=20, interval=0.02):
        raise RuntimeError(f"purchase-emulator at {url} did not become ready")


@pytest.fixture(scope="session")
def purchase_emulator(request, tmp_path_factory) -> Iterator[EmulatorServer]:
    """The emulator for this test session (started here, or the one at --emulator-url)."""
    url = request.config.getoption("--emulator-url")
    if url:
        server = EmulatorServer(url, request.config.getoption("--emulator-admin-token"))
        _wait_ready(server.url)
        yield server
        server.close()
        return
    emulator, uvicorn_server, thread = _start_in_thread(
        request.config, tmp_path_factory.mktemp("purchase-emulator"))
    try:
        _wait_ready(emulator.url, thread.is_alive)
        yield emulator
    finally:
        emulator.close()
        uvicorn_server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def emulator_sandbox(request, purchase_emulator: EmulatorServer) -> Iterator[Sandbox]:
    """A fresh sandbox for one test, deleted afterwards (its coverage taken first when
    --emulator-coverage is on)."""
    sandbox = purchase_emulator.new_sandbox()
    try:
        yield sandbox
    finally:
        coverage = request.config.stash.get(COVERAGE, None)
        if coverage is not None:
            coverage.take(sandbox)
        sandbox.close()
        purchase_emulator.admin("DELETE", f"/sandboxes/{sandbox.id}", expect=(204, 404))


@pytest.fixture
def emulator_clock(emulator_sandbox: Sandbox) -> EmulatorClock:
    """The virtual clock of this test's sandbox."""
    return emulator_sandbox.clock
