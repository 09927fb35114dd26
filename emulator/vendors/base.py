"""The vendor contract: everything the core knows about an emulated purchase API.

A vendor is one package with a `Vendor` subclass, registered under the entry-point group
`purchase_emulator.vendors` (see `emulator/vendors/registry.py`); the core never names one.
What a vendor declares is grouped by what it serves, each part with working defaults:

- `HttpSurface`: its routers, URL space, error envelope, contract fragment and the secrets
  the journal must never store;
- `ScenarioFacts`: what the scenario engine asks of a request or an answer (success, buyer
  country, the caller's token) and the vendor's documented answers for injected faults;
- `AdminHooks`: the control plane's view of its resources (list, show, force, fixtures, the
  next clock event, reset);
- `ResponseCatalog`: its documented answers, a recipe for reaching each on a fresh emulator,
  and which of them a journaled answer was (the response-coverage report).

`Vendor` adds identity (name, title, settings model, tables) and start-up hooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import yaml
from pydantic import BaseModel
from sqlmodel import Session, SQLModel
from starlette.responses import Response

from emulator.clock import ClockRegistry
from emulator.db import Database
from emulator.errors import BadRequest, DomainError, RateLimited, ServerError, Unprocessable
from emulator.geo import IpCountryTable
from emulator.journal import JournalEntry
from emulator.operations import ADMIN_PREFIX, Operation
from emulator.recipes import Recipe
from emulator.settings import CoreSettings
from emulator.vendors.documented import DocumentedAnswer, documented_answer

if TYPE_CHECKING:
    from fastapi import APIRouter
    from fastapi.routing import APIRoute

    from emulator.context import RequestContext
    from emulator.http import CapturedResponse, RequestFacts

__all__ = ["AdminHooks", "DocumentedAnswer", "Host", "HttpSurface", "Operation", "Outcome",
           "Recipe", "Redaction", "ResponseCatalog", "ScenarioFacts", "Vendor", "VendorSettings"]


class Host(Protocol):
    """What a vendor may use of the emulator (the Runtime is one): settings, the state store,
    the per-sandbox clocks and the buyer-IP table."""

    settings: CoreSettings
    db: Database
    clocks: ClockRegistry
    geo: IpCountryTable


class VendorSettings(BaseModel):
    """A vendor's options, nested in the root settings under its name
    (`EMULATOR_<NAME>__<OPTION>` in the environment)."""

    enabled: bool = True


@dataclass(frozen=True)
class Redaction:
    """Secrets a vendor's requests carry, kept out of the journal and the logs.

    `paths`: regular expressions whose first group is kept and the rest of the match replaced
    (a signed link's capability segment); `fields`: query, form and JSON field names (any
    case); `headers`: header names (lower-case)."""

    paths: tuple[str, ...] = ()
    fields: frozenset[str] = field(default_factory=frozenset)
    headers: frozenset[str] = field(default_factory=frozenset)


_DOCUMENTED: dict[type, dict[str, dict[str, Any]]] = {}  # documented_operations, per class
_FRAGMENTS: dict[type, dict] = {}  # read_fragment, per class


class HttpSurface:
    """The vendor's wire: what it serves and how its errors look."""

    name: ClassVar[str]
    #: this vendor's part of openapi.yaml (paths, components), merged by emulator.openapi
    openapi_fragment: ClassVar[Path | None] = None
    redaction: ClassVar[Redaction] = Redaction()

    def routers(self) -> list[APIRouter]:
        raise NotImplementedError

    def owns(self, path: str) -> bool:
        """True for every path in this vendor's URL space (unknown ones too: they get the
        vendor's own 404)."""
        raise NotImplementedError

    def route_path(self, path: str) -> str:
        """The path to route a request of this vendor's URL space by (a protocol whose paths
        match loosely, e.g. without regard to case, returns the canonical spelling)."""
        return path

    def operation(self, route: APIRoute) -> Operation:
        """The operation a matched route serves (scenario rules and the journal name it)."""
        return Operation(self.name, route.operation_id or route.name)

    def render_error(self, exc: DomainError, path: str) -> Response:
        raise NotImplementedError

    def standing_headers(self, ctx: RequestContext, facts: RequestFacts,
                         response: CapturedResponse) -> dict[str, str]:
        """Headers the vendor sends on every answer (e.g. rate-limit counters): the pipeline
        adds those a final answer lacks, whoever made it (route, scenario, the pipeline)."""
        return {}

    def render_validation(self, message: str, fields: dict[str, list[str]], path: str) -> Response:
        return self.render_error(Unprocessable(message, fields=fields), path)

    @classmethod
    def load_fragment(cls) -> dict:
        if cls.openapi_fragment is None:
            return {}
        return yaml.safe_load(cls.openapi_fragment.read_text(encoding="utf-8")) or {}

    @classmethod
    def read_fragment(cls) -> dict:
        """`load_fragment()` parsed once per class, for readers that must not change it (the
        served routes, documented answers): parsing a fragment takes ~0.1-0.3 s, and the first
        injected status would otherwise pay it on the event loop."""
        if cls not in _FRAGMENTS:
            _FRAGMENTS[cls] = cls.load_fragment()
        return _FRAGMENTS[cls]

    @classmethod
    def documented_operations(cls) -> dict[str, dict[str, Any]]:
        """operationId → the fragment's operation object (with its "method" and "path"
        added): one source for what is served, what each status answers, and its schema.
        Read once per class (callers must not change what it returns)."""
        cached = _DOCUMENTED.get(cls)
        if cached is not None:
            return cached
        found: dict[str, dict[str, Any]] = {}
        for path, item in (cls.read_fragment().get("paths") or {}).items():
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    found[op["operationId"]] = {**op, "method": method.upper(), "path": path}
        _DOCUMENTED[cls] = found
        return found

    @classmethod
    def operation_ids(cls) -> frozenset[str]:
        """Every operation the fragment documents (scenario files are checked against it)."""
        return frozenset(cls.documented_operations())


