"""docker-compose.yml as committed, driven by the README's `docker compose` lines (read from
README.md) through podman-compose. Two things differ from Docker, both of this machine: the
project gets a unique name and EMULATOR_HOST_PORT a free port (the README documents it), and
podman 4.3 ignores `--wait` and `condition: service_healthy`, so the test waits for health itself
before the `ci` profile's service runs.
"""

from __future__ import annotations

import json

from tests.ship import containers, readme
from tests.ship.containers import ROOT, podman, unique, wait_for_health
from tests.support.live_server import free_port


def test_compose_emulator_then_ci_tests_by_name_then_down(image, podman_compose):
    lines = readme.compose_commands()
    up, run, down = (next(words for words in lines if verb in words)
                     for verb in ("up", "run", "down"))
    assert up[:2] == run[:2] == down[:2] == ["docker", "compose"]
    project, port = unique("compose"), free_port()
    compose = [podman_compose, "-p", project]
    environ = containers.env() | {"EMULATOR_HOST_PORT": str(port)}
    emulator = f"{project}_emulator_1"
    try:
        with containers.tagged(image, "localhost/purchase-emulator:latest"):
            containers.compose(compose, *up[2:], cwd=ROOT, environ=environ)
        health = wait_for_health(f"http://127.0.0.1:{port}/__admin/health", emulator)
        assert health["status"] == "ok"
        assert containers.health_status(emulator) == "healthy"  # the compose healthcheck
        tests = containers.compose(compose, *run[2:], cwd=ROOT, environ=environ)
        assert json.loads(tests.stdout.strip().splitlines()[-1])["status"] == "ok", tests.stdout
    finally:
        containers.compose(compose, *down[2:], cwd=ROOT, environ=environ, check=False)
    for kind in (("ps", "-a"), ("volume", "ls"), ("network", "ls"), ("pod", "ps")):
        left = podman(*kind, "--format", "json").stdout
        assert project not in left, f"`down -v` left {kind}: {left}"
