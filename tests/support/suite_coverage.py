"""Which documented vendor answers this repository's own test suite meets.

    .venv/bin/pytest -p tests.support.suite_coverage [--suite-coverage-json FILE]

The suite gives every test an emulator of its own (a fresh database), so there is no single
server to ask at the end: this plug-in asks each one before it closes — every in-process app
(TestClient) and every live server of tests/support/live_server.py — for the report of all its
sandboxes (GET /__admin/coverage?all_sandboxes=true), and merges them as if the whole suite had
run against one emulator: the bundled vendors with their default settings. Outcomes only a
differently configured emulator documents (another code for an exception) and test-only vendors
are left out. Emulators in other processes (the replica, crash and container tests) are not
asked. Opt-in: the suite itself never loads it.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

import tests.support.live_server as live_server_module
from emulator.control.responses import responses_report
from emulator.coverage_report import merge, outcome_key, render_text, summarise
from emulator.runtime import Runtime
from emulator.settings import Settings
from tests.support.scratch import scratch_dir

REPORTS: list[dict] = []
PROBLEMS: list[str] = []


def pytest_addoption(parser) -> None:
    parser.addoption("--suite-coverage-json", default=None,
                     help="also write the merged response-coverage report to this file")


def _take(get, admin_token: str | None, where: str) -> None:
    headers = {"X-Emulator-Admin-Token": admin_token} if admin_token else {}
    try:
        answer = get("/__admin/coverage", params={"all_sandboxes": "true"}, headers=headers)
        report = answer.json()
        if answer.status_code == 200 and "responses" in report:
            REPORTS.append(report)
        else:
            PROBLEMS.append(f"{where}: {answer.status_code}")
    except Exception as exc:  # noqa: BLE001 - a test may have broken its store on purpose
        PROBLEMS.append(f"{where}: {type(exc).__name__}")


def pytest_configure(config) -> None:
    original_exit = TestClient.__exit__
    original_live = live_server_module.live_server

    def exit_after_report(self, *exc_info):
        runtime = getattr(self.app.state, "runtime", None) if hasattr(self, "app") else None
        if runtime is not None and runtime.started:
            _take(self.get, runtime.settings.admin_token, "an in-process app")
        return original_exit(self, *exc_info)

    @contextmanager
    def reporting_live_server(settings):
        with original_live(settings) as base:
            try:
                yield base
            finally:
                with httpx.Client(base_url=base, timeout=30) as http:
                    _take(http.get, settings.admin_token, "a live server")

    TestClient.__exit__ = exit_after_report  # type: ignore[method-assign]
    live_server_module.live_server = reporting_live_server
    config.add_cleanup(lambda: setattr(TestClient, "__exit__", original_exit))
    config.add_cleanup(lambda: setattr(live_server_module, "live_server", original_live))


def as_one_default_emulator(merged: dict) -> dict:
    """`merged` restricted to what one emulator of the bundled vendors, default settings, documents."""
    unused = scratch_dir("suite-coverage-") / "unused.db"  # never opened
    baseline = responses_report(Runtime(Settings(database_url=f"sqlite:///{unused}")).vendors, [])
    keys = {outcome_key(item) for item in baseline["responses"]}
    vendors = {item["vendor"] for item in baseline["responses"]}
    combined = merge([baseline, merged])
    return summarise([o for o in combined["responses"] if outcome_key(o) in keys],
                     [o for o in combined["responses_undocumented"] if o["vendor"] in vendors])


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    terminalreporter.section("response coverage of this test suite")
    if not REPORTS:
        terminalreporter.write_line("no emulator reported")
        return
    merged = as_one_default_emulator(merge(REPORTS))
    text = render_text(merged, recipes=False, title=f" ({len(REPORTS)} emulators merged)")
    for line in text.splitlines():
        terminalreporter.write_line(line)
    if PROBLEMS:
        terminalreporter.write_line(f"not counted: {len(PROBLEMS)} emulator(s) that could not "
                                    "answer (e.g. a store broken on purpose)")
    target = config.getoption("--suite-coverage-json")
    if target:
        Path(target).write_text(json.dumps(merged, indent=1), encoding="utf-8")

