"""Fixture documents: extra assets, products, users or orders per vendor.

A fixture document maps a vendor name to that vendor's section; each vendor's
`load_fixtures(sandbox, section)` validates and stores it. Errors name the file and the field.
A failed load leaves no rows behind: rows added after the load began are removed again.

Documents come from files given at start (`--fixtures`, the baseline the control plane loads
into every sandbox: emulator/control/plane.py) or from `POST /__admin/fixtures`
(emulator/control/fixtures.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from emulator.control import rows
from emulator.scenario_engine.loader import ScenarioError, parse_yaml

if TYPE_CHECKING:
    from emulator.runtime import Runtime


class FixtureError(ValueError):
    """A fixture document that cannot be loaded; the message names file and field."""


class FixtureDocument(dict):
    """A parsed fixture document that remembers its text, so errors can name a line."""

    text: str = ""


_FIELD_PATH = re.compile(r"^((?:[A-Za-z_][\w-]*|\[\d+\])(?:\.[A-Za-z_][\w-]*|\[\d+\])*): ")


def _line_of(data: dict, vendor: str, detail: str) -> int | None:
    """The line of the field a vendor's error names (`assets[1].min_qty: ...`), if found."""
    text = getattr(data, "text", "")
    found = _FIELD_PATH.match(detail)
    if "\n" not in text.strip() or not found:
        return None  # a one-line (JSON) body: a line number would say nothing
    try:
        node = parse_yaml(text, "")  # line-tracking (safe) loader of the scenario engine
    except ScenarioError:
        return None
    parts = re.findall(r"[A-Za-z_][\w-]*|\[\d+\]", found.group(1))
    if parts and parts[0] != vendor:
        parts.insert(0, vendor)
    line = None
    for part in parts:
        key = int(part[1:-1]) if part.startswith("[") else part
        lines = getattr(node, "lines", None)
        if lines is None or key not in lines:
            break
        line, node = lines[key], node[key]
    return line


def parse_text(text: str, origin: str, allow_empty: bool = True) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FixtureError(f"{origin}:{where} not valid YAML or JSON ({problem})") from None
    if data is None:
        if not allow_empty:  # a file may be empty; a request that loads nothing is a mistake
            raise FixtureError(f"{origin}: empty; send a mapping of vendor name to that "
                               "vendor's fixtures")
        return {}
    if not isinstance(data, dict):
        raise FixtureError(f"{origin}: the top level must be a mapping of vendor name to "
                           f"that vendor's fixtures, not {type(data).__name__}")
    document = FixtureDocument(data)
    document.text = text
    return document


def read_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read the fixture file ({exc.strerror})") from None
    return parse_text(text, str(path))


def validate_shape(runtime: Runtime, data: dict[str, Any], origin: str) -> None:
    for name, section in data.items():
        if name not in runtime.vendors:
            raise FixtureError(f"{origin}: {name}: unknown vendor (enabled vendors: "
                               f"{', '.join(sorted(runtime.vendors)) or 'none'})")
        if section is not None and not isinstance(section, dict):
            raise FixtureError(f"{origin}: {name}: expected a mapping, not "
                               f"{type(section).__name__}")


def apply_fixtures(runtime: Runtime, sandbox: str, data: dict[str, Any], origin: str) -> int:
    """Load a whole document into `sandbox`, all or nothing; returns the rows added."""
    validate_shape(runtime, data, origin)
    with runtime.db.read_session() as session:
        marks = rows.watermarks(session.connection(), runtime)
        before = rows.count_rows(session.connection(), runtime, sandbox)
    try:
        for name, section in data.items():
            try:
                runtime.vendors[name].load_fixtures(sandbox, section or {})
            except (ValueError, TypeError, KeyError) as exc:
                detail = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
                line = _line_of(data, name, detail)
                where = f" (line {line})" if line else ""
                raise FixtureError(f"{origin}: {name}: {detail}{where}") from None
    except FixtureError:
        with runtime.db.write_session() as session:
            rows.delete_above(session.connection(), runtime, sandbox, marks)
            session.commit()
        raise
    with runtime.db.read_session() as session:
        return rows.count_rows(session.connection(), runtime, sandbox) - before
