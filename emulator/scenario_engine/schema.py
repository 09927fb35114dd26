"""The scenario file format, as pydantic models.

These models are the single source of the format: the loader validates YAML against them,
`emulator/scenarios/scenario.schema.json` is generated from them, and `scenarios/README.md` documents
them field by field. Every model forbids unknown keys so a typo is an error, never ignored.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, time
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
EU_COUNTRIES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
COUNTRY_GROUPS = {"EU": EU_COUNTRIES}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _listify(value: Any) -> Any:
    # `vendor: hlconnect` and `vendor: [hlconnect, gvp]` both mean "one of these".
    return [value] if isinstance(value, (str, int)) else value


def expand_countries(values: list[str]) -> list[str]:
    """Upper-case ISO codes; the group `EU` expands to the 27 member states."""
    out: list[str] = []
    for value in values:
        code = value.strip().upper()
        if code in COUNTRY_GROUPS:
            out.extend(COUNTRY_GROUPS[code])
        elif re.fullmatch(r"[A-Z]{2}", code):
            out.append(code)
        else:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code or a group "
                             f"({', '.join(COUNTRY_GROUPS)})")
    return out


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

    vendor: list[str] | None = Field(None, description="vendor name(s): hlconnect, gmodstore, gvp")
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


# -- effects ---------------------------------------------------------------------------------
class Latency(Strict):
    """Delay before answering. Give exactly one form: fixed, uniform (min/max) or lognormal."""

    fixed_ms: float | None = Field(None, ge=0, description="always this many milliseconds")
    min_ms: float | None = Field(None, ge=0, description="uniform: lower bound")
    max_ms: float | None = Field(None, ge=0, description="uniform: upper bound")
    median_ms: float | None = Field(None, gt=0, description="lognormal: median delay")
    p99_ms: float | None = Field(None, gt=0, description="lognormal: 99th percentile delay")
    cap_ms: float = Field(30_000, gt=0, description="no delay exceeds this (lognormal tails)")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"fixed_ms": value} if isinstance(value, (int, float)) else value

    @model_validator(mode="after")
    def _one_form(self) -> "Latency":
        forms = [self.fixed_ms is not None,
                 self.min_ms is not None or self.max_ms is not None,
                 self.median_ms is not None or self.p99_ms is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of fixed_ms, min_ms+max_ms or median_ms+p99_ms")
        if forms[1] and (self.min_ms is None or self.max_ms is None or self.min_ms > self.max_ms):
            raise ValueError("uniform latency needs min_ms <= max_ms")
        if forms[2] and (self.median_ms is None or self.p99_ms is None
                         or self.p99_ms < self.median_ms):
            raise ValueError("lognormal latency needs median_ms <= p99_ms")
        return self


class Status(Strict):
    """Answer with this HTTP status instead of (or, with after_commit, after) the real call."""

    code: int = Field(ge=400, le=599, description="HTTP status, e.g. 500, 503, 429, 502")
    message: str | None = Field(None, description="error message in the vendor's body")
    gateway: bool = Field(
        False, description="a bare HTML page as a load balancer sends it, not the vendor's body")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"code": value} if isinstance(value, int) else value


FaultKind = Literal["connection_reset", "empty_response", "malformed_body", "truncated_body",
                    "slow_body"]


class Fault(Strict):
    """A transport fault. connection_reset and empty_response replace the call (or, with
    after_commit, its answer); the body faults distort the real answer."""

    kind: FaultKind
    duration_ms: float = Field(2000, gt=0, description="slow_body: spread the body over this long")
    chunks: int = Field(10, ge=1, le=10_000, description="slow_body: number of pieces")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value


class RegionBlock(Strict):
    """Refuse buyers from these countries or IP ranges with the vendor's documented answer."""

    countries: list[str] = Field(default_factory=list, description="codes, or the group EU")
    cidrs: list[str] = Field(default_factory=list, description="client IP ranges, e.g. 10.0.0.0/8")
    message: str = Field("This product is not available in your region",
                         description="message in the vendor's error body")

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        return expand_countries(value)

    @field_validator("cidrs")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"'{cidr}' is not an IP network (CIDR)") from None
        return value

    @cached_property
    def networks(self) -> list:
        return [ipaddress.ip_network(cidr, strict=False) for cidr in self.cidrs]

    @model_validator(mode="after")
    def _some(self) -> "RegionBlock":
        if not self.countries and not self.cidrs:
            raise ValueError("give countries or cidrs (or both)")
        return self


