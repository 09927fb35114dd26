"""Fixtures for the tests of what ships: podman ready (or a skip/failure saying why), the image
built once per session from the README's `docker build` line, and cleanup of everything started.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.ship import containers, readme


@pytest.fixture(scope="session")
def podman_ready():
    reason = containers.missing_tools()
    containers.require(reason is None, reason or "")
    containers.sweep()  # what killed runs left behind
    # dangling layers of earlier builds; recent ones stay as the build cache
    containers.podman("image", "prune", "-f", "--filter", "until=72h", check=False)
    yield
    containers.sweep(owner=os.getpid())  # a safety net: each fixture removes its own


@pytest.fixture(scope="session")
def image(podman_ready, tmp_path_factory) -> str:
    """The image id built by the README's `docker build -t purchase-emulator .`."""
    build = next(c for c in readme.docker_commands() if c[:2] == ["docker", "build"])
    return containers.build(build[2:], tmp_path_factory.mktemp("build") / "build.log")


@pytest.fixture(scope="session")
def podman_compose(podman_ready) -> str:
    tool = shutil.which("podman-compose") or str(Path(sys.executable).parent / "podman-compose")
    containers.require(Path(tool).exists(), "podman-compose is not installed (test extras)")
    return tool