class ScenarioFacts:
    """What scenario rules read from a request, and the answers effects give in its place."""

    if TYPE_CHECKING:  # provided by HttpSurface in every Vendor
        def render_error(self, exc: DomainError, path: str) -> Response: ...

    def succeeded(self, status: int, body: bytes) -> bool:
        """Did the vendor accept the request? (after_commit distorts successes only.)"""
        return 200 <= status < 300

    def buyer_country(self, query: dict[str, str], body: object) -> str | None:
        """The buyer's country from request fields, if the request says."""
        return None

    def caller_token(self, facts: RequestFacts) -> str | None:
        """The credential that identifies the caller (`match.token`, token-bound scenarios)."""
        return facts.credential

    def error_response(self, status: int, message: str | None, path: str,
                       operation: Operation | None = None) -> Response:
        """An error of any HTTP status for a scenario's injected `status` (`message`: the
        rule's text, if it gives one): what `operation` documents for that status, rendered
        by `documented_error`; for a status it does not document, the vendor's generic error
        shape."""
        answer = documented_answer(type(self), operation.operation_id, status) \
            if operation is not None else None
        if answer is not None:
            documented = self.documented_error(answer, message, path)
            if documented is not None:
                return documented
        exc = ServerError(message or _reason(status))
        exc.status, exc.name = status, _reason(status)
        return self.render_error(exc, path)

    def documented_error(self, answer: DocumentedAnswer, message: str | None,
                         path: str) -> Response | None:
        """The documented model `answer` names (`answer.schema`, `answer.media_type`) for an
        injected status; None when the generic error shape is that model."""
        return None

    def region_blocked(self, operation: Operation, message: str, path: str) -> Response:
        """The vendor's documented answer for a buyer in a restricted region."""
        exc = DomainError(message)
        exc.status, exc.name = 403, "Forbidden"
        return self.render_error(exc, path)

    def rate_limited(self, message: str, headers: dict[str, str], path: str) -> Response:
        return self.render_error(RateLimited(message, headers=headers), path)


