"""The request pipeline, in order, on one screen.

    request id → admin token → method (405) → sandbox → operation → body (size limit) →
    scenario `before` (latency, short-circuit faults) → vendor route (auth → service →
    lifecycle → commit) → scenario `after` (after-commit failures, overrides, transport
    faults) → the vendor's standing headers → request id and rule headers → journal

A pure ASGI middleware (not BaseHTTPMiddleware): the body is read once and replayed, the
response is buffered so effects can replace it, and an unexpected exception becomes the
vendor's own 500 envelope instead of a traceback.

Vendor routes are `async` and do their database work on the event loop: each call is one short
transaction (well under a millisecond on SQLite) that never spans an `await`, so a thread
hop per request would cost more than the work. Worker threads also came and went with the
thread pool's idle timeout, and their malloc arenas made RSS creep in the 30-minute soak.
The journal has its one writer thread (emulator/journal.py).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from emulator.clock import checked_in_request
from emulator.context import RequestContext
from emulator.control.auth import admin_denied
from emulator.control.models import DEFAULT_SANDBOX
from emulator.control.sandbox_header import malformed_message, sandbox_named
from emulator.errors import (
    AmbiguousCredentials,
    BadRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServerError,
)
from emulator.http import CapturedResponse, RequestFacts
from emulator.journal import JournalEntry
from emulator.operations import ADMIN_PREFIX
from emulator.runtime import Runtime

log = logging.getLogger("emulator.request")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNJOURNALED = ("/__admin", "/openapi.yaml", "/openapi.json", "/docs", "/favicon.ico")


class EmulatorPipeline:
    def __init__(self, app, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.runtime.started:  # a server or test harness that skipped the lifespan
            self.runtime.start()
        checked = checked_in_request.set(set())  # each sandbox's clock checked once a request
        try:
            await self._handle(scope, receive, send)
        finally:
            checked_in_request.reset(checked)

    async def _handle(self, scope, receive, send) -> None:
        rt = self.runtime
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        routed = rt.route_path(path)  # a vendor's canonical spelling (e.g. case-insensitive)
        if routed != path:
            scope = {**scope, "path": routed}
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        request_id = headers.get("x-request-id", "")
        if not _SAFE_ID.match(request_id):
            request_id = uuid.uuid4().hex
        # admin token first (emulator/control/auth.py), then the method (an undeclared one is
        # 405 whatever the sandbox), then the sandbox: well-formed (→ 400) and existing (→ 404)
        denied = admin_denied(rt.settings, method, path, headers,
                              scope.get("query_string", b"").decode("latin-1")) \
            if path.startswith(ADMIN_PREFIX) else None
        # the Allow list only matters for a method the path does not declare
        undeclared = not rt.operations.serves(method, routed) and bool(
            allowed := rt.operations.allowed(routed))
        sandbox = sandbox_named(headers)
        exists = denied is None and sandbox is not None and rt.control.resolve(sandbox)
        ctx = RequestContext(
            request_id=request_id,
            sandbox=sandbox or headers.get("x-emulator-sandbox", ""),
            clock=rt.clocks.get(sandbox if exists and sandbox else DEFAULT_SANDBOX),
            base_url=rt.settings.public_url or _base_url(scope, headers),
            operation=rt.operations.match(method, routed),
            sent_path=path,
        )
        scope.setdefault("state", {})["ctx"] = ctx
        if not exists:  # not journaled: no journal grows for a sandbox that is not there
            ctx.extra["no_sandbox"] = True

        body, too_large = await _read_body(receive, rt.settings.max_body_bytes)
        client = scope.get("client")
        facts = RequestFacts(
            method, path, scope.get("query_string", b"").decode("latin-1"), headers, body,
            client[0] if client else None,
        )

        response: CapturedResponse | None = None
        if denied is not None:
            response = denied
        elif undeclared:
            response = rt.render_error(MethodNotAllowed(
                f"method {method} is not allowed on {path}",
                headers={"Allow": ", ".join(allowed)}), path)
        elif sandbox is None:
            response = rt.render_error(BadRequest(malformed_message()), path)
        elif not exists:
            response = rt.render_error(NotFound(f"unknown sandbox {sandbox!r}: create it with "
                                                "POST /__admin/sandboxes"), path)
        elif too_large:
            response = rt.render_error(PayloadTooLarge(
                f"request body exceeds the limit of {rt.settings.max_body_bytes} bytes"), path)
        elif sum(k.lower() == b"authorization" for k, _ in scope["headers"]) > 1:
            # servers disagree on which of several Authorization headers counts (first, last,
            # joined): refuse the ambiguity rather than pick one
            response = rt.render_error(AmbiguousCredentials(
                "send one Authorization header, not several"), path)
        elif not path.startswith(ADMIN_PREFIX):
            response = await rt.scenarios.before(ctx, facts)

        if response is None:
            response = await self._call_app(scope, receive, body, path, ctx)
            if not path.startswith(ADMIN_PREFIX):
                response = await rt.scenarios.after(ctx, facts, response)

        vendor = rt.vendor_for_path(path)
        if vendor is not None:
            for name, value in vendor.standing_headers(ctx, facts, response).items():
                if response.header(name) is None:
                    response.set_header(name, value)
        response.set_header("x-request-id", request_id)
        if ctx.rules:
            response.set_header("x-emulator-rule", ",".join(ctx.rules))
        await self._record(ctx, facts, response, started)
        try:
            await response.send(send)
        finally:
            self._observe(ctx, facts, response, started)

    async def _call_app(self, scope, receive, body: bytes, path: str,
                        ctx: RequestContext) -> CapturedResponse:
        sent_body = False

        async def replay():
            # The body was already read: hand it over once, then pass on the real channel so
            # the app only sees `http.disconnect` when the client really went away.
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        captured = CapturedResponse(500)
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                captured.status = message["status"]
                captured.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, replay, capture)
        except Exception:  # the vendor's 500 envelope, never a traceback on the wire
            log.exception("unhandled error in %s %s (request %s)", scope["method"],
                          self.runtime.redactor.path(path), ctx.request_id)
            return self.runtime.render_error(ServerError("Internal server error"), path)
        captured.body = b"".join(chunks)
        return captured

    def _observe(self, ctx: RequestContext, facts: RequestFacts, response: CapturedResponse,
                 started: float) -> None:
        op = ctx.operation
        elapsed = time.perf_counter() - started
        self.runtime.metrics.observe(op.vendor if op else None, op.operation_id if op else None,
                                     response.status, elapsed, ctx.rules)
        shown_path = self.runtime.redactor.path(facts.path)
        log.info("%s %s -> %s", facts.method, shown_path, response.status, extra={"fields": {
            "request_id": ctx.request_id, "sandbox": ctx.sandbox,
            "vendor": op.vendor if op else None, "operation": op.operation_id if op else None,
            "status": response.status, "duration_ms": round(elapsed * 1000, 3),
            "rules": ctx.rules,
        }})

    async def _record(self, ctx: RequestContext, facts: RequestFacts, response: CapturedResponse,
                      started: float) -> None:
        """Journal the exchange before answering: once a client has its response, every
        process sharing the database lists it (emulator/journal.py)."""
        if facts.path.startswith(UNJOURNALED) or ctx.extra.get("no_sandbox"):
            return
        op = ctx.operation
        elapsed = time.perf_counter() - started
        body = facts.json if facts.json is not None else (
            facts.form or facts.body[:2048].decode("utf-8", "replace") or None)
        redactor = self.runtime.redactor
        entry = JournalEntry(
            id=0,  # numbered by the database
            at=ctx.clock.time(),
            request_id=ctx.request_id,
            sandbox=ctx.sandbox,
            method=facts.method,
            path=redactor.path(facts.path),  # a signed link is a capability
            query=redactor.mapping(facts.query),
            headers=redactor.header_map(facts.headers.items()),
            body=redactor.value(body),
            vendor=op.vendor if op else None,
            operation=op.operation_id if op else None,
            flavour=op.flavour if op else None,
            status=response.status,
            code=self.runtime.vendors[op.vendor].answer_code(op.operation_id, response.status,
                                                             response.body) if op else None,
            duration_ms=round(elapsed * 1000, 3),
            rules=list(ctx.rules),
            effects=list(ctx.effects),
        )
        try:  # a database write: off the event loop, batched with concurrent requests' entries
            await self.runtime.journal.submit(entry)
        except Exception:  # the state store's trouble is logged there; the answer still goes
            log.warning("request %s not journaled", ctx.request_id, exc_info=True)


async def _read_body(receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    more = True
    too_large = False
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            too_large = True  # keep draining so the client is not left writing
            chunks.clear()
        elif not too_large:
            chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks), too_large


def _base_url(scope, headers: dict[str, str]) -> str:
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"
