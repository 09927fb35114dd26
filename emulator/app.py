"""create_app(settings): the whole emulator, assembled in one place.

Order matters and is visible here: the runtime (state store, vendors, scenario engine, control
plane) → routes (each vendor's, then the admin API) → the operation index read off those
routes → error rendering → the request pipeline (emulator/pipeline.py) around everything.
Nothing here touches the database: start-up I/O runs in the lifespan (`Runtime.start`).
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from emulator import __version__
from emulator.control.routes import control_routers
from emulator.errors import DomainError, MethodNotAllowed, NotFound
from emulator.pipeline import EmulatorPipeline
from emulator.runtime import Runtime
from emulator.settings import CoreSettings
from emulator.validation import describe_validation_errors
from emulator.vendors.base import Vendor

log = logging.getLogger("emulator")


def create_app(settings: CoreSettings | None = None) -> FastAPI:
    """The app for `settings` (default: from the environment), serving the vendors its class
    was composed with (`emulator.settings.settings_class`; all registered ones by default)."""
    if settings is None:
        from emulator.settings import Settings

        settings = Settings()
    runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        runtime.start()  # migrations, seeding, scenarios, fixtures (a no-op if serve did it)
        threading.Thread(target=_warm, args=(runtime,), name="warm", daemon=True).start()
        yield
        runtime.journal.close()
        runtime.db.dispose()

    app = FastAPI(
        title="purchase-emulator",
        version=__version__,
        lifespan=lifespan,
        openapi_url=None,  # the published contract is openapi.yaml, served by control
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime

    routers: list[tuple[Vendor | None, APIRouter]] = [
        (vendor, router) for vendor in runtime.vendors.values() for router in vendor.routers()]
    routers += [(None, router) for router in control_routers()]
    for _, router in routers:
        # the routes themselves, not include_router: FastAPI 0.165 keeps an included router as
        # a lazy wrapper whose per-route matching was 11 % of an HL info request's CPU (py-spy,
        # wrk -c16); a vendor's routes carry their prefix and dependencies already
        app.router.routes.extend(router.routes)
    runtime.operations.build(routers)  # the same routes, in the same order

    _install_error_rendering(app, runtime)
    app.add_middleware(EmulatorPipeline, runtime=runtime)
    return app


def _warm(runtime: Runtime) -> None:
    for vendor in runtime.vendors.values():
        try:
            vendor.warm()
        except Exception:  # noqa: BLE001 - first use builds it again and reports the failure
            log.warning("warming %s failed", vendor.name, exc_info=True)


def _install_error_rendering(app: FastAPI, runtime: Runtime) -> None:
    """FastAPI's own 404/405/422 bodies never reach a client: each vendor renders its own."""

    def render(exc: DomainError, request: Request):
        from starlette.responses import Response

        captured = runtime.render_error(exc, request.url.path)
        return Response(captured.body, captured.status, headers={
            k.decode(): v.decode("latin-1") for k, v in captured.headers
            if k.lower() != b"content-length"
        })

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        return render(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        message, fields = describe_validation_errors(exc.errors())
        vendor = runtime.vendor_for_path(request.url.path)
        if vendor is None:
            from emulator.jsonio import JSONResponse

            return JSONResponse({"detail": message, "errors": fields}, status_code=422)
        return vendor.render_validation(message, fields, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:
            # RFC 9110 requires Allow on a 405; Starlette names only the first route matching
            # the path, so collect every route's methods (GET and POST may be separate routes)
            allowed = runtime.operations.allowed(request.url.path)
            return render(MethodNotAllowed(
                f"method {request.method} is not allowed on {request.url.path}",
                headers={"Allow": ", ".join(allowed)} if allowed else dict(exc.headers or {})),
                request)
        if exc.status_code == 404:
            return render(NotFound(f"no such endpoint: {request.method} {request.url.path}"),
                          request)
        error = DomainError(str(exc.detail))
        error.status = exc.status_code
        return render(error, request)

