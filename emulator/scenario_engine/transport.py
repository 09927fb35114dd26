"""Transport faults: responses whose `send` misbehaves on the wire.

ASGI has no "reset this connection" message, so the socket's transport is found behind the
server's `send` (uvicorn's RequestResponseCycle holds it; Starlette's error middleware wraps
`send` in a closure). What a client then sees through uvicorn (httptools and h11 alike):

- connection_reset: SO_LINGER 0 + abort → RST → httpx.ReadError "Connection reset by peer"
- empty_response: close without a byte → httpx.RemoteProtocolError "Server disconnected..."
- truncated_body: headers promise N bytes, half arrive, then close → RemoteProtocolError
- malformed_body: a complete response whose JSON is cut and garbled → the client's parser fails
- slow_body: the real body dribbled in pieces over a duration (asyncio.sleep, non-blocking)

Under a server without a reachable transport (e.g. the in-process TestClient) reset and empty
raise ConnectionResetError instead, which such clients surface as a transport error too.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from emulator.http import CapturedResponse

NO_RESPONSE = 0  # journal status of a request that got no HTTP answer at all


def find_transport(send: Callable) -> Any | None:
    obj: Any = send
    for _ in range(8):
        transport = getattr(getattr(obj, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            return transport
        following = None
        for cell in getattr(obj, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if callable(value) and (hasattr(value, "__self__") or getattr(value, "__closure__", None)):
                following = value
                break
        if following is None:
            return None
        obj = following
    return None


class ConnectionReset(CapturedResponse):
    async def send(self, send) -> None:
        transport = find_transport(send)
        if transport is None:
            raise ConnectionResetError("connection reset (injected by a scenario)")
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:  # linger 0: close() sends RST instead of FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()
        await asyncio.sleep(0)  # let the server see the disconnect before the app returns


class EmptyResponse(CapturedResponse):
    async def send(self, send) -> None:
        transport = find_transport(send)
        if transport is None:
            raise ConnectionResetError("connection closed without a response (injected)")
        transport.close()
        await asyncio.sleep(0)


class TruncatedBody(CapturedResponse):
    async def send(self, send) -> None:
        body = self.body or b"{}"
        cut = max(1, len(body) // 2)
        await send({"type": "http.response.start", "status": self.status,
                    "headers": self.finalized_headers_for(len(body))})
        await send({"type": "http.response.body", "body": body[:cut], "more_body": True})
        transport = find_transport(send)
        if transport is None:
            raise ConnectionResetError("connection closed mid-body (injected)")
        transport.close()
        await asyncio.sleep(0)

    def finalized_headers_for(self, length: int) -> list[tuple[bytes, bytes]]:
        headers = [(k, v) for k, v in self.headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(length).encode()))
        return headers


class SlowBody(CapturedResponse):
    duration_ms: float = 2000
    chunks: int = 10
    sleep: Callable[[float], Awaitable[None]] = staticmethod(asyncio.sleep)

    async def send(self, send) -> None:
        body = self.body
        pieces = max(1, min(self.chunks, len(body) or 1))
        size = -(-len(body) // pieces) if body else 0
        pause = self.duration_ms / 1000 / pieces
        await send({"type": "http.response.start", "status": self.status,
                    "headers": self.finalized_headers()})
        for index in range(pieces):
            await self.sleep(pause)
            chunk = body[index * size:(index + 1) * size]
            await send({"type": "http.response.body", "body": chunk,
                        "more_body": index < pieces - 1})


def malformed(body: bytes) -> bytes:
    """A plausible but unparsable body: the real JSON cut short with stray bytes appended."""
    cut = body[: max(1, len(body) * 2 // 3)] if body else b"{"
    return cut + b'\x00,"<!--'


def convert(response: CapturedResponse, cls: type[CapturedResponse], **attrs) -> CapturedResponse:
    out = cls(response.status, list(response.headers), response.body)
    for key, value in attrs.items():
        setattr(out, key, value)
    return out
