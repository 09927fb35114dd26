"""How to reach every documented HL Connect answer on a fresh emulator, both flavours.

The one source of HL Connect's recipes for the response-coverage report (GET /__admin/coverage),
the CLI and the dashboard. They are built on the documented test assets (fixed_assets.py, the
table in docs/hlconnect.md) and the configured bearer tokens; the 500s, which no request
provokes, come from a scenario rule.
"""

from __future__ import annotations

from typing import Any

from emulator.recipes import Recipe, Step
from emulator.vendors.hlconnect.fixed_assets import (
    ALWAYS_COMPLETES,
    CHORAL_MIN_QTY,
    ENSEMBLE,
    FULFILMENT_FAILS,
    REGION_RESTRICTED,
    STAYS_PROCESSING,
)
from emulator.vendors.hlconnect.settings import HLConnectSettings

UNKNOWN_ASSET = 9_999_999  # generated catalogue ids have six digits, test assets 100000x
US_BUYER, GB_BUYER = "192.0.2.10", "198.51.100.7"  # the default IP table's US and GB ranges
ORDER, LINE = 7001, 1
PRICE = {"line_item_price": 4.99, "unit_price": 4.99, "customer": "c-42"}


def recipes(settings: HLConnectSettings) -> dict[tuple[str, int], Recipe]:
    """(operation, status) → recipe, for every operation of both flavours and the links."""
    enabled = [t for t, account in settings.tokens.items() if account.enabled]
    disabled = [t for t, account in settings.tokens.items() if not account.enabled]
    if not enabled:
        return {}
    found: dict[tuple[str, int], Recipe] = {}
    for flavour in ("live", "sandbox"):
        found.update(_Flavour(flavour, enabled[0], disabled[0] if disabled else None).recipes())
    found.update(_links(_Flavour("live", enabled[0], None)))
    return found


