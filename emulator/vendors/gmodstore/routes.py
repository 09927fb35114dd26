"""GmodStore API v3 ProductPurchasesApi: thin routes (request in → service → JSON out).

`build_router(vendor)`: the API under /api/v3 (the discovery routes under /__admin/gmodstore
are admin.py's). Authentication, scopes and rate limiting happen in the route
class (gate.py) before these run; the caller is its `Principal`. Bodies and queries are parsed
by the service's schemas so invalid input is a GmodStore 400, never FastAPI's 422.
"""

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute

from emulator.deps import Ctx, RawBody
from emulator.errors import MethodNotAllowed, NotFound
from emulator.jsonio import JSONResponse
from emulator.vendors.gmodstore.gate import gated_route, principal_of
from emulator.vendors.gmodstore.service import Principal

if TYPE_CHECKING:
    from emulator.vendors.gmodstore import GmodStore

PREFIX = "/api/v3"
COLLECTION = "/products/{product}/purchases"
ITEM = "/products/{product}/purchases/{purchase}"
Caller = Annotated[Principal, Depends(principal_of)]


def _query(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def build_router(vendor: "GmodStore") -> APIRouter:
    api = APIRouter(prefix=PREFIX, route_class=gated_route(vendor), tags=["ProductPurchases"])
    service = vendor.service

    @api.post(COLLECTION, operation_id="create_product_purchase", status_code=201)
    async def create_product_purchase(product: str, ctx: Ctx, who: Caller, body: RawBody):
        return JSONResponse({"data": service.create(ctx, who, product, body)}, status_code=201)

    @api.get(COLLECTION, operation_id="list_product_purchases")
    async def list_product_purchases(product: str, request: Request, ctx: Ctx, who: Caller):
        return JSONResponse(service.list(ctx, who, product, _query(request)))

    @api.get(ITEM, operation_id="get_product_purchase")
    async def get_product_purchase(product: str, purchase: str, request: Request, ctx: Ctx,
                                   who: Caller):
        return JSONResponse({"data": service.get(ctx, who, product, purchase, _query(request))})

    @api.put(ITEM, operation_id="update_product_purchase")
    async def update_product_purchase(product: str, purchase: str, ctx: Ctx, who: Caller,
                                      body: RawBody):
        return JSONResponse({"data": service.update(ctx, who, product, purchase, body)})

    documented = list(api.routes)

    @api.api_route("/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                            "OPTIONS"], include_in_schema=False)
    async def unknown_route(rest: str, request: Request):
        """Everything else under /api/v3: 405 on a known path, else 404 (GmodStore-shaped,
        with rate-limit headers like every other answer)."""
        path = request.url.path
        allowed = sorted({m for route in documented if isinstance(route, APIRoute)
                          and route.path_regex.match(path) for m in route.methods})
        if allowed:
            raise MethodNotAllowed(f"The {request.method} method is not supported for this "
                                   f"route. Supported methods: {', '.join(allowed)}.",
                                   headers={"Allow": ", ".join(allowed)})
        raise NotFound(f"No such endpoint: {request.method} {path}")

    return api
