"""The plugin is installed with the package (entry point pytest11) and can drive an emulator
that is already running (--emulator-url, e.g. a docker-compose service in CI)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx

from tests.conftest import FIXED_START
from tests.support.live_server import live_server

USER_TEST = textwrap.dedent('''
    def test_uses_the_external_emulator(purchase_emulator, emulator_sandbox, emulator_clock):
        assert purchase_emulator.url == "{url}"
        emulator_clock.advance(90)
        assert emulator_clock.now().isoformat() == "2026-01-01T00:01:30+00:00"
        r = emulator_sandbox.client.get("/assets/list",
                                        headers={{"Authorization": "Bearer hl-demo-token"}})
        assert r.status_code == 200
        emulator_sandbox.assert_requested(operation="connector_assets_list", count=1)
        open("{marker}", "w").write(emulator_sandbox.id)
''')


def test_a_user_suite_runs_against_a_running_emulator(make_settings, tmp_path):
    token = "ci-admin-token"
    with live_server(make_settings(admin_token=token, clock_start=FIXED_START)) as url:
        marker = tmp_path / "sandbox-id.txt"
        (tmp_path / "test_user.py").write_text(USER_TEST.format(url=url, marker=marker))
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path),
             "--rootdir", str(tmp_path), "--emulator-url", url, "--emulator-admin-token", token],
            capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 passed" in done.stdout
        # the plugin's sandbox was deleted after the test
        sandbox_id = marker.read_text()
        r = httpx.get(f"{url}/__admin/sandboxes/{sandbox_id}",
                      headers={"X-Emulator-Admin-Token": token})
        assert r.status_code == 404


SELF_STARTED = textwrap.dedent('''
    HL = {"Authorization": "Bearer hl-demo-token"}

    def test_fixtures_from_the_ini_are_every_sandbox_baseline(emulator_sandbox, emulator_clock):
        assert emulator_clock.state()["now"] == "2030-05-01T00:00:00Z"
        [line] = emulator_sandbox.orders(vendor="hlconnect")
        assert line["order_id"] == 9001
        info = emulator_sandbox.client.get("/purchase/info", params={"order_id": 9001},
                                           headers=HL)
        assert info.status_code == 200
''')


def test_a_user_suite_with_a_self_started_emulator_and_ini_options(tmp_path):
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "hl.yaml").write_text(
        "hlconnect:\n  orders:\n    - {order_number: 9001, order_line_id: 1, asset_id: 1000001,"
        " status: COMPLETED}\n")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nemulator_fixtures = fixtures/hl.yaml\n"
        "emulator_clock_start = 2030-05-01T00:00:00Z\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_user.py").write_text(SELF_STARTED)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
