"""Fixtures for the tests of what ships: podman ready (or a skip/failure saying why), the image
built once per session from the README's `docker build` line, and cleanup of all they start.

The container tests run last, and the image build starts in the background as soon as the run
is collected, so everything before them overlaps it (tests/ship/build.py). Under pytest-xdist the
controller, which collects and runs nothing itself, builds while the workers test; a worker's
`image` fixture then builds again under the same lock, which the layer cache makes quick.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from tests.ship import build, containers, readme
from tests.support import needs

_started: build.Background | None = None
_prepared = threading.Lock()
_prepare_done = False


def _prepare() -> None:
    """Once per session, before any container: remove what killed runs left, and dangling
    layers of builds older than three days (recent ones are the build cache)."""
    global _prepare_done
    with _prepared:
        if not _prepare_done:
            containers.sweep()
            containers.podman("image", "prune", "-f", "--filter", "until=72h", check=False)
            _prepare_done = True


def _build() -> str:
    _prepare()
    words = next(c for c in readme.docker_commands() if c[:2] == ["docker", "build"])
    return build.build(words[2:])


def _uses_podman(item) -> bool:
    return "podman_ready" in getattr(item, "fixturenames", ())


def _start_build(config) -> None:
    global _started
    if _started is None and not config.option.collectonly and containers.missing_tools() is None:
        containers.env()  # the configuration files, written before the thread starts
        _started = build.Background(_build)


def _xdist_controller(config) -> bool:
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", 0))


def pytest_sessionstart(session):
    if _xdist_controller(session.config):
        _start_build(session.config)


@pytest.hookimpl(trylast=True)  # after -k/-m deselection
def pytest_collection_modifyitems(config, items):
    ship = [item for item in items if _uses_podman(item)]
    if not ship:
        return
    chosen = {id(item) for item in ship}
    items[:] = [item for item in items if id(item) not in chosen] + ship
    if not hasattr(config, "workerinput") and any("image" in item.fixturenames for item in ship):
        _start_build(config)  # no xdist: this process builds while the others test


def pytest_sessionfinish(session, exitstatus):
    # never leave a build running after the session: one still going here is not needed any
    # more (the run stopped early: -x, Ctrl-C); ending it lets its clean-up run
    if _started is not None:
        containers.cancel()
        _started.join()


@pytest.fixture(scope="session")
def podman_ready():
    reason = containers.missing_tools()
    needs.require(reason is None, reason or "")
    _prepare()
    yield
    containers.sweep(owner=os.getpid())  # a safety net: each fixture removes its own


@pytest.fixture(scope="session")
def image(podman_ready) -> str:
    """The image id built by the README's `docker build -t purchase-emulator .`."""
    return (_started or build.Background(_build)).result()


@pytest.fixture(scope="session")
def podman_compose(podman_ready) -> str:
    tool = shutil.which("podman-compose") or str(Path(sys.executable).parent / "podman-compose")
    needs.require(Path(tool).exists(), "podman-compose is not installed (test extras)")
    return tool
