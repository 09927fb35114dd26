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


LOCKS = ("requirements.lock", "requirements-test.lock")
PIN = re.compile(r"^[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+!\-]+$")


def test_lock_files_never_name_an_index():
    for name in LOCKS:
        text = (ROOT / name).read_text()
        assert "--index-url" not in text and "--extra-index-url" not in text


def test_lock_files_hold_only_pins_never_a_machine_path_or_host():
    """A `--find-links /local/wheels` (or index, trusted-host, file or URL) line works on one
    machine only and makes every other install warn: scripts/lock.sh must not emit it."""
    for name in LOCKS:
        for number, line in enumerate((ROOT / name).read_text().splitlines(), 1):
            where = f"{name}:{number}: {line!r}"
            assert "://" not in line and "file:" not in line, f"{where} names a location"
            code = line.split("#", 1)[0].strip()
            if code:
                assert not code.startswith("-"), f"{where}: an option line (run scripts/lock.sh)"
                assert PIN.match(code), f"{where}: not a name==version pin"


def test_lock_script_keeps_machine_paths_and_hosts_out():
    script = (ROOT / "scripts" / "lock.sh").read_text()
    for flag in ("--no-emit-index-url", "--no-emit-trusted-host", "--no-emit-find-links"):
        assert flag in script
    assert "--upgrade" not in script  # regenerating keeps the existing pins
