"""Reading scenario files: safe YAML that remembers line numbers, and errors that point at them.

Every mistake is reported as `file:line: field: message` — the YAML syntax, the pydantic model
(unknown effect, bad type), and the cross-checks only the emulator knows (an operation id the
vendor does not have, a name that differs from the file name).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from emulator.scenario_engine.schema import Scenario

MAX_FILE_BYTES = 256 * 1024  # a scenario is a handful of rules; refuse anything huge


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """One or more problems in scenario files; str() lists them one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("invalid scenario:\n" + "\n".join(f"  {p}" for p in problems))


class _Lines:
    """Containers returned by the loader carry the line of each key/item (1-based)."""

    line: int
    lines: dict


class LineDict(dict, _Lines):
    pass


class LineList(list, _Lines):
    pass


# libyaml's parser when PyYAML has it (about 8x faster: start-up parses every bundled file)
_SAFE_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SAFE_BASE):  # the C parser when PyYAML has it (above)
    """The safe loader (no arbitrary objects), recording lines and refusing duplicate keys
    and aliases (a few nested aliases expand to billions of nodes: a cheap denial of service
    on a hot-reloaded directory, and a scenario has no need for them; `_refuse_aliases`)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line, out.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = {i: child.start_mark.line + 1 for i, child in enumerate(node.value)}
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _refuse_aliases(text: str) -> None:
    # libyaml composes nodes in C, so no Python hook sees an alias before it is expanded:
    # look at the event stream first (no nodes are built, so nothing can blow up)
    for event in yaml.parse(text, Loader=_SAFE_BASE):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not supported",
                                              event.start_mark)


def parse_yaml(text: str, file: str) -> Any:
    loader = _LineLoader(text)  # a SafeLoader subclass: what yaml.load(text, Loader) does
    try:
        _refuse_aliases(text)
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(file, mark.line + 1 if mark else None, "",
                                     f"YAML: {problem}")]) from None
    finally:
        loader.dispose()


def load_scenario(path: Path, operations: Mapping[str, frozenset[str] | None]) -> Scenario:
    """Read, validate and cross-check one file. `operations`: vendor name → its operation ids
    (None when the vendor's operations are not known, e.g. a vendor still being built)."""
    file = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError([Problem(file, None, "", f"larger than {MAX_FILE_BYTES} bytes")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(file, None, "", f"cannot read: {exc}")]) from None
    return validate_text(text, file, operations, expected_name=path.stem)


def validate_text(text: str, file: str, operations: Mapping[str, frozenset[str] | None],
                  expected_name: str | None = None) -> Scenario:
    data = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, "", "a scenario is a mapping with name, description "
                                                  "and rules")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_merge([_problem(file, data, err) for err in exc.errors()])) from None
    problems = _cross_check(scenario, data, file, operations, expected_name)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _merge(problems: list[Problem]) -> list[Problem]:
    """One line per field: a union's alternatives ("a string", "a list") become one message."""
    merged: dict[tuple, Problem] = {}
    for p in problems:
        key = (p.file, p.line, p.field)
        if key in merged:
            previous = merged[key]
            alternative = p.message[0].lower() + p.message[1:]
            merged[key] = Problem(p.file, p.line, p.field,
                                  f"{previous.message}; or {alternative}")
        else:
            merged[key] = p
    return list(merged.values())


# -- locating errors -------------------------------------------------------------------------
def _problem(file: str, data: Any, err: Mapping[str, Any]) -> Problem:
    loc = list(err["loc"])
    line, parts = _locate(data, loc)
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown field '{loc[-1]}'"
        if allowed:
            message += f" (expected one of: {', '.join(allowed)})"
    else:
        message = err["msg"].removeprefix("Value error, ")
    return Problem(file, line, _dotted(parts), message)


def _locate(data: Any, loc: list) -> tuple[int | None, list]:
    """Line of the deepest part of `loc` that exists in the data, and the data-path parts."""
    node, line, parts = data, getattr(data, "line", None), []
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = node.lines.get(part, line) if isinstance(node, LineDict) else line
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lines.get(part, line) if isinstance(node, LineList) else line
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_label(part):
            parts.append(part)  # a missing field: name it, point at its parent
            break
        else:
            break  # pydantic's union/validator labels, or a scalar: nothing deeper to point at
        parts.append(part)
    return line, parts


def _is_label(part: str) -> bool:
    return any(c in part for c in "[]( ") or part.startswith(("function-", "tagged-union"))


def _dotted(parts: list) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_keys(loc: list) -> list[str]:
    """The field names of the model found at `loc` (for 'unknown field' messages)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            return []
        model = _model_in(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _cross_check(scenario: Scenario, data: dict, file: str,
                 operations: Mapping[str, frozenset[str] | None],
                 expected_name: str | None) -> list[Problem]:
    problems: list[Problem] = []

    def at(loc: list, message: str) -> None:
        line, parts = _locate(data, loc)
        problems.append(Problem(file, line, _dotted(parts), message))

    if expected_name is not None and scenario.name != expected_name:
        at(["name"], f"'{scenario.name}' must equal the file name '{expected_name}'")
    for index, rule in enumerate(scenario.rules):
        match = rule.match
        for vendor in match.vendor or ():
            if vendor not in operations:
                at(["rules", index, "match", "vendor"],
                   f"unknown vendor '{vendor}' (known: {', '.join(sorted(operations))})")
        if match.operation:
            vendors = [v for v in (match.vendor or operations) if v in operations]
            known_sets = [operations[v] for v in vendors]
            if all(ops is not None for ops in known_sets):
                known: frozenset[str] = frozenset().union(*(s for s in known_sets if s))
                for op in match.operation:
                    if op not in known:
                        scope = f"vendor {'/'.join(vendors)}" if match.vendor else "any vendor"
                        at(["rules", index, "match", "operation"],
                           f"unknown operation id '{op}' for {scope}"
                           + (f" (known: {', '.join(sorted(known))})" if known else ""))
    return problems