class Fulfilment(Strict):
    """How orders created by matching requests progress (read lazily on each poll)."""

    outcome: Literal["complete", "fail"] = "complete"
    message: str | None = Field(None, description="failure message when outcome is fail")
    after_polls: int | None = Field(None, ge=0, description="status reads answered 'processing'")
    after_seconds: float | None = Field(None, ge=0, description="clock seconds after creation")
    never: bool = Field(False, description="stay processing forever")

    @model_validator(mode="after")
    def _one_timing(self) -> "Fulfilment":
        given = [self.after_polls is not None, self.after_seconds is not None, self.never]
        if sum(given) > 1:
            raise ValueError("give at most one of after_polls, after_seconds or never")
        return self

    def progression(self):
        from emulator.lifecycle import Progression

        if self.never:
            kind = "never"
        elif self.after_polls is not None:
            kind = "after_polls"
        elif self.after_seconds is not None:
            kind = "after_seconds"
        else:
            kind = "immediate"
        return Progression(kind=kind, polls=self.after_polls or 0,
                           seconds=self.after_seconds or 0.0, outcome=self.outcome,
                           message=self.message)


class RateLimit(Strict):
    """At most `limit` requests per `window_seconds` (of the sandbox clock) per client."""

    limit: int = Field(ge=0, description="requests allowed per window")
    window_seconds: float = Field(60, gt=0)
    per: Literal["token", "ip", "all"] = Field("token", description="what one budget belongs to")
    message: str = "Too many requests, please slow down."


class PatchOp(Strict):
    """One RFC 6902 JSON Patch operation."""

    op: Literal["add", "remove", "replace"]
    path: str = Field(pattern=r"^(/.*)?$", description="JSON Pointer, e.g. /data/revoked")
    value: Any = None


class Override(Strict):
    """Change the real response: status, headers and the JSON body (replace or patch)."""

    status: int | None = Field(None, ge=100, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = Field(None, description="replace the body with this JSON value")
    merge: dict[str, Any] | None = Field(None, description="RFC 7396 merge patch on the body")
    patch: list[PatchOp] | None = Field(None, description="RFC 6902 operations on the body")

    @model_validator(mode="after")
    def _one_body(self) -> "Override":
        if sum(x is not None for x in (self.body, self.merge, self.patch)) > 1:
            raise ValueError("give at most one of body, merge or patch")
        return self


class Effects(Strict):
    """What happens to a matching request. Several effects combine."""

    latency: Latency | None = None
    status: Status | None = None
    after_commit: bool = Field(
        False, description="let the call take effect (e.g. store the order), then answer with "
                           "`status` or the connection fault instead of its success")
    fault: Fault | None = None
    region_block: RegionBlock | None = None
    fulfilment: Fulfilment | None = None
    rate_limit: RateLimit | None = None
    override: Override | None = None

    @model_validator(mode="after")
    def _coherent(self) -> "Effects":
        if self.after_commit and self.status is None and (
                self.fault is None or self.fault.kind not in ("connection_reset", "empty_response")):
            raise ValueError("after_commit needs a status or a connection_reset/empty_response fault")
        if self.status is not None and self.fault is not None and self.fault.kind in (
                "connection_reset", "empty_response"):
            raise ValueError("a status and a connection fault cannot both answer the request")
        return self


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
    def _rule_ids(self) -> "Scenario":
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
    shorthands = {
        "latency": {"type": "number", "minimum": 0, "description": "shorthand for fixed_ms"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599,
                   "description": "shorthand for {code: N}"},
        "fault": {"enum": list(FaultKind.__args__), "description": "shorthand for {kind: ...}"},
    }
    for name, alternative in shorthands.items():
        defs["Effects"]["properties"][name]["anyOf"].insert(0, alternative)
    return schema
