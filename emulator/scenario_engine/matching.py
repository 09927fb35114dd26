"""Rules compiled into predicate tuples, cheapest check first.

A rule that does not match must cost next to nothing (issue #8: ten non-matching rules may cost
at most 5 % of throughput), so patterns are compiled once at load time, selectors become
frozensets, and expensive facts (JSON body, buyer country) are computed only when a rule asks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from emulator.context import RequestContext
from emulator.geo import InvalidIP
from emulator.http import RequestFacts
from emulator.scenario_engine.schema import Match, Rule, Scenario

COUNTRY_FIELDS = ("country", "country_code", "countrycode")


class RequestView:
    """The facts rules look at, each computed at most once per request."""

    def __init__(self, ctx: RequestContext, facts: RequestFacts, runtime) -> None:
        self.ctx, self.facts, self.runtime = ctx, facts, runtime
        op = ctx.operation
        self.vendor = op.vendor if op else None
        self.operation = op.operation_id if op else None
        self.flavour = op.flavour if op else None

    @cached_property
    def body(self) -> Any:
        facts = self.facts
        return facts.json if facts.json is not None else (facts.form or None)

    @cached_property
    def token(self) -> str | None:
        """The caller's credential, as its vendor reads it (`ScenarioFacts.caller_token`)."""
        vendor = self.runtime.vendors.get(self.vendor) if self.vendor else None
        return vendor.caller_token(self.facts) if vendor is not None else self.facts.credential

    @cached_property
    def client_ip(self) -> str | None:
        forwarded = self.facts.headers.get("x-forwarded-for", "")
        first = forwarded.split(",")[0].strip()
        return first or self.facts.client_ip

    @cached_property
    def country(self) -> str | None:
        """Vendor's own field first, then a generic country field, then the client IP."""
        country = None
        vendor = self.runtime.vendors.get(self.vendor) if self.vendor else None
        if vendor is not None:
            try:
                country = vendor.buyer_country(self.facts.query, self.body)
            except Exception:  # a malformed body is the vendor's to reject, not ours
                country = None
        if not country:
            country = _country_field(self.facts.query) or (
                _country_field(self.body) if isinstance(self.body, dict) else None)
        if not country and self.client_ip:
            try:
                country = self.runtime.geo.lookup(self.client_ip)
            except InvalidIP:
                country = None
        country = country.upper() if isinstance(country, str) and country else None
        self.ctx.country = country
        return country

    def now(self) -> float:
        return self.ctx.clock.time()


def _country_field(values: Any) -> str | None:
    if not isinstance(values, dict):
        return None
    for key, value in values.items():
        if isinstance(key, str) and key.lower() in COUNTRY_FIELDS and isinstance(value, str):
            return value
    return None


Predicate = Callable[[RequestView], bool]


@dataclass
class CompiledRule:
    scenario: str
    rule: Rule
    label: str  # <scenario>/<rule-id>
    predicates: tuple[Predicate, ...]
    effects: tuple = ()  # (effect, its value) in the order they run (effects/__init__.py)

    def matches(self, view: RequestView) -> bool:
        for predicate in self.predicates:
            if not predicate(view):
                return False
        return True

    def count_allows(self, n: int) -> bool:
        m = self.rule.match
        return ((m.nth is None or n == m.nth) and (m.every is None or n % m.every == 0)
                and (m.first is None or n <= m.first) and (m.after is None or n > m.after))

    @property
    def counted(self) -> bool:
        m = self.rule.match
        return any(x is not None for x in (m.nth, m.every, m.first, m.after))


@dataclass
class CompiledScenario:
    scenario: Scenario
    rules: list[CompiledRule]
    source: str
    bundled: bool
    _by_operation: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.scenario.name

    def rules_for(self, vendor: str | None, operation: str | None) -> list[CompiledRule]:
        """The rules whose vendor/operation selectors admit this request (indexed, so rules
        for other vendors or operations cost nothing)."""
        key = (vendor, operation)
        found = self._by_operation.get(key)
        if found is None:
            found = [r for r in self.rules
                     if (r.rule.match.vendor is None or vendor in r.rule.match.vendor)
                     and (r.rule.match.operation is None or operation in r.rule.match.operation)]
            if len(self._by_operation) < 4096:  # bounded: keys are the served operations
                self._by_operation[key] = found
        return found


