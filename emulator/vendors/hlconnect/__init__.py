"""HL Connect (Hal Leonard digital sheet music): both flavours on one port.

`live` at the root (token-based register, validate-before-payment) and `sandbox` under
/sandbox (asset-based register). The signed links and images the API hands out are served
under /hlconnect. See docs/hlconnect.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import Response

from emulator.errors import DomainError, Unprocessable
from emulator.geo import InvalidIP
from emulator.jsonio import JSONResponse
from emulator.operations import Operation
from emulator.vendors.base import DocumentedAnswer, Redaction, Vendor
from emulator.vendors.hlconnect import admin
from emulator.vendors.hlconnect.fixed_assets import TEST_ASSET_IDS
from emulator.vendors.hlconnect.lifecycle import FAILED, FAILURE_MESSAGE
from emulator.vendors.hlconnect.models import HLFixtureAsset, HLOrderLine, HLSpentToken
from emulator.vendors.hlconnect.settings import HLConnectSettings

if TYPE_CHECKING:
    from fastapi import APIRouter
    from fastapi.routing import APIRoute

_TOP = {"health", "assets", "purchase", "sandbox", "hlconnect"}  # first path segments


class HLConnect(Vendor):
    name = "hlconnect"
    title = "HL Connect"
    summary = "live at /, sandbox under /sandbox"
    settings_model = HLConnectSettings
    migrated = True
    openapi_fragment = Path(__file__).with_name("openapi.yaml")
    # a signed download/view link is a bearer capability until it expires
    redaction = Redaction(paths=(r"^(/hlconnect/(?:download|view)/)[^/]+",))

    def __init__(self, runtime) -> None:
        super().__init__(runtime)
        from emulator.vendors.hlconnect.catalog import Catalog
        from emulator.vendors.hlconnect.service import HLService

        self.catalog = Catalog(runtime.settings.seed, self.settings.catalogue_size)
        self.service = HLService(self)
        self._recipes: dict | None = None

    # -- wiring --------------------------------------------------------------------------
    def warm(self) -> None:
        for asset_id in self.catalog.page_ids(None, 1) + [min(TEST_ASSET_IDS)]:
            self.catalog.find(asset_id)  # imports Faker, builds the test assets

    def routers(self) -> list[APIRouter]:
        from emulator.vendors.hlconnect import files_routes, routes

        return [routes.build_router(self), files_routes.build_router(self)]

    @classmethod
    def tables(cls):
        return [HLOrderLine, HLSpentToken, HLFixtureAsset]

    def startup_lines(self, base_url: str) -> list[str]:
        tokens = ", ".join(f"{t} (account {a.account}{'' if a.enabled else ', disabled'})"
                           for t, a in self.settings.tokens.items())
        return [
            f"HL Connect live:    {base_url}/  (X-Environment: production)",
            f"HL Connect sandbox: {base_url}/sandbox  (X-Environment: sandbox)",
            f"HL Connect bearer tokens: {tokens}",
            "HL Connect test assets: 1000001 completes, 1000002 fails, 1000003 stays "
            "processing, 1000004 US/CA only, 1000005 min_qty 5, 1000006 partable "
            "(parts 1000007-1000010)",
        ]

    # -- requests ------------------------------------------------------------------------
    def operation(self, route: APIRoute) -> Operation:
        op = route.operation_id or route.name
        if not op.startswith("connector_"):
            return Operation(self.name, op)  # the links and images the API hands out
        return Operation(self.name, op, "sandbox" if route.path.startswith("/sandbox/") else "live")

    def owns(self, path: str) -> bool:
        return path.split("/", 2)[1] in _TOP if path.startswith("/") else False

    # -- errors --------------------------------------------------------------------------
    def render_error(self, exc: DomainError, path: str) -> Response:
        code = exc.code if isinstance(exc.code, (int, float)) else exc.status
        return JSONResponse({"name": exc.name, "message": exc.message, "code": code,
                             "status": exc.status}, status_code=exc.status, headers=exc.headers)

    def documented_error(self, answer: DocumentedAnswer, message: str | None,
                         path: str) -> Response | None:
        if answer.schema == "OrderProcessingFailedResponse":  # /purchase/info's 502: it failed
            return JSONResponse({"status": FAILED, "message": message or FAILURE_MESSAGE},
                                status_code=answer.status)
        return None  # ErrorResponse, every other error it documents: render_error's shape

    def region_blocked(self, operation: Operation, message: str, path: str) -> Response:
        # HL refuses a sale to a restricted region at validation: 422, like the real check
        return self.render_error(Unprocessable(message), path)

    def buyer_country(self, query: dict[str, str], body: object) -> str | None:
        if not isinstance(body, dict):
            return None
        ip = body.get("customer_ip")
        if isinstance(ip, str):
            try:
                return self.runtime.geo.lookup(ip)
            except InvalidIP:
                return None
        code = body.get("country_code")
        if isinstance(code, str) and len(code) == 2:
            return code.upper()
        token = body.get("token")  # live register: the country the sale was validated for
        if isinstance(token, str):
            from emulator.vendors.hlconnect.signing import peek

            country = (peek(token) or {}).get("cc")
            return country if isinstance(country, str) else None
        return None

    # -- presentation --------------------------------------------------------------------
    @staticmethod
    def public_asset(asset: dict, base_url: str) -> dict:
        """The asset as served: image paths become absolute URLs of this emulator."""
        images = [{**img, "url": base_url + img["url"]
                   if str(img.get("url", "")).startswith("/") else img.get("url")}
                  for img in asset.get("images") or []]
        return {**asset, "images": images}

    # -- documented answers (the response-coverage report) -------------------------------
    def response_recipes(self):
        from emulator.vendors.hlconnect.recipes import recipes

        if self._recipes is None:
            self._recipes = recipes(self.settings)
        return self._recipes

    # -- control plane -------------------------------------------------------------------
    def admin_resources(self, session, sandbox: str) -> list[dict]:
        return admin.resources(self, session, sandbox)

    def admin_resource(self, session, sandbox: str, resource_id: str) -> dict | None:
        return admin.resource(self, session, sandbox, resource_id)

    def admin_force(self, session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict:
        return admin.force(self, session, sandbox, resource_id, action, message, now)

    def next_event_at(self, session, sandbox: str, now: float) -> float | None:
        return admin.next_event_at(session, sandbox, now)

    def load_fixtures(self, sandbox: str, data: dict) -> None:
        admin.load_fixtures(self, sandbox, data)
