"""The image: built from the Dockerfile and run with the README's own commands (read from
README.md), podman standing in for Docker (tests/ship/containers.py says what this machine adds).

Translating a README line changes only what must differ on a shared machine: container and volume
names get a unique suffix, the published loopback port is a free one, and the image is named by
the id just built (so a concurrent build elsewhere cannot swap it). The README's `curl` of the
health URL is polled, as its comment says ("200 once ready").
"""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest

from tests.ship import base_image, containers, readme
from tests.ship.containers import OWNER, ROOT, health_status, podman, unique, wait_for_health
from tests.support.live_server import free_port

BUNDLED = {"happy", "slow", "flaky-502", "ambiguous-register", "fulfilment-fails",
           "stuck-processing", "eu-blocked", "rate-limited", "chaos"}
HL = {"Authorization": "Bearer hl-demo-token"}


class Readme:
    """The README's docker block with this run's names, port and image."""

    def __init__(self, image_id: str) -> None:
        self.image_id = image_id
        self.names = {"emulator": unique("emulator"), "emulator-data": unique("data")}
        self.port = free_port()
        self.lines = readme.docker_commands()

    def line(self, *start: str) -> list[str]:
        return next(words for words in self.lines if tuple(words[:len(start)]) == start)

    def podman_argv(self, words: list[str]) -> list[str]:
        assert words[0] == "docker", words
        if words[1] != "run":
            return [self.names.get(w, w) for w in words[1:]]
        return run_argv(words, self.image_id, self.names["emulator"], self.port,
                        volume=self.names["emulator-data"])

    def run(self, *start: str) -> subprocess.CompletedProcess:
        return podman(*self.podman_argv(self.line(*start)))

    @property
    def health_url(self) -> str:
        url = next(w for w in self.line("curl") if w.startswith("http"))
        assert url.startswith("http://127.0.0.1:8080/"), url
        return url.replace(":8080/", f":{self.port}/")


def run_argv(words: list[str], image_id: str, name: str, host_port: int,
             volume: str | None = None) -> list[str]:
    """`docker run ... purchase-emulator` → podman's arguments (see the module docstring)."""
    assert words[:2] == ["docker", "run"] and words[-1] == "purchase-emulator", words
    args, out = words[2:-1], ["run", "--label", f"{OWNER}={os.getpid()}", "--name", name]
    pairs = iter(args)
    for word in pairs:
        if word in ("--name", "-p", "-v", "-e"):
            value = next(pairs)
            if word == "--name":
                continue
            if word == "-p":
                address, _, inside = value.split(":")
                value = f"{address}:{host_port}:{inside}"
            if word == "-v" and volume and not value.startswith("/"):
                value = f"{volume}:{value.split(':', 1)[1]}"
            out += [word, value]
        else:
            out.append(word)
    return [*out, image_id]


@pytest.fixture(scope="module")
def started(image):
    """The README's run line, then its health URL polled; its `rm -f` and `volume rm` after."""
    steps = Readme(image)
    podman("volume", "create", "--label", f"{OWNER}={os.getpid()}", steps.names["emulator-data"])
    try:
        steps.run("docker", "run")
        health = wait_for_health(steps.health_url, steps.names["emulator"])
        assert health["status"] == "ok"
        yield steps
    finally:
        podman(*steps.podman_argv(steps.line("docker", "rm")), check=False)
        podman(*steps.podman_argv(steps.line("docker", "volume", "rm")), check=False)
        podman("rm", "-f", "-v", steps.names["emulator"], check=False)
        podman("volume", "rm", "-f", steps.names["emulator-data"], check=False)


def test_image_carries_the_bundled_library_and_nothing_of_the_build_host(image):
    inspected = json.loads(podman("image", "inspect", image).stdout)[0]
    config = inspected["Config"]
    assert inspected["Healthcheck"]["Test"] == ["CMD", "purchase-emulator", "healthcheck"]
    assert config["User"] == "10001:10001"
    assert not any(e.startswith("EMULATOR_SCENARIOS") for e in config["Env"])
    listed = podman("run", "--rm", "--label", f"{OWNER}={os.getpid()}", "--entrypoint",
                    "purchase-emulator", image, "scenarios", "list").stdout
    names = {line.split()[0] for line in listed.splitlines() if "[bundled" in line}
    assert names == BUNDLED
    assert "file: /opt/venv/lib/python3.11/site-packages/emulator/scenarios/slow.yaml" in listed
    # the pip settings and CA bundle were mounted on /root during the build only
    home = podman("run", "--rm", "--label", f"{OWNER}={os.getpid()}", "--user", "0",
                  "--entrypoint", "sh", image, "-c",
                  "ls -A /root; ls /etc/pip.conf /etc/xdg/pip /tmp/wheels 2>/dev/null; true")
    assert home.stdout.split() == [".bashrc", ".profile"]