def compile_scenario(scenario: Scenario, source: str, bundled: bool) -> CompiledScenario:
    rules = [CompiledRule(scenario.name, rule, f"{scenario.name}/{rule.id}",
                          compile_match(rule.match), rule.effects.in_run_order())
             for rule in scenario.rules]
    return CompiledScenario(scenario, rules, source, bundled)


def compile_match(m: Match) -> tuple[Predicate, ...]:
    """Predicates for everything but vendor and operation, which `rules_for` indexes."""
    preds: list[Predicate] = []
    # cheap identity checks first
    if m.flavour:
        flavours = frozenset(m.flavour)
        preds.append(lambda v: v.flavour in flavours)
    if m.method:
        methods = frozenset(m.method)
        preds.append(lambda v: v.facts.method in methods)
    if m.path:
        path_re = glob_to_regex(m.path)
        preds.append(lambda v: path_re.fullmatch(v.facts.path) is not None)
    if m.path_regex:
        rx = re.compile(m.path_regex)
        preds.append(lambda v: rx.search(v.facts.path) is not None)
    if m.window:
        preds.append(_window(m))
    if m.headers:
        preds.append(_values_in(lambda v: v.facts.headers,
                                {k.lower(): _accepted(val) for k, val in m.headers.items()}))
    if m.query:
        preds.append(_values_in(lambda v: v.facts.query,
                                {k: _accepted(val) for k, val in m.query.items()}))
    if m.token:
        tokens = frozenset(m.token)
        preds.append(lambda v: v.token in tokens)
    if m.body:
        wanted_b = [(key.split("."), value) for key, value in m.body.items()]
        preds.append(lambda v: all(_same(_dig(v.body, path), want) for path, want in wanted_b))
    if m.country:
        countries = frozenset(m.country)
        preds.append(lambda v: v.country in countries)
    return tuple(preds)


def _values_in(source: Callable[[RequestView], dict], wanted: dict[str, frozenset]) -> Predicate:
    if len(wanted) == 1:  # the usual case, without a generator per call
        [(key, accepted)] = wanted.items()
        return lambda v: source(v).get(key) in accepted
    pairs = tuple(wanted.items())

    def check(v: RequestView) -> bool:
        values = source(v)
        for key, accepted in pairs:
            if values.get(key) not in accepted:
                return False
        return True

    return check


def glob_to_regex(pattern: str) -> re.Pattern:
    out = []
    for part in re.split(r"(\*\*|\*)", pattern):
        out.append(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part))
    return re.compile("".join(out))


def _accepted(value: str | list[str]) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


_MISSING = object()


def _dig(body: Any, path: list[str]) -> Any:
    node = body
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return _MISSING
    return node


def _same(actual: Any, wanted: Any) -> bool:
    if actual is _MISSING:
        return False
    if isinstance(wanted, list) and not isinstance(actual, list):
        return any(_same(actual, w) for w in wanted)  # a list means "any of these"
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual is wanted  # true must not match 1
    if actual == wanted:
        return True
    # form bodies and query-ish JSON carry numbers as strings: 123 matches "123"
    return not isinstance(actual, (dict, list)) and str(actual) == str(wanted)


def _window(m: Match) -> Predicate:
    window = m.window
    assert window is not None  # only compiled for rules that have one
    start = window.from_.timestamp() if window.from_ else None
    end = window.until.timestamp() if window.until else None
    daily = None
    if window.daily:
        a, b = (_minutes(part) for part in window.daily.split("-"))
        daily = (a, b)

    def inside(v: RequestView) -> bool:
        now = v.now()
        if start is not None and now < start:
            return False
        if end is not None and now >= end:
            return False
        if daily is not None:
            at = datetime.fromtimestamp(now, tz=UTC)
            minute = at.hour * 60 + at.minute
            a, b = daily
            return a <= minute < b if a <= b else (minute >= a or minute < b)
        return True

    return inside


def _minutes(text: str) -> int:
    hh, mm = text.split(":")
    return int(hh) * 60 + int(mm)

