"""GmodStore API v3 ProductPurchasesApi: thin routes (request in → service → JSON out).

Authentication, scopes and rate limiting happen in `gate.GmodRoute` before these run; the
caller is `request.state.gms_principal`. Bodies and queries are parsed by the service's
schemas so invalid input is a GmodStore 400, never FastAPI's 422.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from emulator.context import get_ctx
from emulator.errors import MethodNotAllowed, NotFound
from emulator.jsonio import JSONResponse
from emulator.vendors.gmodstore.gate import GmodRoute

router = APIRouter(prefix="/api/v3", route_class=GmodRoute, tags=["ProductPurchases"])

COLLECTION = "/products/{product}/purchases"
ITEM = "/products/{product}/purchases/{purchase}"


async def raw_body(request: Request) -> bytes:
    return await request.body()


def _call(request: Request):
    vendor = request.app.state.runtime.vendors["gmodstore"]
    return vendor.service, get_ctx(request), request.state.gms_principal


def _query(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


@router.post(COLLECTION, operation_id="create_product_purchase", status_code=201)
async def create_product_purchase(product: str, request: Request,
                                  body: bytes = Depends(raw_body)):
    service, ctx, who = _call(request)
    return JSONResponse({"data": service.create(ctx, who, product, body)}, status_code=201)


@router.get(COLLECTION, operation_id="list_product_purchases")
async def list_product_purchases(product: str, request: Request):
    service, ctx, who = _call(request)
    return JSONResponse(service.list(ctx, who, product, _query(request)))


@router.get(ITEM, operation_id="get_product_purchase")
async def get_product_purchase(product: str, purchase: str, request: Request):
    service, ctx, who = _call(request)
    return JSONResponse({"data": service.get(ctx, who, product, purchase, _query(request))})


@router.put(ITEM, operation_id="update_product_purchase")
async def update_product_purchase(product: str, purchase: str, request: Request,
                            body: bytes = Depends(raw_body)):
    service, ctx, who = _call(request)
    return JSONResponse({"data": service.update(ctx, who, product, purchase, body)})


@router.api_route("/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                          "OPTIONS"],
                  include_in_schema=False)
async def unknown_route(rest: str, request: Request):
    """Everything else under /api/v3: 405 on a known path, else 404 (GmodStore-shaped, with
    rate-limit headers like every other answer)."""
    vendor = request.app.state.runtime.vendors["gmodstore"]
    allowed = vendor.allowed_methods(request.url.path)
    if allowed:
        raise MethodNotAllowed(f"The {request.method} method is not supported for this route. "
                               f"Supported methods: {', '.join(allowed)}.",
                               headers={"Allow": ", ".join(allowed)})
    raise NotFound(f"No such endpoint: {request.method} {request.url.path}")
