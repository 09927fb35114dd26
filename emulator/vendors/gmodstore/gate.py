"""What runs around every /api/v3 route: rate limit → authentication → scope.

GmodStore's wire protocol puts X-RateLimit-* on every answer, errors included, and throttles
before it authenticates (Laravel's order: unknown tokens are limited per client address). A
dependency cannot add headers to an error it did not raise, so this vendor wraps each handler
in its own APIRoute class (`gated_route(vendor)`); domain errors (and anything FastAPI would
have rendered itself) come out in GmodStore's envelope with the headers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from emulator.context import get_ctx
from emulator.errors import DomainError, Forbidden, RateLimited, ServerError, Unauthorized
from emulator.ratelimit import digest
from emulator.validation import describe_validation_errors
from emulator.vendors.gmodstore.errors import render_error, render_validation
from emulator.vendors.gmodstore.service import Principal
from emulator.vendors.gmodstore.settings import READ_SCOPE, WRITE_SCOPE

if TYPE_CHECKING:
    from emulator.vendors.gmodstore import GmodStore

log = logging.getLogger("emulator.gmodstore")

REQUIRED_SCOPE = {
    "create_product_purchase": WRITE_SCOPE,
    "update_product_purchase": WRITE_SCOPE,
    "list_product_purchases": READ_SCOPE,
    "get_product_purchase": READ_SCOPE,
}


def caller_key(token: str | None, client_ip: str | None) -> str:
    """Known tokens are limited per token; everything else per client address (like Laravel's
    throttle, which runs before authentication). The token itself is never stored."""
    if token:
        return "token:" + digest(token)
    return f"ip:{client_ip or 'unknown'}"


def bearer(header: str | None) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def principal_of(request: Request) -> Principal:
    """The caller the gate authenticated (routes take it as the `Caller` alias)."""
    return request.state.gms_principal


def gated_route(vendor: GmodStore) -> type[APIRoute]:
    """An APIRoute class whose handlers run behind `vendor`'s gate."""

    class GmodRoute(APIRoute):
        def get_route_handler(self) -> Callable:
            return _gate(vendor, super().get_route_handler(),
                         REQUIRED_SCOPE.get(self.operation_id or ""))

    return GmodRoute


def _gate(vendor: GmodStore, original: Callable, needed: str | None) -> Callable:
    async def handler(request: Request) -> Response:
        ctx = get_ctx(request)
        token = bearer(request.headers.get("authorization"))
        principal = vendor.principal(token)
        client_ip = request.client.host if request.client else None
        # on the event loop, as every vendor's database work (emulator/pipeline.py says why)
        quota = vendor.count_request(ctx, principal, client_ip)
        try:
            if quota.exceeded:
                raise RateLimited(
                    f"Too many requests: the limit is {quota.limit} per "
                    f"{vendor.settings.rate_window_seconds} seconds; retry after "
                    f"{quota.retry_after} seconds")
            if needed is not None:
                if principal is None:
                    raise Unauthorized(
                        "Unauthenticated: the bearer token is missing or invalid"
                        if token or request.headers.get("authorization") else
                        "Unauthenticated: send 'Authorization: Bearer <token>'",
                        headers={"WWW-Authenticate": "Bearer"})
                if needed not in principal.scopes:
                    raise Forbidden(f"This token is missing the required scope: {needed}")
            request.state.gms_principal = principal
            response = await original(request)
        except DomainError as exc:
            response = render_error(exc)
        except RequestValidationError as exc:  # defensive: routes parse input themselves
            response = render_validation(*describe_validation_errors(exc.errors()))
        except Exception:  # never a traceback, and still the rate-limit headers
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            response = render_error(ServerError("Internal server error"))
        for name, value in quota.headers().items():
            response.headers[name] = value
        return response

    return handler