def test_build_context_leaves_out_caches_venvs_and_databases(podman_ready, tmp_path):
    probe_db = ROOT / f"ship-context-probe-{os.getpid()}.db"  # git-ignored, removed below
    probe_db.write_text("")
    containerfile = tmp_path / "Containerfile"
    containerfile.write_text(f"FROM {base_image.BASE_IMAGE}\nCOPY . /context\n")
    tag = f"localhost/{unique('context')}"
    try:
        base_image.ensure()
        podman("build", "--pull=never", "-f", str(containerfile), "-t", tag, str(ROOT),
               timeout=300)
        found = podman("run", "--rm", "--label", f"{OWNER}={os.getpid()}", tag, "find",
                       "/context", "(", "-name", ".venv", "-o", "-name", "__pycache__", "-o",
                       "-name", "*.db", "-o", "-name", ".git", "-o", "-name", "*.egg-info",
                       ")", "-print").stdout.split()
    finally:
        probe_db.unlink()
        podman("rmi", "-f", tag, check=False)
    assert found == []
    assert any(ROOT.rglob("__pycache__"))  # there was something to leave out


def test_readme_run_serves_health_as_uid_10001_and_reports_healthy(started):
    name = started.names["emulator"]
    assert podman("exec", name, "id", "-u").stdout.strip() == "10001"
    assert podman("top", name, "huser").stdout.split()[1:] == ["10001"]  # the one process
    assert health_status(name) == "healthy"


def test_readme_stop_and_start_keep_orders_on_the_volume(started):
    base = started.health_url.split("/__admin")[0]
    order = {"asset_id": 1000001, "order_number": 4242, "order_line_id": 1,
             "country_code": "US", "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99,
             "customer": "c-ship"}
    assert httpx.post(f"{base}/sandbox/purchase/register", json=order, headers=HL,
                      timeout=10).status_code == 201
    started.run("docker", "stop")  # SIGTERM
    name = started.names["emulator"]
    state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name).stdout
    assert state.split() == ["exited", "0"]
    assert "purchase-emulator: stopped" in podman("logs", name).stdout
    started.run("docker", "start")
    wait_for_health(started.health_url, name)
    info = httpx.get(f"{base}/sandbox/purchase/info", params={"order_id": 4242}, headers=HL,
                     timeout=10)
    assert info.status_code in (200, 202), info.text
    assert [line["order_line_id"] for line in info.json()] == [1]


def test_readme_other_port_is_healthy(image):
    words = readme.inline(readme.container_section(), "docker run -d -e EMULATOR_PORT=9000")
    name, port = unique("port-9000"), free_port()
    try:
        podman(*run_argv(words, image, name, port))
        wait_for_health(f"http://127.0.0.1:{port}/__admin/health", name)
        assert health_status(name) == "healthy"
    finally:
        podman("rm", "-f", "-v", name, check=False)  # with its anonymous /data volume


def test_readme_own_scenarios_snippet_starts_healthy_with_bundled_slow(image, podman_compose,
                                                                      tmp_path):
    (tmp_path / "docker-compose.yml").write_text(readme.own_scenarios_compose())
    own = tmp_path / "ci" / "scenarios"
    own.mkdir(parents=True)
    (own / "my-own.yaml").write_text("name: my-own\ndescription: A scenario of the user's.\n")
    project = unique("snippet")
    container = f"{project}_emulator_1"
    compose = [podman_compose, "-p", project]
    anonymous: list[str] = []  # the snippet mounts nothing on /data; podman-compose's down
    try:                       # -v leaves such volumes (Docker's removes them)
        with containers.tagged(image, "localhost/purchase-emulator:latest"):
            containers.compose(compose, "up", "-d", cwd=tmp_path)
        anonymous += podman("inspect", "--format", "{{range .Mounts}}{{.Name}} {{end}}",
                            container).stdout.split()
        containers.wait_for_healthcheck(container)
        overview = json.loads(podman(
            "exec", container, "python", "-c",
            "import urllib.request; print(urllib.request.urlopen("
            "'http://127.0.0.1:8080/__admin/scenarios').read().decode())").stdout)
    finally:
        containers.compose(compose, "down", "-v", cwd=tmp_path, check=False)
        if anonymous:
            podman("volume", "rm", "-f", *anonymous, check=False)
    assert overview["active"] == ["slow", "eu-blocked"]
    by_name = {s["name"]: s for s in overview["scenarios"]}
    assert by_name["slow"]["bundled"]
    assert "/site-packages/emulator/scenarios/" in by_name["slow"]["source"]
    assert by_name["my-own"]["source"] == "/scenarios/my-own.yaml"  # added to, not replacing
    assert set(by_name) >= BUNDLED
