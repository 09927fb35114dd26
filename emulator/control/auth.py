"""Admin token protection for everything under /__admin (EMULATOR_ADMIN_TOKEN).

Checked by the pipeline before routing, so it covers every admin route, present or future.
Accepted: `Authorization: Bearer <token>`, `X-Emulator-Admin-Token: <token>`, or the dashboard's
cookie (set by opening `/__admin/ui?token=<token>` once). `/__admin/health` stays open so
orchestrators can probe readiness without a secret. Vendor paths never look at this token.
"""

from __future__ import annotations

import hashlib
import hmac

from emulator.http import CapturedResponse

COOKIE = "emulator_admin"
OPEN_PATHS = frozenset({"/__admin/health"})
UI_PATH = "/__admin/ui"


def cookie_value(settings) -> str:
    """What the dashboard cookie holds: a keyed digest of the token, not the token itself."""
    return hmac.new(settings.secret_key.encode(), (settings.admin_token or "").encode(),
                    hashlib.sha256).hexdigest()


def _cookie(headers: dict[str, str]) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


def token_matches(settings, presented: str | None) -> bool:
    expected = settings.admin_token or ""
    if not presented:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


def query_token(query_string: str) -> str | None:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query_string)).get("token")


def admin_denied(settings, method: str, path: str, headers: dict[str, str],
                 query_string: str = "") -> CapturedResponse | None:
    """None when the request may proceed, else the 401 answer."""
    if not settings.admin_token or path in OPEN_PATHS:
        return None
    scheme, _, bearer = headers.get("authorization", "").partition(" ")
    candidates = [headers.get("x-emulator-admin-token")]
    if scheme.lower() == "bearer":
        candidates.append(bearer.strip())
    if method == "GET" and path == UI_PATH:  # the dashboard's one-time login link
        candidates.append(query_token(query_string))
    if any(token_matches(settings, c) for c in candidates):
        return None
    cookie = _cookie(headers)
    if cookie and hmac.compare_digest(cookie.encode(), cookie_value(settings).encode()):
        return None
    presented = any(candidates) or cookie
    detail = ("invalid admin token" if presented else
              "admin token required: send 'Authorization: Bearer <token>' or "
              "'X-Emulator-Admin-Token: <token>'")
    return CapturedResponse.json(401, {"detail": detail}, {
        "www-authenticate": 'Bearer realm="purchase-emulator admin"'})
