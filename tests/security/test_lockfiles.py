"""Dependencies are pinned: every requirement in pyproject.toml has an exact pin in the lock
files that CI and the image install from (regenerate them with scripts/lock.sh)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            pins[_norm(match.group(1))] = match.group(2)
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_norm(re.match(r"[A-Za-z0-9_.\-]+", r).group(0)) for r in requirements}


def test_runtime_and_test_dependencies_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    test = _names(project["optional-dependencies"]["test"])
    assert runtime <= set(_pins("requirements.lock")), "run scripts/lock.sh"
    assert runtime | test <= set(_pins("requirements-test.lock")), "run scripts/lock.sh"


def test_lock_files_never_name_an_index():
    for name in ("requirements.lock", "requirements-test.lock"):
        text = (ROOT / name).read_text()
        assert "--index-url" not in text and "--extra-index-url" not in text
