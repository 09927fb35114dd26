"""Podman for tests/ship, on a machine with no Docker engine and no reachable image registry.

A storage and configuration of the tests' own live under CACHE, outside the repository: the
`runc` runtime (crun fails on this host's hybrid cgroups), ulimits within the host's hard limits,
and a short runroot (podman refuses long ones). Layers stay cached there between runs, which
makes a warm run take seconds. Everything a test starts carries the pid of its pytest process
(a label, or the compose project's name); `sweep()` removes what a finished or killed run left.
The stand-in base image is made by tests/ship/base_image.py, the build by tests/ship/build.py.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import resource
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("PURCHASE_EMULATOR_SHIP_CACHE", "/var/tmp/purchase-emulator-ship"))
RUNROOT = "/run/purchase-emulator-ship"  # podman needs a runroot of at most 50 characters
OWNER = "org.purchase-emulator.test-owner"  # label: pid of the pytest process
PROJECT_LABEL = "io.podman.compose.project"
PREFIX = "pe-ship"


def unique(what: str) -> str:
    return f"{PREFIX}-{os.getpid()}-{os.urandom(3).hex()}-{what}"


# --- configuration ---------------------------------------------------------------------------
def _configs() -> dict[str, str]:
    CACHE.mkdir(parents=True, exist_ok=True)
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nofile = 1_048_576 if nofile == resource.RLIM_INFINITY else nofile
    nproc = 32768 if nproc == resource.RLIM_INFINITY else min(nproc, 32768)
    containers = CACHE / "containers.conf"
    containers.write_text(
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
        "[engine]\n"
        'runtime = "runc"\n'
        'cgroup_manager = "cgroupfs"\n'
        'events_logger = "file"\n'
        f'tmp_dir = "{RUNROOT}/libpod"\n'
        "[network]\n"
        f'network_config_dir = "{CACHE}/networks"\n')
    storage = CACHE / "storage.conf"
    storage.write_text(
        "[storage]\n"
        'driver = "overlay"\n'
        f'graphroot = "{CACHE}/storage"\n'
        f'runroot = "{RUNROOT}"\n')
    return {"CONTAINERS_CONF": str(containers), "CONTAINERS_STORAGE_CONF": str(storage)}


_ENV: dict[str, str] | None = None


def env() -> dict[str, str]:
    """The environment for podman and podman-compose: this test storage and configuration."""
    global _ENV
    if _ENV is None:
        _ENV = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
        _ENV.update(_configs())
    return dict(_ENV)


_RUNNING: set[subprocess.Popen] = set()  # long steps, ended by cancel() on an interrupt
_RUNNING_LOCK = threading.Lock()


def run(argv: list[str], *, timeout: float = 120, stdin=None, cwd: Path | None = None,
        environ: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """subprocess.run with output captured, which cancel() can end from another thread."""
    proc = subprocess.Popen(argv, env=environ, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with _RUNNING_LOCK:
        _RUNNING.add(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(proc)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def cancel() -> None:
    with _RUNNING_LOCK:
        for proc in _RUNNING:
            proc.terminate()


def podman(*args: str, check: bool = True, timeout: float = 120, stdin=None,
           cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = run(["podman", *args], timeout=timeout, stdin=stdin, cwd=cwd, environ=env())
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} → {done.returncode}\n"
                             f"{done.stdout[-3000:]}{_quiet(done.stderr)[-3000:]}")
    return done


def _quiet(stderr: str) -> str:
    # without systemd, podman logs that it cannot add healthcheck timers (tests run them)
    return "\n".join(line for line in stderr.splitlines() if "systemd" not in line)


def missing_tools() -> str | None:
    if os.geteuid() != 0:
        return "the container tests need root (rootful podman, debootstrap)"
    for tool in ("podman", "runc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install podman runc)"
    return None


@contextmanager
def locked(name: str) -> Iterator[None]:
    """An exclusive lock shared by every run on this machine."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- leftovers --------------------------------------------------------------------------------
