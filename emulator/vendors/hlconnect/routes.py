"""HL Connect routes, thin: auth → wire model in → service → wire model out.

`build_router(vendor)`: one router per flavour, `live` at the root (token-based register,
validate endpoint) and `sandbox` under /sandbox (asset-based register, no validate), plus the
links and images the API hands out (files_routes.py). Bodies are parsed here rather than by
FastAPI so authentication is checked before the body (401 beats 422, as at HL).

No `from __future__ import annotations` here: FastAPI reads the routes' annotations, and the
caller aliases are local to `_flavour_router`, where a string could not be resolved.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from starlette.responses import Response

from emulator.deps import Ctx, RawBody
from emulator.errors import Forbidden, ServerError, Unauthorized, Unprocessable
from emulator.jsonio import JSONResponse
from emulator.validation import describe_validation_errors
from emulator.vendors.hlconnect.schemas import (
    INT64_MAX,
    PurchaseRegisterRequest,
    PurchaseValidateBeforePaymentRequest,
    SandboxPurchaseRegisterRequest,
)
from emulator.vendors.hlconnect.service import PRODUCTION, SANDBOX, Caller

if TYPE_CHECKING:
    from emulator.vendors.hlconnect import HLConnect

OrderId = Annotated[int, Query(ge=1, le=INT64_MAX)]


def build_router(vendor: "HLConnect") -> APIRouter:
    router = APIRouter()
    _add_flavour(router, vendor, "sandbox")
    _add_flavour(router, vendor, "live")
    return router


def _add_flavour(router: APIRouter, vendor: "HLConnect", flavour: str) -> None:
    prefix = "" if flavour == "live" else "/sandbox"
    environment = PRODUCTION if flavour == "live" else SANDBOX
    suffix = "" if flavour == "live" else "_sandbox"
    service = vendor.service
    tags: list = [f"hlconnect-{flavour}"]
    headers = {"X-Environment": environment}

    def caller_for(*, disabled_status: int) -> Callable[[Request], Caller]:
        async def dependency(request: Request) -> Caller:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                raise Unauthorized("Missing access token: send Authorization: Bearer <token>")
            account = vendor.settings.tokens.get(token)
            if account is None:
                raise Unauthorized("Invalid access token")
            if not account.enabled:
                if disabled_status == 403:
                    raise Forbidden("Vendor access check failed")
                raise Unauthorized("Invalid access token: the vendor account is disabled")
            return Caller(account=account.account, environment=environment)

        return dependency

    AuthCaller = Annotated[Caller, Depends(caller_for(disabled_status=401))]
    ListCaller = Annotated[Caller, Depends(caller_for(disabled_status=403))]

    def ok(status: int, content: object | None) -> Response:
        if content is None:
            return Response(status_code=status, headers=headers)
        return JSONResponse(content, status_code=status, headers=headers)

    @router.get(prefix + "/health", tags=tags, operation_id=f"connector_health{suffix}")
    async def health() -> Response:
        try:
            with vendor.runtime.db.read_session() as session:
                session.exec(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - reported as the documented 500
            raise ServerError("Health check failed: the database is unavailable") from None
        return ok(200, [{"name": "api", "health": True}, {"name": "database", "health": True},
                        {"name": "dam", "health": True}])

    @router.get(prefix + "/assets/list", tags=tags, operation_id=f"connector_assets_list{suffix}")
    async def assets_list(
        ctx: Ctx, caller: ListCaller,
        page_size: Annotated[int, Query(ge=1, le=vendor.settings.max_page_size)] = 20,
        last_id: Annotated[int | None, Query(ge=0, le=INT64_MAX)] = None,
    ) -> Response:
        return ok(200, service.list_assets(ctx, prefix, page_size, last_id))

    if flavour == "live":
        @router.post(prefix + "/purchase/validate-purchase-before-payment", tags=tags,
                     operation_id="connector_purchase_validate_purchase_before_payment")
        async def validate(ctx: Ctx, caller: AuthCaller, raw: RawBody) -> Response:
            body = _parse(PurchaseValidateBeforePaymentRequest, raw)
            return ok(200, service.validate(ctx, caller, body))

        @router.post(prefix + "/purchase/register", tags=tags,
                     operation_id="connector_purchase_register")
        async def register(ctx: Ctx, caller: AuthCaller, raw: RawBody) -> Response:
            service.register_live(ctx, caller, _parse(PurchaseRegisterRequest, raw))
            return ok(201, None)
    else:
        @router.post(prefix + "/purchase/register", tags=tags,
                     operation_id="connector_purchase_register_sandbox")
        async def register_sandbox(ctx: Ctx, caller: AuthCaller, raw: RawBody) -> Response:
            service.register_sandbox(ctx, caller, _parse(SandboxPurchaseRegisterRequest, raw))
            return ok(201, None)

    @router.get(prefix + "/purchase/info", tags=tags,
                operation_id=f"connector_purchase_info{suffix}")
    async def info(ctx: Ctx, caller: AuthCaller, order_id: OrderId) -> Response:
        status, content = service.info(ctx, caller, order_id)
        if status == 502:  # documented without X-Environment: it is an error
            return JSONResponse(content, status_code=502)
        return ok(status, content)

    @router.get(prefix + "/purchase/download-url", tags=tags,
                operation_id=f"connector_purchase_download_url{suffix}")
    async def download_url(ctx: Ctx, caller: AuthCaller, order_id: OrderId,
                           order_line_id: OrderId) -> Response:
        return ok(200, service.link(ctx, caller, order_id, order_line_id, "download"))

    @router.get(prefix + "/purchase/view-url", tags=tags,
                operation_id=f"connector_purchase_view_url{suffix}")
    async def view_url(ctx: Ctx, caller: AuthCaller, order_id: OrderId,
                       order_line_id: OrderId) -> Response:
        return ok(200, service.link(ctx, caller, order_id, order_line_id, "view"))

    @router.delete(prefix + "/purchase/cancel", tags=tags,
                   operation_id=f"connector_purchase_cancel{suffix}")
    async def cancel(ctx: Ctx, caller: AuthCaller, order_id: OrderId,
                     order_line_id: OrderId) -> Response:
        service.cancel(ctx, caller, order_id, order_line_id)
        return ok(201, None)


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body or b"")
    except ValidationError as exc:
        message, fields = describe_validation_errors(exc.errors())
        raise Unprocessable(f"Request validation failed: {message}", fields=fields) from None
