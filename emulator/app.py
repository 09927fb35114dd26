"""create_app(settings): the whole emulator, assembled in one place.

Order matters and is visible here: state store → vendors → scenario engine → routes →
error rendering → the request pipeline (emulator/pipeline.py) around everything.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from emulator import __version__
from emulator.control import control_routers
from emulator.control.fixtures import load_startup_fixtures
from emulator.errors import DomainError, MethodNotAllowed, NotFound
from emulator.pipeline import EmulatorPipeline
from emulator.runtime import Runtime
from emulator.scenario_engine.build import build_engine
from emulator.settings import Settings
from emulator.validation import describe_validation_errors
from emulator.vendors.registry import vendor_classes

log = logging.getLogger("emulator")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = Runtime(settings)
    for name, cls in vendor_classes().items():
        if getattr(settings, name).enabled:
            runtime.add_vendor(cls(runtime))
    runtime.scenarios = build_engine(runtime)  # raises ScenarioError for a bad --scenario

    with runtime.db.startup_lock():  # replicas starting together take turns (PostgreSQL)
        runtime.db.migrate()  # Alembic; a no-op at head
        for vendor in runtime.vendors.values():
            vendor.on_startup()
        load_startup_fixtures(runtime)  # --fixtures: validated, the baseline of every sandbox

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
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

    for vendor in runtime.vendors.values():
        for router in vendor.routers():
            app.include_router(router)
    for router in control_routers(runtime):
        app.include_router(router)

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
            return render(MethodNotAllowed(
                f"method {request.method} is not allowed on {request.url.path}",
                headers=_allow(request, exc)), request)
        if exc.status_code == 404:
            return render(NotFound(f"no such endpoint: {request.method} {request.url.path}"),
                          request)
        error = DomainError(str(exc.detail))
        error.status = exc.status_code
        return render(error, request)


def _allow(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    from starlette.routing import Match

    # ask the router, method by method (routes may be nested in included routers)
    methods = [m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
               if any(route.matches({**request.scope, "method": m})[0] == Match.FULL
                      for route in request.app.router.routes)]
    return {"Allow": ", ".join(methods)} if methods else dict(exc.headers or {})
