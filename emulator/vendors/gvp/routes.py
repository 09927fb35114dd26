"""The UNIAPI surface: one WCF-style catch-all `/{Service}.svc/{Method}` (GET, or POST with a
form body merged over the query). Thin: parameters in → Gvp.invoke → envelope out.

Hidden from FastAPI's schema: openapi.yaml documents each method at its canonical service path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request

from emulator.context import get_ctx
from emulator.errors import NotFound
from emulator.vendors.gvp import methods
from emulator.vendors.gvp.errors import ok
from emulator.vendors.gvp.oauth import SignedRequest
from emulator.vendors.gvp.params import Params

if TYPE_CHECKING:
    from emulator.vendors.gvp import Gvp


def build_router(vendor: "Gvp") -> APIRouter:
    router = APIRouter()

    @router.api_route("/{service}.svc/{method}", methods=["GET", "POST"],
                      include_in_schema=False)
    async def uniapi(request: Request, service: str, method: str):
        found = methods.find(method)
        if found is None:
            raise NotFound(f"{service}.svc has no method '{method}'")
        ctx = get_ctx(request)
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        params = Params.from_request(request.url.query, body, content_type)
        signed = SignedRequest(
            method=request.method,
            url=f"{ctx.base_url}{request.url.path}",
            query_string=request.url.query,
            form_body=body.decode("utf-8", "replace")
            if body and "application/x-www-form-urlencoded" in content_type else None,
            authorization=request.headers.get("authorization"),
        )
        result = vendor.invoke(ctx, found, params, signed)  # on the loop: see emulator/pipeline.py
        return ok(result)

    return router
