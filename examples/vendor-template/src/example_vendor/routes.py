"""`build_router(vendor)`: the example shop's three operations, thin and async.

auth (a dependency) → wire model in → service → JSON out. Bodies are parsed by the service so
invalid input is the vendor's own 422, after authentication.
"""

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from emulator.deps import Ctx, RawBody
from emulator.errors import Unauthorized
from emulator.jsonio import JSONResponse
from example_vendor.service import parse_new_order

if TYPE_CHECKING:
    from example_vendor import ExampleVendor

PREFIX = "/example/v1"


def build_router(vendor: "ExampleVendor") -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["example"])
    service = vendor.service

    async def authorize(request: Request) -> None:  # async: no thread hop (emulator/deps.py)
        if request.headers.get("authorization") != f"Bearer {vendor.settings.token}":
            raise Unauthorized("send Authorization: Bearer <token>")

    Authorized = Annotated[None, Depends(authorize)]

    @router.post("/orders", operation_id="example_create_order", status_code=201)
    async def create_order(ctx: Ctx, _: Authorized, body: RawBody) -> Response:
        return JSONResponse(service.create(ctx, parse_new_order(body)), status_code=201)

    @router.get("/orders/{order_id}", operation_id="example_get_order")
    async def get_order(order_id: str, ctx: Ctx, _: Authorized) -> Response:
        return JSONResponse(service.get(ctx, order_id))

    @router.post("/orders/{order_id}/cancel", operation_id="example_cancel_order")
    async def cancel_order(order_id: str, ctx: Ctx, _: Authorized) -> Response:
        return JSONResponse(service.cancel(ctx, order_id))

    return router
