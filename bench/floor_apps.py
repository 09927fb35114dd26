"""The framework floors: the least a request can cost on the emulator's stack (bench/floors.py).

Three ASGI apps answering `GET /floor?order_id=N` with the same constant JSON body of about 250
bytes (an HL info answer's size), each served by uvicorn as `purchase-emulator serve` serves:

- `fastapi_app`: a FastAPI route with one validated query parameter (an int), returning the
  prebuilt bytes, no dependencies, no middleware;
- `starlette_app`: a plain Starlette route returning the same bytes;
- `asgi_app`: a raw ASGI callable sending the same bytes (and answering lifespan).
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "/floor"
BODY = json.dumps([{
    "order_id": 5001, "order_line_id": 1, "asset_id": 1000001, "status": "COMPLETED",
    "quantity": 1, "unit_price": 4.99, "line_item_price": 4.99, "country_code": "US",
    "created_at": "2026-01-01T00:00:00Z",
    "download_url": "https://hl.example/dl/5001/1?sig=012345678901",
}], separators=(",", ":")).encode()
MEDIA_TYPE = "application/json"

fastapi_app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@fastapi_app.get(PATH)
async def fastapi_floor(order_id: int) -> Response:
    return Response(BODY, media_type=MEDIA_TYPE)


async def _starlette_floor(request: Request) -> Response:
    return Response(BODY, media_type=MEDIA_TYPE)


starlette_app = Starlette(routes=[Route(PATH, _starlette_floor)])

_START = {"type": "http.response.start", "status": 200, "headers": [
    (b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(BODY)).encode())]}
_BODY = {"type": "http.response.body", "body": BODY}


async def asgi_app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(_START)
    await send(_BODY)


APPS = {"fastapi_app": "FastAPI route", "starlette_app": "Starlette route",
        "asgi_app": "raw ASGI"}