class AdminHooks:
    """The control plane's view of a vendor's resources (orders, purchases).

    Resources are plain dicts: at least {"id", "kind", "status", "created_at"} plus the
    vendor's own fields; `id` is the public id an admin URL uses."""

    name: ClassVar[str]

    def admin_resources(self, session: Session, sandbox: str) -> list[dict[str, Any]]:
        return []

    def admin_resource(self, session: Session, sandbox: str,
                       resource_id: str) -> dict[str, Any] | None:
        return None

    def admin_force(self, session: Session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict[str, Any]:
        """Force `action` (complete | fail | processing) on a resource; NotFound or
        InvalidTransition when it cannot. `processing` pins it there (policy never)."""
        raise BadRequest(f"{self.name} has no resources that can be forced")

    def next_event_at(self, session: Session, sandbox: str, now: float) -> float | None:
        """The earliest future clock instant at which this vendor's state changes by itself
        (a fulfilment due, a token or link expiring, a rate-limit window resetting)."""
        return None

    def load_fixtures(self, sandbox: str, data: dict[str, Any]) -> None:
        """Store extra catalogue entries, users or orders from a fixture file's section for
        this vendor; raise ValueError naming the field for anything invalid."""
        if data:
            raise ValueError(f"{self.name}: fixtures are not supported")

    def reset_sandbox(self, sandbox: str) -> None:
        """A sandbox was reset or deleted. Its rows are already gone (every table in
        `tables()` is cleared generically); drop anything derived from them."""


@dataclass(frozen=True)
class Outcome:
    """One documented answer of an operation: an HTTP status, or (for a vendor whose answers
    carry their own code, like GVP's StatusCode) a code within it; `outcome` names it."""

    operation: str
    status: int
    outcome: str
    code: int | None = None
    recipe: Recipe | None = None


class ResponseCatalog:
    """The vendor's documented answers and how to reach each (GET /__admin/coverage lists them
    with how often the sandbox's journal saw each). The default reads the contract fragment:
    one outcome per (operation, documented HTTP status) of the vendor's own paths."""

    if TYPE_CHECKING:  # provided by HttpSurface in every Vendor
        @classmethod
        def documented_operations(cls) -> dict[str, dict[str, Any]]: ...

    def documented_outcomes(self) -> list[Outcome]:
        recipes = self.response_recipes()
        found = []
        for operation_id, op in self.documented_operations().items():
            if op["path"].startswith(ADMIN_PREFIX):
                continue
            for status in op.get("responses") or {}:
                if str(status).isdigit():  # not `default` or a range
                    code = int(status)
                    found.append(Outcome(operation_id, code, _reason(code),
                                         recipe=recipes.get((operation_id, code))))
        return found

    def response_recipes(self) -> Mapping[tuple[str, int], Recipe]:
        """(operation, status) → how to get that answer on a fresh emulator."""
        return {}

    def answer_code(self, operation_id: str, status: int, body: bytes) -> int | None:
        """The vendor's own outcome code in an answer's body (kept in the journal entry). Runs
        for every journaled answer: a prefix check, never a parse of the whole body."""
        return None

    def outcome_of(self, entry: JournalEntry) -> str:
        """Which documented outcome (its `outcome` name) a journaled answer was."""
        return _reason(entry.status or 0)


class Vendor(HttpSurface, ScenarioFacts, AdminHooks, ResponseCatalog):
    name: ClassVar[str]
    title: ClassVar[str]
    #: where the vendor lives on the port, for banners and the contract's description
    summary: ClassVar[str] = ""
    settings_model: ClassVar[type[VendorSettings]] = VendorSettings
    #: True when the emulator's own Alembic revisions create this vendor's tables (the
    #: bundled vendors); a plug-in's tables are created from its models at start
    migrated: ClassVar[bool] = False

    def __init__(self, runtime: Host) -> None:
        self.runtime = runtime
        self.settings: Any = runtime.settings.vendor_settings(self.name)

    @classmethod
    def tables(cls) -> list[type[SQLModel]]:
        """Tables with a `sandbox` column holding this vendor's mutable state."""
        return []

    def on_startup(self) -> None:
        """Seed anything the vendor needs (called once, after the schema exists)."""

    def warm(self) -> None:
        """Build what can wait until the server is ready (called once in a background thread
        after start-up, so readiness does not wait for it; first use builds it otherwise)."""

    def startup_lines(self, base_url: str) -> list[str]:
        """What `serve` prints about this vendor: base URLs and demo credentials."""
        return [f"{self.title}: {base_url}  {self.summary}".rstrip()]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
