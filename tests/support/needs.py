"""What a test needs from the machine: skip on a laptop without it, fail under CI=true.

.ci/run sets CI=true and installs the system tools the suite uses beyond what this machine kind
provides (Java and PostgreSQL come with it), so a missing one there is a broken CI machine,
never a silent skip (the repository's rule for tests needing root or system tools).
"""

from __future__ import annotations

import os
import shutil
from types import ModuleType

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Go on when `condition` holds; else skip with `reason`, or fail under CI=true."""
    if condition:
        return
    if under_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run provides it)", pytrace=False)
    pytest.skip(reason)


def tool(*names: str) -> str:
    """The path of the first of `names` on PATH (required)."""
    found = next((path for path in map(shutil.which, names) if path), None)
    require(found is not None, f"{' or '.join(names)} is not installed")
    assert found is not None
    return found


def module(name: str) -> ModuleType:
    """Import `name` (required): pytest.importorskip that fails under CI=true."""
    try:
        return __import__(name, fromlist=["_"])
    except ImportError as error:
        require(False, f"{name} cannot be imported: {error}")
        raise  # unreachable: require skipped or failed


def browser() -> tuple[str, ModuleType]:
    """Debian's Chromium and Playwright's sync API, for the headless browser tests."""
    return tool("chromium", "chromium-browser"), module("playwright.sync_api")
