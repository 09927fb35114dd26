"""What every emulated vendor provides.

A vendor is one folder under `emulator/vendors/` with a `Vendor` subclass in its `__init__`,
listed once in `registry.py`. Shared code talks to vendors only through this interface:
classify a request into an operation (for scenarios and the journal), render errors in the
vendor's own envelope, and name the tables that hold its per-sandbox state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import yaml
from fastapi import APIRouter
from sqlmodel import SQLModel
from starlette.responses import Response

from emulator.errors import DomainError, ServerError, Unprocessable

if TYPE_CHECKING:
    from emulator.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Operation:
    vendor: str
    operation_id: str
    flavour: str | None = None


class Vendor:
    name: ClassVar[str]
    title: ClassVar[str]
    #: this vendor's part of openapi.yaml (paths, components), merged by emulator.openapi
    openapi_fragment: ClassVar[Path | None] = None

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.settings = getattr(runtime.settings, self.name)

    # -- wiring --------------------------------------------------------------------------
    def routers(self) -> list[APIRouter]:
        raise NotImplementedError

    def tables(self) -> list[type[SQLModel]]:
        """Tables with a `sandbox` column holding this vendor's mutable state."""
        return []

    def on_startup(self) -> None:
        """Seed or warm anything the vendor needs (called once, after the schema exists)."""

    def warm(self) -> None:
        """Build what can wait until the server is ready (called once in a background thread
        after start-up, so readiness does not wait for it; first use builds it otherwise)."""

    def startup_lines(self, base_url: str) -> list[str]:
        """What `serve` prints about this vendor: base URLs and demo credentials."""
        return []

    # -- request classification ----------------------------------------------------------
    def classify(self, method: str, path: str) -> Operation | None:
        """The operation a request is for, or None if the path is not this vendor's."""
        raise NotImplementedError

    def owns(self, path: str) -> bool:
        """True for every path in this vendor's URL space (also unknown ones → vendor 404)."""
        raise NotImplementedError

    def operation_ids(self) -> frozenset[str]:
        raise NotImplementedError

    # -- error rendering -----------------------------------------------------------------
    def render_error(self, exc: DomainError, path: str) -> Response:
        raise NotImplementedError

    def render_validation(self, message: str, fields: dict[str, list[str]], path: str) -> Response:
        return self.render_error(Unprocessable(message, fields=fields), path)

    def error_response(self, status: int, message: str, path: str) -> Response:
        """An error of any HTTP status in the vendor's shape (scenario-injected faults)."""
        exc = ServerError(message)
        exc.status = status
        exc.name = _reason(status)
        return self.render_error(exc, path)

    def region_blocked(self, operation: Operation, message: str, path: str) -> Response:
        """The vendor's documented answer for a buyer in a restricted region."""
        exc = DomainError(message)
        exc.status, exc.name = 403, "Forbidden"
        return self.render_error(exc, path)

    def rate_limited(self, message: str, headers: dict[str, str], path: str) -> Response:
        exc = DomainError(message, headers=headers)
        exc.status, exc.name = 429, "Too Many Requests"
        return self.render_error(exc, path)

    def succeeded(self, status: int, body: bytes) -> bool:
        """Did the vendor accept the request? (after_commit distorts successes only.)"""
        return 200 <= status < 300

    def buyer_country(self, query: dict[str, str], body: object) -> str | None:
        """The buyer's country from request fields (vendor-specific), if the request says."""
        return None

    # -- control plane (/__admin) --------------------------------------------------------
    # Orders/purchases are shown as plain dicts: at least {"id", "kind", "status",
    # "created_at"} plus the vendor's own fields. `id` is the public id an admin URL uses.
    def admin_resources(self, session, sandbox: str) -> list[dict]:
        return []

    def admin_resource(self, session, sandbox: str, resource_id: str) -> dict | None:
        return None

    def admin_force(self, session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict:
        """Force `action` (complete | fail | processing) on a resource; NotFound or
        InvalidTransition when it cannot. `processing` pins it there (policy never)."""
        from emulator.errors import BadRequest

        raise BadRequest(f"{self.name} has no resources that can be forced")

    def next_event_at(self, session, sandbox: str, now: float) -> float | None:
        """The earliest future clock instant at which this vendor's state changes by itself
        (a fulfilment due, a token or URL expiring, a rate-limit window resetting)."""
        return None

    def load_fixtures(self, sandbox: str, data: dict) -> None:
        """Add extra catalogue entries/users/orders from a fixture file's `<vendor>` section;
        raise ValueError naming the field for anything invalid."""
        if data:
            raise ValueError(f"{self.name}: fixtures are not supported")

    # -- helpers -------------------------------------------------------------------------
    @classmethod
    def load_fragment(cls) -> dict:
        if cls.openapi_fragment is None:
            return {}
        return yaml.safe_load(cls.openapi_fragment.read_text(encoding="utf-8")) or {}


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
