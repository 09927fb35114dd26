"""Scenario files written by tests (the one writer: tests across vendors share it)."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_scenario(directory: Path, name: str, body: dict | str) -> Path:
    """`name`.yaml in `directory`: a dict gets the name and a description; a str is written
    as it is (a test of malformed files)."""
    path = directory / f"{name}.yaml"
    if isinstance(body, dict):
        body = yaml.safe_dump({"name": name, "description": f"test scenario {name}", **body},
                              sort_keys=False)
    path.write_text(body, encoding="utf-8")
    return path


def rules_file(directory: Path, name: str, rules: str) -> str:
    """A scenario of `rules` (a YAML list of rules), as the path `scenarios=[...]` takes."""
    return str(write_scenario(directory, name, {"rules": yaml.safe_load(rules)}))
