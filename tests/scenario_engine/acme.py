"""A tiny test-only vendor for the scenario engine's generic effects.

Four routes under /acme with their own error envelope, region answer and buyer-country field,
so a test can tell the vendor's shape from the engine's fallback. Orders live in memory per
sandbox and record the fulfilment policy a scenario set (ctx.fulfilment).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from emulator.context import RequestContext, get_ctx
from emulator.errors import DomainError
from emulator.jsonio import JSONResponse
from emulator.vendors.base import Operation, Vendor, VendorSettings

BIG = {"items": [{"n": i, "text": "x" * 40} for i in range(200)]}


class AcmeOptions(VendorSettings):
    pass


class Acme(Vendor):
    name = "acme"
    title = "Acme"
    settings_model = AcmeOptions

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self.settings = AcmeOptions()
        self.orders: dict[str, list[dict]] = {}

    def routers(self):
        router = APIRouter(prefix="/acme")

        @router.get("/ping", operation_id="acme_ping")
        async def ping(ctx: RequestContext = Depends(get_ctx)) -> dict:
            return {"pong": True, "country": ctx.country}

        @router.post("/orders", operation_id="acme_create_order", status_code=201)
        async def create(request: Request, ctx: RequestContext = Depends(get_ctx)) -> dict:
            body = await request.json()
            orders = self.orders.setdefault(ctx.sandbox, [])
            order = {"id": len(orders) + 1, "item": body.get("item"), "status": "processing",
                     "fulfilment": ctx.fulfilment.model_dump() if ctx.fulfilment else None}
            orders.append(order)
            return order

        @router.get("/orders", operation_id="acme_list_orders")
        def list_orders(ctx: RequestContext = Depends(get_ctx)) -> dict:
            return {"orders": self.orders.get(ctx.sandbox, [])}

        @router.get("/big", operation_id="acme_big")
        def big() -> dict:
            return BIG

        return [router]

    def operation(self, route) -> Operation:
        return Operation(self.name, route.operation_id, "v1")

    def owns(self, path: str) -> bool:
        return path.startswith("/acme/")

    def render_error(self, exc: DomainError, path: str) -> Response:
        return JSONResponse({"acme_error": {"status": exc.status, "message": exc.message}},
                            status_code=exc.status, headers=exc.headers)

    def region_blocked(self, operation: Operation, message: str, path: str) -> Response:
        return JSONResponse({"acme_error": {"status": 451, "message": message,
                                            "operation": operation.operation_id}}, 451)

    def buyer_country(self, query: dict[str, str], body: object) -> str | None:
        return body.get("buyer_country") if isinstance(body, dict) else None
