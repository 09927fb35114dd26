"""The admin surface requires the admin token when one is configured (every documented admin
operation, and undocumented admin paths too); secrets sent by clients (bearer tokens,
validation tokens, passwords, PINs, OAuth signatures, signed links, the admin token) never
appear in the server's logs or in the journal."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from oauthlib.oauth1 import Client as OAuthClient

from emulator.cli import banner
from emulator.logs import JsonFormatter
from emulator.settings import Settings
from tests.support.live_server import live_server

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "s3cret-admin-token-4711"
OK = {"Authorization": f"Bearer {ADMIN}"}


class Served:
    """A real server (in a thread) whose log lines are kept as the JSON the CLI would print."""

    def __init__(self, base: str, lines: list[str]) -> None:
        self.base, self.lines = base, lines

    def log_text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    lines: list[str] = []
    formatter = JsonFormatter()

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(formatter.format(record))

    handler = Keep(level=logging.DEBUG)
    logger = logging.getLogger("emulator")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    db = tmp_path_factory.mktemp("admin") / "emulator.db"
    try:
        with live_server(Settings(database_url=f"sqlite:///{db}", admin_token=ADMIN)) as base:
            yield Served(base, lines)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def admin_operations() -> list[tuple[str, str]]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    found = []
    for path, item in spec["paths"].items():
        if path.startswith("/__admin") and path != "/__admin/health":
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            found += [(m.upper(), concrete) for m in item if m in ("get", "post", "put", "delete")]
    return found


def test_every_admin_operation_requires_the_token(served):
    operations = admin_operations() + [("GET", "/__admin/not-a-route"), ("POST", "/__admin/x/y")]
    assert len(operations) > 30
    with httpx.Client(base_url=served.base, timeout=30) as c:
        before = c.get("/__admin/orders", headers=OK).json()
        for method, path in operations:
            for headers in ({}, {"Authorization": "Bearer wrong"},
                            {"X-Emulator-Admin-Token": ADMIN[:-1]},
                            {"Cookie": "emulator_admin=forged"}):
                r = c.request(method, path, headers=headers, json={})
                assert r.status_code == 401, (method, path, headers, r.status_code)
            allowed = c.request(method, path, headers={"X-Emulator-Admin-Token": ADMIN}, json={})
            assert allowed.status_code != 401, (method, path)
        assert c.get("/__admin/health").status_code == 200  # readiness stays open
        assert c.get("/__admin/orders", headers=OK).json()["count"] >= before["count"]


def _secret_traffic(base: str) -> list[str]:
    """Send requests carrying secrets; returns every secret value sent or handed out."""
    secrets = [ADMIN, "hl-demo-token", "gms-demo-token", "rich123"]
    with httpx.Client(base_url=base, timeout=30) as c:
        hl = {"Authorization": "Bearer hl-demo-token"}
        token = c.post("/purchase/validate-purchase-before-payment", headers=hl, json={
            "asset_id": 1000001, "customer_ip": "192.0.2.1", "quantity": 1}).json()["token"]
        secrets.append(token)
        c.post("/purchase/register", headers=hl, json={
            "token": token, "order_number": 1, "order_line_id": 1, "line_item_price": 1.0,
            "unit_price": 1.0, "customer": "A"})
        line = c.get("/purchase/info", headers=hl, params={"order_id": 1}).json()[0]
        for url in (line["download_url"], line["view_url"]):
            secrets.append(urlsplit(url).path.rsplit("/", 1)[1])
            c.get(urlsplit(url).path)
        c.get("/api/v3/products/00000000-0000-4000-a000-000000000001/purchases",
              headers={"Authorization": "Bearer gms-demo-token"})
        login = c.get("/AuthenticationService.svc/LoginUserPassword", params={
            "userName": "rich", "password": "rich123", "deviceType": 1, "instanceId": 1})
        gvp = login.json()["Content"]["Token"]
        secrets.append(gvp)
        c.get("/UserService.svc/ChangePin", params={"token": gvp, "pinType": 2, "pin": "1234",
                                                    "newPin": "9876"})
        c.post("/UserService.svc/CheckPin", data={"token": gvp, "pinType": 2, "pin": "9876"})
        signer = OAuthClient("gvp-demo-key", client_secret="gvp-demo-secret")
        uri, headers, _ = signer.sign(f"{base}/AuthenticationService.svc/LoginAnonymous"
                                      "?deviceType=1&instanceId=1")
        secrets.append(re.search(r'oauth_signature="([^"]+)"', headers["Authorization"]).group(1))
        c.get(uri, headers=headers)
        c.get("/__admin/requests", headers=OK)
        c.get("/__admin/ui", params={"token": ADMIN})
        c.get("/__admin/orders", headers={"X-Emulator-Admin-Token": ADMIN})
    return secrets


def test_secrets_never_reach_the_logs_or_the_journal(served):
    secrets = _secret_traffic(served.base)
    journal = httpx.get(f"{served.base}/__admin/requests", headers=OK,
                        params={"limit": 1000}).text
    assert '"***"' in journal  # redaction happened (and the journal is not empty)
    logs = served.log_text()  # the request log (the start-up banner lists the demo tokens)
    assert "LoginUserPassword" in logs and "/purchase/register" in logs
    for secret in secrets:
        assert secret not in journal, secret
        assert secret not in logs, secret
    # PINs are short digits (they could occur in any number): check the fields themselves
    entries = httpx.get(f"{served.base}/__admin/requests", headers=OK,
                        params={"limit": 1000}).json()["requests"]
    pins = [e for e in entries if e["path"].startswith("/UserService.svc/")]
    assert len(pins) == 2
    for entry in pins:
        fields = {**entry["query"], **(entry["body"] if isinstance(entry["body"], dict) else {})}
        assert {fields.get(k) for k in ("pin", "newPin") if k in fields} == {"***"}, entry


def test_the_banner_hides_the_database_password(tmp_path):
    from emulator.app import create_app

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'e.db'}")
    app = create_app(settings)
    shown = banner(app.state.runtime, settings.model_copy(update={
        "database_url": "postgresql+psycopg://emu:hunter2@db.internal:5432/emulator"}))
    assert "hunter2" not in shown and "emu:***@db.internal" in shown
