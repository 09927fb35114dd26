"""`serve --workers N`: one emulator on a SQLite file or PostgreSQL; refused (clearly) on an
in-memory database the workers could not share."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from emulator.serving import free_port
from tests.hlconnect.helpers import AUTH, sandbox_body
from tests.replicas.conftest import EXE, replica, replica_env


def test_several_workers_on_an_in_memory_database_are_refused_at_start(tmp_path):
    done = subprocess.run([EXE, "serve", "--workers", "2"], capture_output=True, text=True,
                          env=replica_env("sqlite://", free_port()), timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("purchase-emulator: cannot start: --workers 2 needs a "
                                  "database the workers share"), done.stderr


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workers.db'}"
    return request.getfixturevalue("pg_url")


def test_two_workers_behave_as_one_emulator(shared_url):
    with replica(shared_url, "--workers", "2") as base, \
            httpx.Client(base_url=base, timeout=30) as client:  # a busy CI machine
        body = sandbox_body(order=8001, line=1)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(
                lambda _: client.post("/sandbox/purchase/register", headers=AUTH,
                                      json=body).status_code, range(12)))
        assert sorted(statuses) == [201] + [409] * 11
        epoch = client.get("/__admin/clock").json()["epoch"]
        assert client.post("/__admin/clock/advance", json={"seconds": 30}).status_code == 200
        # fresh connections land on either worker: every one sees the advanced clock
        for _ in range(6):
            with httpx.Client(base_url=base) as fresh:
                assert fresh.get("/__admin/clock").json()["epoch"] == epoch + 30
