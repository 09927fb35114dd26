"""GVP's status envelope and how domain errors are rendered into it.

Every GVP answer is `{"StatusCode", "Severity", "StatusMessage", "Content"}`. A domain exception
is (by default) HTTP 200 carrying its numeric StatusCode and Severity 3; transport-level problems
(unknown endpoint, wrong HTTP method, body too large, rate limits, injected faults) keep their
HTTP status so clients and scenarios see what really happened.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from emulator.errors import (
    AmbiguousCredentials,
    DomainError,
    MethodNotAllowed,
    NotFound,
    RateLimited,
    Unprocessable,
)
from emulator.jsonio import dumps
from emulator.vendors.gvp.settings import GvpSettings

SEVERITY_OK, SEVERITY_WARNING, SEVERITY_ERROR = 1, 2, 3
MEDIA_TYPE = "application/json; charset=utf-8"

# Exceptions named on the wiki: StatusMessage is exactly the name. The others are the
# emulator's own, so their StatusMessage also says what went wrong.
WIKI_NAMED = frozenset({
    "AuthenticationRequired", "UserPurchasePinValueNoMatch", "InvalidPaymentType",
    "UserDoesNotHaveMandatorySubscription", "InvalidReturnOrCancelURL", "InsufficientBalance",
    "ProductDoesNotExist", "UserAlreadyHasProduct", "InvalidPricingModelForThisProduct",
    "PendingProductCanNotBePurchased", "ProductNotAvailableYet", "ProductExpired",
    "UserCantAcquire", "SubscriptionNotAvailableForPurchaseType",
    "WebpayIsntAvailableForRecurringPayment", "NoCreditsRegistered",
    "InvalidProductForInstance", "InvalidPricingModel", "InvalidTokenException",
    "InvalidUserException", "InvalidPinTypeException", "InvalidCharPinException",
    "UserPinNotRegisteredException", "UserPinIsDisabledException",
    "UserPinIsAlreadyDisabledException", "UserParentalPinValueNoMatchException",
    "UserHasNoRightsToThisProductException", "PurchaseNotFoundException",
    "NonRenewableUserRightException", "PurchaseAlreadyCancelledException",
    "PurchaseAlreadyInCancellingException", "PurchaseAlreadyInPendingOBCancellationException",
})


class GvpException(DomainError):
    """A named GVP exception; its StatusCode and HTTP status come from settings at render."""

    status, name = 200, "GvpException"

    def __init__(self, exception: str, detail: str | None = None) -> None:
        super().__init__(detail or exception)
        self.exception = exception


def envelope(content: Any = None, *, code: int = 0, severity: int = SEVERITY_OK,
             message: str = "OK") -> dict:
    return {"StatusCode": code, "Severity": severity, "StatusMessage": message, "Content": content}


def ok(content: Any, status: int = 200) -> Response:
    return Response(dumps(envelope(content)), status, media_type=MEDIA_TYPE)


def render(settings: GvpSettings, exc: DomainError, http_status: int | None = None) -> Response:
    """The envelope of `exc`, with its HTTP status (or `http_status`: an injected one)."""
    exception, classified = classify_error(settings, exc)
    http_status = http_status or classified
    code = settings.codes.get(exception, settings.codes.get("GenericError", 1))
    message = exception
    if exception not in WIKI_NAMED and exc.message and exc.message != exception:
        message = f"{exception}: {exc.message}"
    headers = dict(exc.headers)
    if exc.message:
        # the human explanation, also for wiki-named exceptions whose body carries the name only
        headers["X-Emulator-Detail"] = _header_safe(exc.message)
    body = envelope(None, code=code, severity=SEVERITY_ERROR, message=message)
    return Response(dumps(body), http_status, headers=headers, media_type=MEDIA_TYPE)


def classify_error(settings: GvpSettings, exc: DomainError) -> tuple[str, int]:
    """(exception name, HTTP status) for any domain error raised on a GVP path."""
    if isinstance(exc, GvpException):
        return exc.exception, domain_status(settings, exc.exception)
    if isinstance(exc, Unprocessable):
        name = "InvalidParameterException"
        return name, domain_status(settings, name)
    if isinstance(exc, NotFound):
        return "EndpointNotFoundException", 404
    if isinstance(exc, MethodNotAllowed):
        return "MethodNotAllowedException", 405
    if isinstance(exc, RateLimited) or exc.status == 429:
        return "TooManyRequestsException", 429
    if isinstance(exc, AmbiguousCredentials):  # two Authorization headers: a bad signature
        name = "InvalidSignatureException"
        return name, domain_status(settings, name)
    return "GenericError", exc.status


def injected(settings: GvpSettings, status: int, message: str) -> Response:
    """A scenario's injected HTTP status: the envelope of the exception the status stands for
    (those GVP's transport answers with it, as classify_error says; else the first exception
    the http_status mapping sends with it; else GenericError), with that HTTP status."""
    transport = next((cls for cls in (NotFound, MethodNotAllowed, RateLimited)
                      if cls.status == status), None)
    if transport is not None:
        exception = classify_error(settings, transport(""))[0]
    else:
        exception = next((name for name, code in settings.http_status.items() if code == status),
                         "GenericError")
    return render(settings, GvpException(exception, message), status)


def _header_safe(text: str) -> str:
    """Printable ASCII only: the detail may quote client input (no header injection)."""
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in text)[:500]


def domain_status(settings: GvpSettings, exception: str) -> int:
    if settings.http_status_mode == "mapped":
        return settings.http_status.get(exception, 200)
    return 200
