"""GmodStore API v3 (ProductPurchasesApi) under /api/v3: the Vendor wiring.

Rules live in service.py, the wire format in schemas.py, auth/scopes/rate limits in gate.py,
the catalogue in catalog.py, the control-plane parts in admin.py and fixtures.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import Response

from emulator.errors import DomainError
from emulator.ratelimit import Quota, RateLimiter
from emulator.vendors.base import Vendor
from emulator.vendors.gmodstore import admin, fixtures
from emulator.vendors.gmodstore.catalog import Catalog
from emulator.vendors.gmodstore.cursors import CursorCodec
from emulator.vendors.gmodstore.errors import render_error, render_validation
from emulator.vendors.gmodstore.gate import caller_key
from emulator.vendors.gmodstore.models import GmsCatalogEntry, GmsPurchase
from emulator.vendors.gmodstore.service import Principal, PurchaseService
from emulator.vendors.gmodstore.settings import (
    DEMO_BUYER_IDS,
    DEMO_PRODUCT_ID,
    OTHER_TEAM_PRODUCT_ID,
    GmodStoreSettings,
)

if TYPE_CHECKING:
    from fastapi import APIRouter

PREFIX = "/api/v3"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


class GmodStore(Vendor):
    name = "gmodstore"
    title = "GmodStore API v3"
    summary = "under /api/v3"
    settings_model = GmodStoreSettings
    migrated = True
    openapi_fragment = Path(__file__).with_name("openapi.yaml")

    def __init__(self, runtime) -> None:
        super().__init__(runtime)
        cfg = self.settings
        self.catalog = Catalog(runtime.db, runtime.settings.seed, teams=cfg.teams,
                               users=cfg.users, products=cfg.products)
        self.service = PurchaseService(runtime.db, self.catalog,
                                       CursorCodec(runtime.settings.secret_key),
                                       cfg.default_per_page)
        self.tokens = {token: Principal(token, t.user_id, frozenset(t.scopes))
                       for token, t in cfg.tokens.items()}
        self.limits = RateLimiter(runtime.db, self.name)
        self._recipes: dict | None = None

    def warm(self) -> None:
        self.catalog.base  # noqa: B018 - generates the seeded catalogue

    # -- wiring ---------------------------------------------------------------------------
    def routers(self) -> list[APIRouter]:
        from emulator.vendors.gmodstore import routes

        return [routes.build_router(self), admin.build_router(self)]

    @classmethod
    def tables(cls):
        return [GmsPurchase, GmsCatalogEntry]

    def startup_lines(self, base_url: str) -> list[str]:
        tokens = ", ".join(self.tokens) or "none configured"
        return [
            f"GmodStore v3:      {base_url}{PREFIX}  (Authorization: Bearer <token>; tokens: "
            f"{tokens})",
            f"GmodStore demo ids: product {DEMO_PRODUCT_ID} (demo team), "
            f"{OTHER_TEAM_PRODUCT_ID} (other team), buyers {', '.join(DEMO_BUYER_IDS)}; all: "
            f"{base_url}/__admin/gmodstore/products and /users",
        ]

    # -- requests -------------------------------------------------------------------------
    def owns(self, path: str) -> bool:
        return path == PREFIX or path.startswith(PREFIX + "/")

    def principal(self, token: str | None) -> Principal | None:
        return self.tokens.get(token) if token else None

    def count_request(self, ctx, principal: Principal | None, client_ip: str | None) -> Quota:
        key = caller_key(principal.token if principal else None, client_ip)
        return self.limits.take(ctx.sandbox, key, self.settings.rate_limit,
                                self.settings.rate_window_seconds, ctx.now())

    def standing_headers(self, ctx, facts, response) -> dict[str, str]:
        """X-RateLimit-* are on every GmodStore answer, and Retry-After on every 429. Those an
        answer lacks (one the gate never counted: a scenario's injected status, the emulator's
        own refusals; an override's 429) show the caller's current window, uncounted; an
        injected 429 says the budget is spent."""
        missing = [name for name in RATE_HEADERS if response.header(name) is None]
        refused = response.status == 429
        if not missing and not (refused and response.header("Retry-After") is None):
            return {}
        principal = self.principal(facts.bearer)
        key = caller_key(principal.token if principal else None, facts.client_ip)
        quota = self.limits.peek(ctx.sandbox, key, self.settings.rate_limit,
                                 self.settings.rate_window_seconds, ctx.now())
        headers = {name: value for name, value in quota.headers().items() if name in missing}
        if refused:
            headers["Retry-After"] = str(quota.retry_after)
            if "X-RateLimit-Remaining" in missing:
                headers["X-RateLimit-Remaining"] = "0"
        return headers

    # -- errors ---------------------------------------------------------------------------
    def render_error(self, exc: DomainError, path: str) -> Response:
        return render_error(exc)

    def render_validation(self, message: str, fields: dict[str, list[str]], path: str) -> Response:
        return render_validation(message, fields)

    def rate_limited(self, message: str, headers: dict[str, str], path: str) -> Response:
        # a scenario-injected 429: keep its headers and add GmodStore's own
        merged = {"X-RateLimit-Limit": str(self.settings.rate_limit),
                  "X-RateLimit-Remaining": "0", **headers}
        if "Retry-After" not in merged:
            merged["Retry-After"] = str(self.settings.rate_window_seconds)
        return super().rate_limited(message, merged, path)

    # -- documented answers (the response-coverage report) ---------------------------------
    def response_recipes(self):
        from emulator.vendors.gmodstore.recipes import recipes

        if self._recipes is None:
            self._recipes = recipes(self.settings)
        return self._recipes

    # -- control plane --------------------------------------------------------------------
    def admin_resources(self, session, sandbox: str) -> list[dict]:
        return admin.resources(session, sandbox)

    def admin_resource(self, session, sandbox: str, resource_id: str) -> dict | None:
        row = admin.find(session, sandbox, resource_id)
        return admin.resource(row) if row is not None else None

    def admin_force(self, session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict:
        return admin.force(session, sandbox, resource_id, action, message, now)

    def next_event_at(self, session, sandbox: str, now: float) -> float | None:
        return self.limits.next_reset(session, sandbox, now)

    def load_fixtures(self, sandbox: str, data: dict) -> None:
        fixtures.load(self, sandbox, data)
