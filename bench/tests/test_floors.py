"""The framework floors (bench/floor_apps.py, bench/floors.py) and the harness's worker view."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest
from fastapi.testclient import TestClient

from bench import floor_apps, floors, systems


@pytest.mark.parametrize("app", list(floor_apps.APPS))
def test_every_floor_app_answers_the_same_constant_bytes(app):
    with TestClient(getattr(floor_apps, app)) as client:  # `with`: lifespan too
        answer = client.get(floors.FLOOR_PATH)
    assert answer.status_code == 200
    assert answer.content == floor_apps.BODY
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-length"] == str(len(floor_apps.BODY))
    assert '"status":"COMPLETED"' in answer.text  # what the wrk script checks


def test_the_floor_body_is_a_json_answer_of_about_250_bytes():
    assert 240 <= len(floor_apps.BODY) <= 260
    assert json.loads(floor_apps.BODY)[0]["order_id"] == 5001


def test_the_fastapi_floor_validates_its_query_parameter():
    client = TestClient(floor_apps.fastapi_app)
    assert client.get(floor_apps.PATH, params={"order_id": "x"}).status_code == 422
    assert client.get(floor_apps.PATH).status_code == 422
    assert client.get("/openapi.json").status_code == 404  # no extra routes beside the floor


def test_floors_are_served_by_uvicorn_as_serve_serves():
    argv = floors.floor_argv("starlette_app", 8123)
    assert argv[1:4] == ["-m", "uvicorn", "bench.floor_apps:starlette_app"]
    assert argv[argv.index("--app-dir") + 1] == str(systems.REPO)
    # emulator/cli.py: uvicorn.run(..., log_level="warning", access_log=False,
    # timeout_graceful_shutdown=10), loop and http protocol left at auto
    assert {"--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown"} \
        <= set(argv)
    assert "--loop" not in argv and "--http" not in argv
    assert floors.uvicorn_stack() == "uvicorn (httptools, uvloop), access log off"


def test_spawned_workers_are_found_and_their_cpu_is_in_the_tree():
    """uvicorn's supervisor starts its workers with multiprocessing's spawn, as here; the
    resource tracker spawn also starts is a child but not a worker."""
    ctx = multiprocessing.get_context("spawn")
    parent_end, child_end = ctx.Pipe()
    worker = ctx.Process(target=child_end.recv)  # blocks until told to end
    worker.start()
    assert worker.pid is not None
    try:
        assert systems.worker_pids(os.getpid()) == [worker.pid]
        assert len(systems.worker_rss_mb(os.getpid())) == 1
        own = systems.tree_cpu_seconds(os.getpid()) - sum(
            systems.tree_cpu_seconds(c) for c in systems.children(os.getpid()))
        theirs = systems.worker_cpu_seconds(os.getpid())[worker.pid]
        assert theirs >= 0 and systems.tree_cpu_seconds(os.getpid()) >= own + theirs
    finally:
        parent_end.send(None)
        worker.join(10)
    assert worker.exitcode == 0
    assert systems.worker_pids(os.getpid()) == []
