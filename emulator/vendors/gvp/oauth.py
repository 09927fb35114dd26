"""OAuth 1.0 two-legged HMAC-SHA1 request signing, verified with oauthlib.

GVP signs every call with a consumer key/secret and an empty token secret (reference §1). The
signature base string (parameter collection, normalisation, base URI) comes from oauthlib's
RFC 5849 implementation rather than our own code. Parameters may arrive in the query string,
a form body or an `Authorization: OAuth ...` header, as RFC 5849 allows; a form body is part of
the base string (the RFC rule; the wiki's JavaScript example signs GET URLs only).

Modes: off (ignore), lenient (verify a signature when one is present), strict (require one, with
|now - oauth_timestamp| <= max skew on the sandbox clock and a nonce never used before).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from oauthlib.oauth1.rfc5849 import signature as rfc5849
from oauthlib.oauth1.rfc5849.utils import parse_authorization_header
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.models import GvpNonce
from emulator.vendors.gvp.settings import GvpSettings


@dataclass
class SignedRequest:
    method: str
    url: str                      # scheme://host/path as the client addressed it
    query_string: str
    form_body: str | None         # a urlencoded body, when there is one
    authorization: str | None


def oauth_params(request: SignedRequest) -> dict[str, str]:
    """The oauth_* parameters, wherever the client put them."""
    found: dict[str, str] = {}
    try:
        pairs = rfc5849.collect_parameters(
            uri_query=request.query_string, body=request.form_body or "",
            headers=_auth_headers(request), exclude_oauth_signature=False)
    except (ValueError, TypeError):
        raise GvpException("InvalidSignatureException",
                           "the request parameters are not properly URL-encoded") from None
    for key, value in pairs:
        if key.startswith("oauth_"):
            found[key] = value
    return found


def verify(settings: GvpSettings, session, sandbox: str, now: float,
           request: SignedRequest) -> None:
    """Raise the GVP exception for a request whose signature is missing or wrong."""
    if settings.oauth_mode == "off":
        return
    if not _mentions_signature(request):
        if settings.oauth_mode == "strict":
            raise GvpException("InvalidSignatureException",
                               "this request must be signed with OAuth 1.0 (HMAC-SHA1)")
        return  # lenient: an unsigned request is not parsed the strict RFC 5849 way at all
    params = oauth_params(request)
    if "oauth_signature" not in params:
        raise GvpException("InvalidSignatureException", "oauth_signature is empty")
    key = params.get("oauth_consumer_key", "")
    secret = settings.consumers.get(key)
    if secret is None:
        raise GvpException("InvalidConsumerKeyException", f"unknown oauth_consumer_key '{key}'")
    method = params.get("oauth_signature_method", "")
    if method != "HMAC-SHA1":
        raise GvpException("InvalidSignatureException",
                           f"oauth_signature_method must be HMAC-SHA1, got '{method}'")
    if not _signature_matches(request, secret, params["oauth_signature"]):
        raise GvpException("InvalidSignatureException",
                           "oauth_signature does not match the request (HMAC-SHA1 over the "
                           "RFC 5849 base string, key '<consumer secret>&')")
    if settings.oauth_mode == "strict":
        _check_timestamp(settings, params.get("oauth_timestamp", ""), now)
        _use_nonce(session, sandbox, key, params.get("oauth_nonce", ""), now,
                   settings.oauth_max_skew_seconds)


def _mentions_signature(request: SignedRequest) -> bool:
    if "oauth_signature" in (request.authorization or "") and \
            (request.authorization or "").lower().startswith("oauth "):
        return True
    pairs = parse_qsl(request.query_string, keep_blank_values=True)
    pairs += parse_qsl(request.form_body or "", keep_blank_values=True)
    return any(key == "oauth_signature" for key, _ in pairs)


def _signature_matches(request: SignedRequest, secret: str, given: str) -> bool:
    params = rfc5849.collect_parameters(
        uri_query=request.query_string, body=request.form_body or "",
        headers=_auth_headers(request), exclude_oauth_signature=True, with_realm=False)
    base = rfc5849.signature_base_string(
        request.method.upper(), rfc5849.base_string_uri(request.url),
        rfc5849.normalize_parameters(params))
    expected = rfc5849.sign_hmac_sha1(base, secret, "")
    return rfc5849.safe_string_equals(expected, given)


def _check_timestamp(settings: GvpSettings, value: str, now: float) -> None:
    try:
        stamp = int(value)
    except ValueError:
        raise GvpException("InvalidTimestampException",
                           "oauth_timestamp must be a Unix time in seconds") from None
    skew = abs(now - stamp)
    if skew > settings.oauth_max_skew_seconds:
        raise GvpException(
            "InvalidTimestampException",
            f"oauth_timestamp is {int(skew)} s away from the server clock (limit "
            f"{settings.oauth_max_skew_seconds} s); call GetTime and sign with its Content")


def _use_nonce(session, sandbox: str, key: str, nonce: str, now: float, window: int) -> None:
    if not nonce:
        raise GvpException("InvalidSignatureException", "oauth_nonce is required")
    # nonces older than twice the timestamp window can never be replayed (their timestamp would
    # be rejected), so they are pruned to keep the table small
    session.execute(delete(GvpNonce).where(GvpNonce.sandbox == sandbox,
                                           GvpNonce.seen_at < now - 2 * window))
    try:
        with session.begin_nested():
            session.add(GvpNonce(sandbox=sandbox, consumer_key=key, nonce=nonce[:200], seen_at=now))
    except IntegrityError:
        raise GvpException("NonceAlreadyUsedException",
                           "this oauth_nonce was already used; sign each request afresh") from None


def _auth_headers(request: SignedRequest) -> dict[str, str]:
    value = request.authorization or ""
    if not value.lower().startswith("oauth "):
        return {}
    try:
        parse_authorization_header(value)
    except (ValueError, IndexError):
        raise GvpException("InvalidSignatureException",
                           "the Authorization: OAuth header is malformed") from None
    return {"Authorization": value}
