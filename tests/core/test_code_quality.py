"""The tooling habits, enforced: ruff (lint and import order) over the code and its tests,
mypy over the core (both configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    trees = [name for name in ("emulator", "tests", "bench", "examples") if (ROOT / name).exists()]
    done = _run(str(BIN / "ruff"), "check", "--no-cache", *trees)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing_in_the_core():
    done = _run(str(BIN / "mypy"))  # files, exclusions and plug-ins: [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
