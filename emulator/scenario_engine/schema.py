"""The scenario file format, as pydantic models.

These models are the single source of the format: the loader validates YAML against them,
`emulator/scenarios/scenario.schema.json` is generated from them, and `scenarios/README.md`
documents them field by field; the `effects:` part is composed from the effect classes
(effects/). Every model forbids unknown keys so a typo is an error, never ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from emulator.scenario_engine import effects as registry

if TYPE_CHECKING:  # a model composed at import time from the registered effects
    from emulator.scenario_engine.effects import EffectsBase as Effects
else:
    from emulator.scenario_engine.effects import Effects
from emulator.scenario_engine.strict import Strict, expand_countries

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _listify(value: Any) -> Any:
    # `vendor: hlconnect` and `vendor: [hlconnect, gvp]` both mean "one of these".
    return [value] if isinstance(value, (str, int)) else value


# -- matching --------------------------------------------------------------------------------
class TimeWindow(Strict):
    """Active only while the emulator's clock (of the request's sandbox) is inside the window."""

    from_: datetime | None = Field(None, alias="from", description="inclusive start instant")
    until: datetime | None = Field(None, description="exclusive end instant")
    daily: str | None = Field(
        None, description="a UTC time-of-day range 'HH:MM-HH:MM' (may wrap midnight)",
        pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
    )

    @field_validator("from_", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # YAML timestamps without a zone mean UTC
        return value

    @field_validator("daily")
    @classmethod
    def _daily(cls, value: str | None) -> str | None:
        if value is not None:
            for part in value.split("-"):
                hh, mm = part.split(":")
                time(int(hh) % 24 if hh == "24" else int(hh), int(mm))  # raises on 25:00
        return value


class Match(Strict):
    """Which requests a rule applies to. Every key is optional; all given keys must hold."""

    vendor: list[str] | None = Field(
        None, description="vendor name(s), as registered (GET /__admin/health lists them)")
    flavour: list[str] | None = Field(None, description="vendor flavour(s), e.g. live, sandbox")
    operation: list[str] | None = Field(
        None, description="operation id(s) of that vendor (as in openapi.yaml)")
    method: list[str] | None = Field(None, description="HTTP method(s)")
    path: str | None = Field(
        None, description="path glob: `*` is one path segment, `**` anything, e.g. /purchase/*")
    path_regex: str | None = Field(None, description="a regular expression the path must match")
    headers: dict[str, str | list[str]] | None = Field(
        None, description="header name → required value (or list of accepted values)")
    query: dict[str, str | list[str]] | None = Field(
        None, description="query parameter → required value (or list of accepted values)")
    body: dict[str, Any] | None = Field(
        None, description="JSON (or form) body field → required value; dotted paths reach into "
                          "nested objects and lists (parts.0.asset_id)")
    token: list[str] | None = Field(
        None, description="bearer token(s) (Authorization: Bearer, or a `token` parameter)")
    country: list[str] | None = Field(
        None, description="buyer country code(s); the group EU means its 27 member states")
    nth: int | None = Field(None, ge=1, description="only the n-th matching call")
    every: int | None = Field(None, ge=1, description="every n-th matching call (n, 2n, ...)")
    first: int | None = Field(None, ge=1, description="only the first n matching calls")
    after: int | None = Field(None, ge=0, description="only matching calls after the first n")
    probability: float | None = Field(
        None, ge=0, le=1, description="chance the rule applies, drawn from the scenario's seeded RNG")
    window: TimeWindow | None = None

    _lists = field_validator("vendor", "flavour", "operation", "method", "token", "country",
                             mode="before")(classmethod(lambda cls, v: _listify(v)))

    @field_validator("method")
    @classmethod
    def _upper(cls, value: list[str] | None) -> list[str] | None:
        return [m.upper() for m in value] if value else value

    @field_validator("country")
    @classmethod
    def _countries(cls, value: list[str] | None) -> list[str] | None:
        return expand_countries(value) if value else value

    @field_validator("path_regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class Rule(Strict):
    id: str | None = Field(None, pattern=NAME_PATTERN,
                           description="named in X-Emulator-Rule: <scenario>/<id>; default rule-N")
    description: str | None = None
    match: Match = Field(default_factory=Match)
    effects: Effects


class Scenario(Strict):
    """A named, ordered list of rules. Save as <name>.yaml in a scenarios directory."""

    model_config = ConfigDict(extra="forbid", title="purchase-emulator scenario")

    name: str = Field(pattern=NAME_PATTERN, description="must equal the file name without .yaml")
    description: str = Field(min_length=1, description="what client behaviour this exercises")
    seed: int | None = Field(None, description="RNG seed; default derived from --seed and the name")
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rule_ids(self) -> Scenario:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.id is None:
                rule.id = f"rule-{index + 1}"
            if rule.id in seen:
                raise ValueError(f"rule id '{rule.id}' is used twice")
            seen.add(rule.id)
        return self


def json_schema() -> dict:
    """The JSON Schema editors use (emulator/scenarios/scenario.schema.json), shorthands included."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    defs = schema["$defs"]
    for prop in defs["Match"]["properties"].values():  # `vendor: gvp` as well as a list
        options = prop.get("anyOf", [])
        if {"type": "array", "items": {"type": "string"}} in options:
            options.insert(0, {"type": "string"})
    for effect in registry.EFFECTS:
        if effect.shorthand is not None:
            defs["Effects"]["properties"][effect.key]["anyOf"].insert(0, effect.shorthand)
    return schema
