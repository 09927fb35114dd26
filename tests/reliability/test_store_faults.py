"""The state store fails under the emulator: a lock held by another process beyond the busy
timeout, a full disk, a read-only database file. Each write answers the vendor's own 500
envelope, the log says what happened in plain words, the process keeps running, and service
resumes by itself once the condition clears.

How each condition is made (honestly, on the real file system):
- locked: a second SQLite connection holds `BEGIN EXCLUSIVE`; the server's busy timeout is
  shortened to 300 ms with EMULATOR_SQLITE_BUSY_TIMEOUT_MS.
- full disk: the database lives on a 16 MB tmpfs that the test fills with a file (needs root
  to mount; the test says so and skips otherwise).
- read-only: the database file is mode 0444 and the server runs without CAP_DAC_OVERRIDE, so
  the kernel refuses it writes as it would any non-root user. (Changing the mode under a
  running process changes nothing: its open descriptors stay writable, so the server is
  started on the read-only file.)
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from tests.reliability import server
from tests.support import needs

HL = {"Authorization": "Bearer hl-demo-token"}
GMS = {"Authorization": "Bearer gms-demo-token"}
GMS_URL = "/api/v3/products/00000000-0000-4000-a000-000000000001/purchases"
BUYERS = ["76561198000000011", "76561198000000012", "76561198000000013", "76561198000000014"]


class Writes:
    """One write per vendor, each with fresh ids so a success is a 201/OK, not a conflict."""

    def __init__(self, base: str) -> None:
        self.c = httpx.Client(base_url=base, timeout=30)
        self.n = 0

    def hl(self) -> httpx.Response:
        self.n += 1
        return self.c.post("/sandbox/purchase/register", headers=HL, json={
            "asset_id": 1000001, "order_number": 9000 + self.n, "order_line_id": 1,
            "country_code": "US", "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99,
            "customer": "Ada"})

    def gms(self) -> httpx.Response:
        self.n += 1
        r = self.c.post(GMS_URL, headers=GMS, json={"userId": BUYERS[self.n % len(BUYERS)]})
        if r.status_code == 201:  # revoke it again, so the buyer can buy once more
            self.c.put(f"{GMS_URL}/{r.json()['data']['id']}", headers=GMS, json={"revoked": True})
        return r

    def gvp(self) -> httpx.Response:  # a login stores a token row
        return self.c.get("/AuthenticationService.svc/LoginUserPassword", params={
            "userName": "rich", "password": "rich123", "deviceType": 1, "instanceId": 1,
            "deviceId": "faults"})

    def all(self) -> dict[str, httpx.Response]:
        return {"hl": self.hl(), "gms": self.gms(), "gvp": self.gvp()}


def assert_served(answers: dict[str, httpx.Response]) -> None:
    assert answers["hl"].status_code == 201, answers["hl"].text
    assert answers["gms"].status_code == 201, answers["gms"].text
    assert answers["gvp"].status_code == 200 and answers["gvp"].json()["StatusCode"] == 0


def assert_vendor_500s(answers: dict[str, httpx.Response]) -> None:
    hl, gms, gvp = answers["hl"], answers["gms"], answers["gvp"]
    assert hl.status_code == 500 and hl.json() == {
        "name": "Internal Server Error", "message": "Internal server error", "code": 500,
        "status": 500}, hl.text
    assert gms.status_code == 500 and set(gms.json()) == {"message"}, gms.text
    assert gvp.status_code == 500, gvp.text
    body = gvp.json()
    assert (body["StatusCode"], body["Severity"], body["Content"]) == (1, 3, None), body
    for r in answers.values():
        assert "Traceback" not in r.text and "sqlite" not in r.text.lower()


def assert_logged(srv: server.Served, failure: str) -> None:
    lines = [x for x in srv.logs() if x.get("logger") == "emulator.db"]
    assert any(x["message"].startswith(f"state store unavailable ({failure})") for x in lines), \
        srv.log_text()[-2000:]
    assert "Exception in ASGI application" not in srv.log_text()  # nothing escaped the pipeline


def _integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """One server for the lock and the full disk: its database on a 16 MB tmpfs (when this
    machine lets us mount one), its log outside it, a 300 ms busy timeout."""
    tmp = tmp_path_factory.mktemp("faults")
    disk = tmp / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    srv = server.start(tmp, db=disk / "emulator.db",
                       env={"EMULATOR_SQLITE_BUSY_TIMEOUT_MS": "300"})
    srv.tmpfs = disk if mounted.returncode == 0 else None
    srv.mount_error = mounted.stderr.strip()
    try:
        yield srv
    finally:
        server.stop(srv)
        if srv.tmpfs:
            subprocess.run(["umount", "-l", str(disk)], check=False)


def test_locked_database_answers_500_then_recovers(faulty):
    w = Writes(faulty.base)
    assert_served(w.all())
    holder = sqlite3.connect(faulty.db_path, isolation_level=None, timeout=5)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert_vendor_500s(w.all())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_logged(faulty, "database is locked")
    assert faulty.proc.poll() is None
    assert_served(w.all())
    _integrity(faulty.db_path)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        for chunk in (65536, 512):  # then the last few bytes too
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError:
                pass
    return filler


def test_full_disk_answers_500_then_recovers(faulty):
    needs.require(faulty.tmpfs is not None,
                  f"cannot mount a tmpfs to fill (needs root): {faulty.mount_error}")
    w = Writes(faulty.base)
    w.n = 200
    assert_served(w.all())
    filler = _fill(faulty.tmpfs)
    try:
        assert_vendor_500s(w.all())
    finally:
        filler.unlink()
    assert_logged(faulty, "database or disk is full")
    assert faulty.proc.poll() is None
    assert_served(w.all())
    _integrity(faulty.db_path)


def test_read_only_database_file_answers_500_then_recovers(tmp_path, make_settings):
    needs.require(os.geteuid() == 0, "needs root to drop CAP_DAC_OVERRIDE from a child")
    db = tmp_path / "emulator.db"
    app = create_app(make_settings(database_url=f"sqlite:///{db}"))
    with TestClient(app) as first:  # tables, rows and a sandbox exist
        first.post("/sandbox/purchase/register", headers=HL, json={
            "asset_id": 1000001, "order_number": 1, "order_line_id": 1, "country_code": "US",
            "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "Ada"})
    app.state.runtime.db.dispose()
    db.chmod(0o444)
    srv = server.start(tmp_path, db=db, preexec_fn=server.without_file_override)
    try:
        w = Writes(srv.base)
        w.n = 100
        assert_vendor_500s(w.all())
        assert_logged(srv, "readonly database")
        assert srv.proc.poll() is None
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):  # SQLite copies the db's mode
            if path.exists():
                path.chmod(0o644)
        assert_served(w.all())
    finally:
        server.stop(srv)
    _integrity(db)


def test_sandbox_sweep_during_a_store_failure(make_client):
    """The idle-sandbox sweep (a write, before routing) is skipped, not fatal, when the store
    is locked: the request still gets its vendor's answer."""
    client = make_client(sqlite_busy_timeout_ms=300, sandbox_idle_seconds=10)
    control = client.app.state.runtime.control
    now = [control.wall()]
    control.wall = lambda: now[0]
    assert client.get("/__admin/health").status_code == 200  # the first sweep
    now[0] += 60  # the next request is due to sweep
    holder = sqlite3.connect(client.app.state.runtime.db.url.removeprefix("sqlite:///"),
                             isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = client.post("/sandbox/purchase/register", headers=HL, json={
            "asset_id": 1000001, "order_number": 1, "order_line_id": 1, "country_code": "US",
            "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "Ada"})
    finally:
        holder.execute("ROLLBACK")
    assert r.status_code in (201, 500) and set(r.json()) == {"name", "message", "code", "status"}