def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(labels: dict | None) -> int | None:
    labels = labels or {}
    if labels.get(OWNER, "").isdigit():
        return int(labels[OWNER])
    match = re.match(rf"^{PREFIX}-(\d+)-", labels.get(PROJECT_LABEL, ""))
    return int(match.group(1)) if match else None


def sweep(owner: int | None = None) -> None:
    """Remove containers, pods, volumes and networks of `owner` (a pid), or of dead runs."""
    def doomed(labels) -> bool:
        pid = _owner(labels)
        return pid is not None and (pid == owner if owner is not None else not alive(pid))

    kinds = [(("ps", "-a"), "Labels", "Id", ("rm", "-f", "-v")),
             (("pod", "ps"), "Labels", "Id", ("pod", "rm", "-f")),
             (("volume", "ls"), "Labels", "Name", ("volume", "rm", "-f")),
             (("network", "ls"), "labels", "name", ("network", "rm", "-f"))]
    for listing, labels_key, id_key, remove in kinds:
        listed = podman(*listing, "--format", "json", check=False)
        items = json.loads(listed.stdout or "[]") if listed.returncode == 0 else []
        ids = [item[id_key] for item in items or [] if doomed(item.get(labels_key))]
        if ids:
            podman(*remove, *ids, check=False)


# --- running ----------------------------------------------------------------------------------
def wait_for_health(url: str, container: str, timeout: float = 60) -> dict:
    """Poll `url` until it answers 200; fail at once, with the logs, if the container exits."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = httpx.get(url, timeout=2)
            if answer.status_code == 200:
                return answer.json()
        except httpx.HTTPError:
            pass
        state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container,
                       check=False).stdout.split()
        if state and state[0] in ("exited", "stopped"):
            logs = podman("logs", container, check=False)
            raise AssertionError(f"{container} exited ({state[1]}) before answering {url}:\n"
                                 f"{logs.stdout[-3000:]}{_quiet(logs.stderr)[-3000:]}")
        assert time.monotonic() < deadline, f"no 200 from {url} within {timeout} s"
        time.sleep(0.1)  # readiness poll of a real server


def health_status(container: str) -> str:
    """Run the container's HEALTHCHECK now (no systemd timers here) and read what podman
    recorded: "healthy" or "unhealthy"."""
    podman("healthcheck", "run", container, check=False)
    return podman("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip()


def wait_for_healthcheck(container: str, timeout: float = 60) -> None:
    """Run the container's HEALTHCHECK until it passes (for a container without a published
    port); fail at once, with the logs, if the container exits."""
    deadline = time.monotonic() + timeout
    while podman("healthcheck", "run", container, check=False).returncode != 0:
        state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container,
                       check=False).stdout.split()
        if not state or state[0] in ("exited", "stopped"):
            logs = podman("logs", container, check=False)
            raise AssertionError(f"{container} is {state or 'gone'} before becoming healthy:\n"
                                 f"{logs.stdout[-3000:]}{_quiet(logs.stderr)[-3000:]}")
        assert time.monotonic() < deadline, f"{container} not healthy within {timeout} s"
        time.sleep(0.2)  # readiness poll of a real server


@contextmanager
def tagged(image_id: str, tag: str) -> Iterator[None]:
    """`tag` names `image_id` while the body creates containers from the tag (a compose file's
    `image:`); a lock keeps a concurrent run from moving the tag in between."""
    with locked("tag"):
        podman("tag", image_id, tag)
        yield


def compose(argv: list[str], *args: str, cwd: Path, check: bool = True, timeout: float = 180,
            environ: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = run([*argv, *args], environ=environ or env(), cwd=cwd, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv[1:] + list(args))} → {done.returncode}\n"
                             f"{done.stdout[-3000:]}{_quiet(done.stderr)[-3000:]}")
    return done
