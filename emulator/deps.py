"""The dependency aliases every route uses (vendor and admin routes alike).

    async def route(ctx: Ctx, runtime: RuntimeDep, body: RawBody) -> ...

Every dependency here is `async def`: FastAPI runs a plain `def` dependency in its thread
pool, a thread hop per request that costs more than the route (emulator/pipeline.py says why
vendor work stays on the event loop). A vendor's own dependencies follow the same rule.

`Ctx` is the request context the pipeline built (sandbox, clock, operation, scenario facts);
`RuntimeDep` the app's live objects; `RawBody` the body as sent, for vendors that parse it
themselves (their own error envelope, authentication before validation). A vendor's caller
(the authenticated principal) is its own alias, declared beside its `build_router(vendor)`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from emulator.context import RequestContext, get_ctx
from emulator.runtime import Runtime


async def request_context(request: Request) -> RequestContext:
    return get_ctx(request)


async def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def raw_body(request: Request) -> bytes:
    return await request.body()


Ctx = Annotated[RequestContext, Depends(request_context)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
RawBody = Annotated[bytes, Depends(raw_body)]