class _Flavour:
    def __init__(self, flavour: str, token: str, disabled: str | None) -> None:
        self.live = flavour == "live"
        self.prefix = "" if self.live else "/sandbox"
        self.suffix = "" if self.live else "_sandbox"
        self.auth = {"Authorization": f"Bearer {token}"}
        self.disabled = disabled

    def op(self, name: str) -> str:
        return f"connector_{name}{self.suffix}"

    def get(self, path: str, auth: bool = True, **query: Any) -> Step:
        return Step("GET", self.prefix + path, query=query, headers=self.auth if auth else {})

    def register(self, asset_id: int = ALWAYS_COMPLETES, *, country: str = "US",
                 quantity: int = 1, **extra: Any) -> list[Step]:
        """Register order ORDER line LINE for `asset_id` (live: validate first)."""
        body = {"order_number": ORDER, "order_line_id": LINE, **PRICE, **extra}
        if not self.live:
            return [Step("POST", "/sandbox/purchase/register", headers=self.auth,
                         json={"asset_id": asset_id, "country_code": country,
                               "quantity": quantity, **body})]
        return [self.validate(asset_id, US_BUYER if country == "US" else GB_BUYER, quantity,
                              save={"token": "token"}),
                Step("POST", "/purchase/register", headers=self.auth,
                     json={"token": "${token}", **body})]

    def validate(self, asset_id: int, ip: str = US_BUYER, quantity: int = 1,
                 save: dict[str, str] | None = None) -> Step:
        return Step("POST", "/purchase/validate-purchase-before-payment", headers=self.auth,
                    json={"asset_id": asset_id, "customer_ip": ip, "quantity": quantity},
                    save=save or {})

    def failing(self, operation: str, *steps: Step) -> Recipe:
        """A 500: the vendor documents it, nothing provokes it, a scenario answers it."""
        scenario = {"name": f"hlconnect-500-{operation.removeprefix('connector_')}",
                    "description": f"{operation} answers 500 in HL Connect's error body",
                    "rules": [{
            "id": "server-error", "match": {"vendor": "hlconnect", "operation": operation},
            "effects": {"status": {"code": 500, "message": "Internal server error"}}}]}
        return Recipe("only an injected fault answers 500", steps, scenario=scenario)

    def recipes(self) -> dict[tuple[str, int], Recipe]:
        found: dict[tuple[str, int], Recipe] = {}
        health, assets = self.op("health"), self.op("assets_list")
        found[(health, 200)] = Recipe("every component healthy", (self.get("/health", False),))
        found[(health, 500)] = self.failing(health, self.get("/health", False))
        listing = self.get("/assets/list", page_size=5)
        found[(assets, 200)] = Recipe("the first page of the catalogue", (listing,))
        found[(assets, 401)] = Recipe("no Authorization header",
                                      (self.get("/assets/list", False),))
        if self.disabled:
            found[(assets, 403)] = Recipe("a disabled vendor account", (Step(
                "GET", self.prefix + "/assets/list",
                headers={"Authorization": f"Bearer {self.disabled}"}),))
        found[(assets, 422)] = Recipe("page_size must be 1..max_page_size",
                                      (self.get("/assets/list", page_size=0),))
        found[(assets, 500)] = self.failing(assets, listing)
        if self.live:
            found.update(self._validate())
        found.update(self._register())
        found.update(self._reads())
        return found

    def _validate(self) -> dict[tuple[str, int], Recipe]:
        op = "connector_purchase_validate_purchase_before_payment"
        ok = self.validate(ALWAYS_COMPLETES)
        return {
            (op, 200): Recipe("a sellable asset for a US buyer", (ok,)),
            (op, 400): Recipe("customer_ip is not an IP address", (Step(
                "POST", "/purchase/validate-purchase-before-payment", headers=self.auth,
                json={"asset_id": ALWAYS_COMPLETES, "customer_ip": "not-an-ip",
                      "quantity": 1}),)),
            (op, 401): Recipe("no Authorization header", (Step(
                "POST", "/purchase/validate-purchase-before-payment",
                json={"asset_id": ALWAYS_COMPLETES, "customer_ip": US_BUYER, "quantity": 1}),)),
            (op, 404): Recipe("an asset that does not exist", (self.validate(UNKNOWN_ASSET),)),
            (op, 422): Recipe(f"test asset {CHORAL_MIN_QTY} has min_qty 5",
                              (self.validate(CHORAL_MIN_QTY, quantity=4),)),
            (op, 500): self.failing(op, ok),
        }

    def _register(self) -> dict[tuple[str, int], Recipe]:
        op = self.op("purchase_register")
        twice = [*self.register(), *self.register()]
        if self.live:
            missing = Recipe(f"a part of ensemble {ENSEMBLE} that does not exist", (
                *self.register(ENSEMBLE, parts=[{"asset_id": UNKNOWN_ASSET,
                                                 "order_line_id": 2}]),))
            invalid = Recipe("a validation token the emulator never issued", (Step(
                "POST", "/purchase/register", headers=self.auth,
                json={"token": "not-a-token", "order_number": ORDER, "order_line_id": LINE,
                      **PRICE}),))
        else:
            missing = Recipe("an asset that does not exist", tuple(self.register(UNKNOWN_ASSET)))
            invalid = Recipe(f"test asset {REGION_RESTRICTED} is sold in US and CA only",
                             tuple(self.register(REGION_RESTRICTED, country="GB")))
        return {
            (op, 201): Recipe(f"test asset {ALWAYS_COMPLETES}", tuple(self.register())),
            (op, 401): Recipe("no Authorization header", (Step(
                "POST", self.prefix + "/purchase/register", json={}),)),
            (op, 404): missing,
            (op, 409): Recipe("the same order number and line twice", tuple(twice)),
            (op, 422): invalid,
            (op, 500): self.failing(op, *self.register()),
        }

    def _reads(self) -> dict[tuple[str, int], Recipe]:
        found: dict[tuple[str, int], Recipe] = {}
        info = self.op("purchase_info")
        poll = self.get("/purchase/info", order_id=ORDER)
        found[(info, 200)] = Recipe(f"test asset {ALWAYS_COMPLETES} completes on the first poll",
                                    (*self.register(), poll))
        found[(info, 202)] = Recipe(f"test asset {STAYS_PROCESSING} stays PROCESSING",
                                    (*self.register(STAYS_PROCESSING), poll))
        found[(info, 502)] = Recipe(f"test asset {FULFILMENT_FAILS} fails after one poll",
                                    (*self.register(FULFILMENT_FAILS), poll, poll))
        completed = (*self.register(), poll)
        line = {"order_id": ORDER, "order_line_id": LINE}
        for name, path in (("purchase_info", "/purchase/info"),
                           ("purchase_download_url", "/purchase/download-url"),
                           ("purchase_view_url", "/purchase/view-url")):
            op = self.op(name)
            query = {"order_id": ORDER} if name == "purchase_info" else line
            found[(op, 401)] = Recipe("no Authorization header",
                                      (self.get(path, False, **query),))
            found[(op, 404)] = Recipe("an order this vendor account never registered",
                                      (self.get(path, **query),))
            found[(op, 422)] = Recipe("ids are 1..2^63-1", (self.get(path, order_id=0,
                                                                      order_line_id=0),))
            found[(op, 500)] = self.failing(op, self.get(path, **query))
            if name != "purchase_info":
                found[(op, 200)] = Recipe("a COMPLETED line", (*completed, self.get(path, **line)))
        cancel = self.op("purchase_cancel")
        delete = Step("DELETE", self.prefix + "/purchase/cancel", query=line, headers=self.auth)
        found[(cancel, 201)] = Recipe("a PROCESSING or COMPLETED line", (*self.register(), delete))
        found[(cancel, 400)] = Recipe("a line that is CANCELLED already",
                                      (*self.register(), delete, delete))
        found[(cancel, 401)] = Recipe("no Authorization header", (Step(
            "DELETE", self.prefix + "/purchase/cancel", query=line),))
        found[(cancel, 404)] = Recipe("an order this vendor account never registered", (delete,))
        found[(cancel, 422)] = Recipe("ids are 1..2^63-1", (Step(
            "DELETE", self.prefix + "/purchase/cancel", query={"order_id": 0, "order_line_id": 0},
            headers=self.auth),))
        found[(cancel, 500)] = self.failing(cancel, delete)
        return found


