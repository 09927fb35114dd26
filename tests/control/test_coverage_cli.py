"""`purchase-emulator coverage` against a real server: the table (unmet first, with recipes),
JSON and JUnit, the --fail-under gate, and a clear one-line error for every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import httpx
import pytest

from tests.conftest import FIXED_START
from tests.support.live_server import live_server

TOKEN = "cli-admin-token"
ADMIN = {"X-Emulator-Admin-Token": TOKEN}
HL = {"Authorization": "Bearer hl-demo-token"}


@pytest.fixture
def server(make_settings):
    with live_server(make_settings(admin_token=TOKEN, clock_start=FIXED_START)) as url:
        http = httpx.Client(base_url=url, timeout=10)
        assert http.post("/__admin/sandboxes", json={"id": "ci"}, headers=ADMIN).status_code == 201
        register = {"asset_id": 1000001, "country_code": "US", "quantity": 1,
                    "order_number": 1, "order_line_id": 1, "line_item_price": 4.99,
                    "unit_price": 4.99, "customer": "c-1"}
        for expected in (201, 409):
            r = http.post("/sandbox/purchase/register", json=register,
                          headers={**HL, "X-Emulator-Sandbox": "ci"})
            assert r.status_code == expected
        yield url
        http.close()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "emulator.cli", "coverage", *args],
                          capture_output=True, text=True, timeout=60)


def test_the_table_lists_unmet_answers_first_each_with_its_recipe(server):
    done = _run("--url", server, "--sandbox", "ci", "--admin-token", TOKEN)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Response coverage (sandbox ci): 2 of 202 documented answers met "
                        "(1.0%)")
    assert lines[1:4] == ["  gmodstore    0/24   0.0%", "  gvp          0/91   0.0%",
                          "  hlconnect    2/87   2.3%"]
    text = done.stdout
    assert text.index("Never met (200):") < text.index("Met (2):")
    assert "  hlconnect connector_purchase_register_sandbox 409 Conflict  ×1" in lines
    unmet = lines.index("  gvp CreatePurchase 200 code 87 InsufficientBalance")
    assert lines[unmet + 1].startswith("      1. GET /AuthenticationService.svc/LoginUserPassword"
                                       "?userName=broke&password=broke123")
    assert lines[unmet + 3] == "      why: broke's EWallet is 0.00 and the rental costs 3.99"


def test_json_is_the_report_and_vendor_narrows_it(server):
    done = _run("--url", server, "--sandbox", "ci", "--admin-token", TOKEN, "--format",
                "json", "--vendor", "hlconnect")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sandbox"] == "ci" and report["responses_percent"] == 2.3
    assert {o["vendor"] for o in report["responses"]} == {"hlconnect"}
    assert [v["vendor"] for v in report["responses_by_vendor"]] == ["hlconnect"]


def test_junit_has_one_case_per_outcome_and_unmet_ones_fail_with_the_recipe(server):
    done = _run("--url", server, "--sandbox", "ci", "--admin-token", TOKEN, "--format",
                "junit")
    assert done.returncode == 0, done.stderr
    root = ElementTree.fromstring(done.stdout)
    assert (root.get("tests"), root.get("failures")) == ("202", "200")
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 202
    by_name = {(c.get("classname"), c.get("name")): c for c in cases}
    met = by_name[("hlconnect.connector_purchase_register_sandbox", "409 Conflict")]
    assert met.find("failure") is None
    failure = by_name[("gvp.CreatePurchase", "200 code 87 InsufficientBalance")].find("failure")
    assert failure.get("message") == ("never met: why: broke's EWallet is 0.00 and the rental "
                                      "costs 3.99")
    assert "productId=6002" in failure.text


def test_fail_under_gates_on_the_percentage(server):
    below = _run("--url", server, "--sandbox", "ci", "--admin-token", TOKEN,
                 "--fail-under", "50")
    assert below.returncode == 1
    assert below.stderr.strip() == ("purchase-emulator coverage: 1.0% of the documented "
                                    "answers met, below --fail-under 50%")
    above = _run("--url", server, "--sandbox", "ci", "--admin-token", TOKEN, "--format",
                 "json", "--fail-under", "0.5")
    assert above.returncode == 0 and above.stderr == ""


@pytest.mark.parametrize("args, message", [
    (["--sandbox", "nope"], "answered 404: unknown sandbox 'nope': create it with POST "
                            "/__admin/sandboxes"),
    (["--vendor", "nope"], "answered 404: unknown vendor 'nope': installed are gmodstore, "
                           "gvp, hlconnect"),
    (["--no-token"], "answered 401: admin token required"),
])
def test_a_bad_sandbox_vendor_or_token_is_one_clear_line_and_exit_2(server, args, message):
    token = [] if args == ["--no-token"] else ["--admin-token", TOKEN]
    done = _run("--url", server, *token, *[a for a in args if a != "--no-token"])
    assert done.returncode == 2
    assert done.stderr.startswith(f"purchase-emulator coverage: {server}/__admin/coverage "
                                  f"{message}"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("value", ["101", "-1", "lots"])
def test_fail_under_outside_0_to_100_is_refused(value):
    done = _run("--url", "http://127.0.0.1:9", "--fail-under", value)
    assert done.returncode == 2
    assert "argument --fail-under: must be" in done.stderr and "Traceback" not in done.stderr


def test_an_unreachable_emulator_is_one_clear_line():
    done = _run("--url", "http://127.0.0.1:9")
    assert done.returncode == 2
    assert done.stderr.startswith("purchase-emulator coverage: cannot reach the emulator at "
                                  "http://127.0.0.1:9")
    assert "Traceback" not in done.stderr
