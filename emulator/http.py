"""Plain data about one HTTP exchange, shared by the pipeline, scenario engine and journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

import orjson

from emulator.jsonio import dumps


@dataclass
class RequestFacts:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]  # lower-case names; the last value wins
    body: bytes
    client_ip: str | None = None

    @cached_property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    @cached_property
    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        if not self.body:
            return None
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None

    @cached_property
    def form(self) -> dict[str, str]:
        if "application/x-www-form-urlencoded" not in self.headers.get("content-type", ""):
            return {}
        return dict(parse_qsl(self.body.decode("latin-1"), keep_blank_values=True))

    @cached_property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None

    @cached_property
    def credential(self) -> str | None:
        """A bearer token, else a `token` parameter (query or form), as session-token APIs
        pass theirs: the default `ScenarioFacts.caller_token`."""
        if self.bearer:
            return self.bearer
        for source in (self.query, self.form):
            for key, value in source.items():
                if key.lower() == "token" and value:
                    return value
        return None


@dataclass
class CapturedResponse:
    """A response buffered by the pipeline so effects can inspect or replace it."""

    status: int
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def from_response(cls, response) -> CapturedResponse:
        return cls(response.status_code, list(response.raw_headers), response.body)

    @classmethod
    def json(cls, status: int, content: Any, headers: dict[str, str] | None = None) -> CapturedResponse:
        captured = cls(status, [(b"content-type", b"application/json")], dumps(content))
        for name, value in (headers or {}).items():
            captured.set_header(name, value)
        return captured

    def header(self, name: str) -> str | None:
        key = name.lower().encode()
        for k, v in self.headers:
            if k.lower() == key:
                return v.decode("latin-1")
        return None

    def set_header(self, name: str, value: str) -> None:
        key = name.lower().encode()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != key]
        self.headers.append((key, value.encode("latin-1")))

    def finalized_headers(self) -> list[tuple[bytes, bytes]]:
        headers = [(k, v) for k, v in self.headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body)).encode()))
        return headers

    async def send(self, send) -> None:
        """Deliver to an ASGI `send`. Transport-fault effects override this."""
        await send({"type": "http.response.start", "status": self.status,
                    "headers": self.finalized_headers()})
        await send({"type": "http.response.body", "body": self.body})
