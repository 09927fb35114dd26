"""The UNIAPI surface: `build_router(vendor)`, one route pair per method (methods.py).

Each method is served at its documented service path as `GET` and as `POST` with a form body
merged over the query. Clients reach it under any `<Service>.svc` prefix and in any case (the
wiki does not say which service hosts which method, and WCF matches names without regard to
case): `canonical_path`, the vendor's `route_path`, gives the pipeline the documented path
before routing. Thin: parameters in → Gvp.invoke → envelope out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request

from emulator.deps import Ctx, RawBody
from emulator.vendors.gvp.errors import ok
from emulator.vendors.gvp.methods import METHODS, Method
from emulator.vendors.gvp.oauth import SignedRequest
from emulator.vendors.gvp.params import Params

if TYPE_CHECKING:
    from emulator.vendors.gvp import Gvp

FORM = "Form"  # the POST operation's id is the method's plus this (unique in openapi.yaml)
_METHOD_PATH = re.compile(r"^/[^/]+\.svc/([^/]+)$", re.IGNORECASE)


def documented_path(method: Method) -> str:
    return f"/{method.service}.svc/{method.name}"


def canonical_path(path: str) -> str:
    """`/AnyService.svc/createpurchase` → `/SubscriptionService.svc/CreatePurchase`; any other
    path (an unknown method included) unchanged."""
    found = _METHOD_PATH.match(path)
    method = METHODS.get(found.group(1).lower()) if found else None
    return documented_path(method) if method else path


def build_router(vendor: Gvp) -> APIRouter:
    router = APIRouter(tags=["gvp"])
    for method in METHODS.values():
        endpoint = _endpoint(vendor, method)
        path = documented_path(method)
        router.add_api_route(path, endpoint, methods=["GET"], operation_id=method.name,
                             name=method.name)
        router.add_api_route(path, endpoint, methods=["POST"], operation_id=method.name + FORM,
                             name=method.name)
    return router


def _endpoint(vendor: Gvp, method: Method):
    async def uniapi(request: Request, ctx: Ctx, body: RawBody):
        content_type = request.headers.get("content-type", "")
        params = Params.from_request(request.url.query, body, content_type)
        signed = SignedRequest(
            method=request.method,
            url=f"{ctx.base_url}{ctx.sent_path}",  # as signed: before routing's canonical case
            query_string=request.url.query,
            form_body=body.decode("utf-8", "replace")
            if body and "application/x-www-form-urlencoded" in content_type else None,
            authorization=request.headers.get("authorization"),
        )
        return ok(vendor.invoke(ctx, method, params, signed))  # on the loop: emulator/pipeline.py

    return uniapi
