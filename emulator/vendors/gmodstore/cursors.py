"""Opaque, signed keyset cursors.

A cursor is base64url(JSON position) + "." + HMAC. The position is the (created_at, pk) of
the row a page starts after (next) or before (prev), and the cursor is bound to the sandbox,
product and filters it was issued for: a cursor from another listing is refused (400) rather
than silently answering a different question.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from emulator.errors import DomainError


class CursorError(DomainError):
    status, name = 400, "Bad Request"


@dataclass(frozen=True)
class Position:
    created_at: float
    pk: int
    direction: str  # "next": rows after the position; "prev": rows before it


class CursorCodec:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("gmodstore-cursor:" + secret).encode()).digest()

    def _scope(self, sandbox: str, product: str, filters: dict) -> str:
        return json.dumps([sandbox, product, sorted(filters.items())], separators=(",", ":"),
                          default=str)

    def _sign(self, payload: bytes, scope: str) -> str:
        mac = hmac.new(self._key, payload + b"|" + scope.encode(), hashlib.sha256).digest()
        return _b64(mac[:16])

    def encode(self, position: Position, *, sandbox: str, product: str, filters: dict) -> str:
        payload = json.dumps([position.direction[0], position.created_at, position.pk],
                             separators=(",", ":")).encode()
        return f"{_b64(payload)}.{self._sign(payload, self._scope(sandbox, product, filters))}"

    def decode(self, cursor: str, *, sandbox: str, product: str, filters: dict) -> Position:
        invalid = CursorError("The cursor is invalid: pass back a cursor exactly as a list "
                              "response returned it", fields={"cursor": ["is invalid"]})
        body, dot, signature = cursor.partition(".")
        if not dot or not body or len(cursor) > 512:
            raise invalid
        try:
            payload = _unb64(body)
            direction, created_at, pk = json.loads(payload)
        except (ValueError, TypeError):
            raise invalid from None
        if not (direction in ("n", "p") and isinstance(created_at, (int, float))
                and not isinstance(created_at, bool) and isinstance(pk, int)
                and not isinstance(pk, bool)):
            raise invalid
        expected = self._sign(payload, self._scope(sandbox, product, filters))
        if not hmac.compare_digest(expected, signature):
            raise CursorError("The cursor belongs to a different listing (another product or "
                              "other filters): start again without a cursor",
                              fields={"cursor": ["does not belong to this listing"]})
        return Position(float(created_at), pk, "next" if direction == "n" else "prev")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, base64.binascii.Error):
        raise ValueError("not base64url") from None
