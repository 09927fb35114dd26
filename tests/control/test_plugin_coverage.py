"""The pytest plugin's --emulator-coverage: a user's session, against a running emulator or one
the plugin starts, ends with the documented answers its sandboxes met (each sandbox's report is
taken before the sandbox is deleted); --emulator-coverage-fail-under fails the session."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import FIXED_START
from tests.support.live_server import live_server

USER_TESTS = textwrap.dedent('''
    HL = {"Authorization": "Bearer hl-demo-token"}
    BODY = {"asset_id": 1000001, "country_code": "US", "quantity": 1, "order_number": 1,
            "order_line_id": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "c"}

    def test_register_twice(emulator_sandbox):
        api = emulator_sandbox.client
        assert api.post("/sandbox/purchase/register", json=BODY, headers=HL).status_code == 201
        assert api.post("/sandbox/purchase/register", json=BODY, headers=HL).status_code == 409

    def test_register_once_in_another_sandbox(emulator_sandbox):
        api = emulator_sandbox.client
        assert api.post("/sandbox/purchase/register", json=BODY, headers=HL).status_code == 201

    def test_without_a_sandbox():
        pass
''')
TOKEN = "plugin-admin-token"


@pytest.fixture
def user_suite(tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    return tmp_path


def _pytest(suite, *args: str) -> subprocess.CompletedProcess:
    quiet = [] if "-v" in args else ["-q"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *quiet, "-p", "no:cacheprovider", str(suite),
         "--rootdir", str(suite), *args],
        capture_output=True, text=True, timeout=180, cwd=suite)


@pytest.fixture
def server(make_settings):
    with live_server(make_settings(admin_token=TOKEN, clock_start=FIXED_START)) as url:
        yield url


def test_the_session_ends_with_the_merged_report_of_its_sandboxes(server, user_suite):
    done = _pytest(user_suite, "--emulator-url", server, "--emulator-admin-token", TOKEN,
                   "--emulator-coverage")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "3 passed" in out
    assert "purchase-emulator response coverage" in out
    assert ("Response coverage (2 sandbox(es)): 2 of 202 documented answers met (1.0%)"
            in out)
    assert "  hlconnect    2/87   2.3%" in out
    assert "  gvp CreatePurchase 200 code 87 InsufficientBalance" in out  # unmet, listed
    assert "why:" not in out  # recipes with -v only


def test_verbose_shows_each_unmet_answers_recipe_and_the_met_ones(server, user_suite):
    done = _pytest(user_suite, "--emulator-url", server, "--emulator-admin-token", TOKEN,
                   "--emulator-coverage", "-v")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "      why: broke's EWallet is 0.00 and the rental costs 3.99" in done.stdout
    assert "  hlconnect connector_purchase_register_sandbox 201 Created  ×2" in done.stdout


def test_fail_under_fails_a_passing_session_below_the_threshold(server, user_suite):
    done = _pytest(user_suite, "--emulator-url", server, "--emulator-admin-token", TOKEN,
                   "--emulator-coverage-fail-under", "75")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    assert ("FAIL: 1.0% of the documented answers met, below --emulator-coverage-fail-under 75%"
            in done.stdout)
    done = _pytest(user_suite, "--emulator-url", server, "--emulator-admin-token", TOKEN,
                   "--emulator-coverage-fail-under", "0.5")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1.0% met: at least 0.5% as required" in done.stdout


def test_with_the_emulator_the_plugin_starts(user_suite):
    done = _pytest(user_suite, "--emulator-coverage")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 202 documented answers met" in done.stdout


@pytest.mark.parametrize("value", ["150", "half"])
def test_a_fail_under_outside_0_to_100_is_a_usage_error(user_suite, value):
    done = _pytest(user_suite, "--emulator-coverage-fail-under", value)
    assert done.returncode == 4  # pytest's usage error
    assert (f"--emulator-coverage-fail-under must be from 0 to 100, not '{value}'"
            in done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