def _links(hl: _Flavour) -> dict[tuple[str, int], Recipe]:
    """The signed links and images the API hands out (served by the emulator)."""
    line = {"order_id": ORDER, "order_line_id": LINE}
    completed = (*hl.register(), hl.get("/purchase/info", order_id=ORDER))
    found: dict[tuple[str, int], Recipe] = {}
    for kind in ("download", "view"):
        op = f"hlconnect_file_{kind}"
        link = hl.get(f"/purchase/{kind}-url", **line)
        saved = Step(link.method, link.path, query=link.query, headers=link.headers,
                     save={"link": "url"})
        found[(op, 200)] = Recipe(f"follow the {kind} URL of a COMPLETED line",
                                  (*completed, saved, Step("GET", "${link}")))
        found[(op, 403)] = Recipe("a link whose signature does not match",
                                  (Step("GET", f"/hlconnect/{kind}/not-a-signed-link"),))
        found[(op, 422)] = Recipe("a link longer than 4096 characters",
                                  (Step("GET", f"/hlconnect/{kind}/" + "x" * 4097),))
    image = "hlconnect_asset_image"
    found[(image, 200)] = Recipe("a test asset's cover",
                                 (Step("GET", f"/hlconnect/images/{ALWAYS_COMPLETES}/cover.svg"),))
    found[(image, 404)] = Recipe("an image name other than cover.svg and first-page.svg",
                                 (Step("GET", f"/hlconnect/images/{ALWAYS_COMPLETES}/back.svg"),))
    found[(image, 422)] = Recipe("asset ids are 1..2^63-1",
                                 (Step("GET", "/hlconnect/images/0/cover.svg"),))
    return found
