"""HMAC-signed, expiring tokens: validation tokens and download/view links.

Format: base64url(JSON payload) "." base64url(HMAC-SHA256(key, purpose "." payload)). The
purpose is part of the MAC so a download link cannot be replayed as a validation token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

import orjson


class BadSignature(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, purpose: str, payload: dict) -> str:
    body = _b64(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS))
    mac = hmac.new(secret.encode(), f"{purpose}.{body}".encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(secret: str, purpose: str, token: str,
           now: float | Callable[[dict], float]) -> dict:
    """The payload of a genuine, unexpired token; BadSignature (with a reason) otherwise.

    `now` may be a function of the (verified) payload: a link names its sandbox, whose clock
    decides expiry."""
    body, dot, mac = token.partition(".")
    if not dot or not body or not mac:
        raise BadSignature("token is malformed")
    expected = hmac.new(secret.encode(), f"{purpose}.{body}".encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
        payload = orjson.loads(_unb64(body))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise BadSignature("token is malformed") from exc
    if not hmac.compare_digest(given, expected) or not isinstance(payload, dict):
        raise BadSignature("token signature is invalid")
    exp = payload.get("exp")
    if callable(now):
        now = now(payload)
    if not isinstance(exp, (int, float)) or now >= exp:
        raise BadSignature("token has expired")
    return payload


def peek(token: str) -> dict | None:
    """A token's payload WITHOUT checking it: for classification only (scenario matching),
    never for granting anything."""
    try:
        payload = orjson.loads(_unb64(token.partition(".")[0]))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) else None
