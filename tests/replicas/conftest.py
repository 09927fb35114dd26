"""Two (or more) real `purchase-emulator serve` processes on one throwaway PostgreSQL.

Each replica is started exactly as a user would (the console script, EMULATOR_* variables),
polled until /__admin/health answers, and stopped with SIGTERM. Time is frozen at the tests'
FIXED_START through EMULATOR_CLOCK_START, so nothing here waits on the wall clock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from emulator.serving import free_port, wait_ready
from tests.support.postgres import throwaway_database

EXE = str(Path(sys.executable).parent / "purchase-emulator")
START = "2026-01-01T00:00:00Z"


def replica_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
    env.update({"EMULATOR_DATABASE_URL": database_url, "EMULATOR_PORT": str(port),
                "EMULATOR_HOST": "127.0.0.1", "EMULATOR_CLOCK_START": START,
                "EMULATOR_SEED": "0", "EMULATOR_LOG_FORMAT": "json", **extra})
    return env


def wait_healthy(proc: subprocess.Popen, base: str, log=None, limit: float = 30.0) -> None:
    """Health answers 200 within `limit` seconds, the process staying up (else the log)."""
    if wait_ready(base, alive=lambda: proc.poll() is None, timeout=limit, interval=0.02):
        return
    output = ""
    if log is not None:
        log.seek(0)
        output = log.read()[-3000:]
    state = f"exited {proc.returncode}" if proc.poll() is not None else f"no health in {limit} s"
    raise AssertionError(f"replica {state}: {output}")


@contextmanager
def replicas(database_url: str, count: int, *args: str, **extra: str) -> Iterator[list[str]]:
    """`count` processes started at once (as compose starts its replicas), all healthy."""
    started, logs = [], []
    try:
        for _ in range(count):
            port = free_port()
            # output to a file, not a pipe: an unread pipe fills up and blocks the server
            log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed with the replicas
            logs.append(log)
            started.append((port, subprocess.Popen(
                [EXE, "serve", *args], env=replica_env(database_url, port, **extra),
                stdout=log, stderr=subprocess.STDOUT, text=True)))
        bases = [f"http://127.0.0.1:{port}" for port, _ in started]
        for base, (_, proc), log in zip(bases, started, logs, strict=True):
            wait_healthy(proc, base, log)
        yield bases
    finally:
        for _, proc in started:
            proc.send_signal(signal.SIGTERM)
        for _, proc in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


@contextmanager
def replica(database_url: str, *args: str, **extra: str) -> Iterator[str]:
    with replicas(database_url, 1, *args, **extra) as (base,):
        yield base


@contextmanager
def _fresh_database(backend: str, tmp_path_factory) -> Iterator[str]:
    if backend == "sqlite":  # one file, two processes: `serve --workers N` on SQLite
        yield f"sqlite:///{tmp_path_factory.mktemp('shared') / 'emulator.db'}"
        return
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def replica_urls(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Replicas A and B on one fresh database (a SQLite file or PostgreSQL), shared by a
    module's tests (each test works in a sandbox of its own, so state never leaks)."""
    scenarios = tmp_path_factory.mktemp("scenarios")
    (scenarios / "every-fifth.yaml").write_text(EVERY_FIFTH)
    (scenarios / "three-a-minute.yaml").write_text(THREE_A_MINUTE)
    fixtures = scenarios / "fixtures.yaml"
    fixtures.write_text(FIXTURES)
    with _fresh_database(request.param, tmp_path_factory) as url:
        # started together on an empty database: one migrates, the other waits for it
        # and the same start-up fixtures: loaded once, not once per replica
        with replicas(url, 2, "--scenarios-dir", str(scenarios), "--fixtures",
                      str(fixtures)) as (a, b):
            yield a, b


@pytest.fixture
def two_replicas(replica_urls) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    sandbox = f"t-{uuid.uuid4().hex[:12]}"
    a_url, b_url = replica_urls
    created = httpx.post(f"{a_url}/__admin/sandboxes", json={"id": sandbox}, timeout=30)
    assert created.status_code == 201, created.text
    headers = {"X-Emulator-Sandbox": sandbox}
    with httpx.Client(base_url=a_url, headers=headers, timeout=30) as a, \
            httpx.Client(base_url=b_url, headers=headers, timeout=30) as b:
        yield a, b


FIXTURE_ORDER = 9100
FIXTURES = f"""\
hlconnect:
  orders:
    - {{order_number: {FIXTURE_ORDER}, order_line_id: 1, asset_id: 1000001, status: COMPLETED}}
"""
EVERY_FIFTH = """\
name: every-fifth
description: every 5th HL asset list is a 503
rules:
  - id: fifth
    match: {vendor: hlconnect, operation: connector_assets_list, every: 5}
    effects:
      status: {code: 503}
"""
THREE_A_MINUTE = """\
name: three-a-minute
description: three HL calls a minute per token
rules:
  - id: three
    match: {vendor: hlconnect}
    effects:
      rate_limit: {limit: 3, window_seconds: 60, per: token}
"""


@pytest.fixture
def pg_url() -> Iterator[str]:
    with throwaway_database() as url:
        yield url
