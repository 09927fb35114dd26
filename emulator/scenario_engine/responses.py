"""Responses a rule can answer with: the vendor's own bodies, and gateway pages.

Vendor-specific shapes come only through the Vendor interface (error_response, region_blocked,
rate_limited), so a new vendor gets every effect without code here.
"""

from __future__ import annotations

from http import HTTPStatus

from emulator.http import CapturedResponse


def _vendor(runtime, view):
    vendor = runtime.vendors.get(view.vendor) if view.vendor else None
    return vendor or runtime.vendor_for_path(view.facts.path)


def vendor_error(runtime, view, code: int, message: str | None) -> CapturedResponse:
    """What the request's operation documents for `code` (the vendor's generic error shape for
    a status it does not document); `message` (the rule's) replaces the default text."""
    vendor = _vendor(runtime, view)
    if vendor is None:
        return CapturedResponse.json(code, {"detail": message or _phrase(code)})
    operation = view.ctx.operation
    if operation is not None and operation.vendor != vendor.name:
        operation = None
    return CapturedResponse.from_response(
        vendor.error_response(code, message, view.facts.path, operation))


def gateway_page(code: int) -> CapturedResponse:
    """What nginx-style load balancers answer when the upstream fails: HTML, not the API's JSON."""
    title = f"{code} {_phrase(code)}"
    body = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}"
            f"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()
    return CapturedResponse(code, [(b"content-type", b"text/html"), (b"server", b"nginx")], body)


def region_blocked(runtime, view, message: str) -> CapturedResponse:
    vendor = _vendor(runtime, view)
    if vendor is None or view.ctx.operation is None:
        return CapturedResponse.json(403, {"detail": message})
    return CapturedResponse.from_response(
        vendor.region_blocked(view.ctx.operation, message, view.facts.path))


def rate_limited(runtime, view, message: str, headers: dict[str, str]) -> CapturedResponse:
    vendor = _vendor(runtime, view)
    if vendor is None:
        return CapturedResponse.json(429, {"detail": message}, headers)
    response = CapturedResponse.from_response(
        vendor.rate_limited(message, headers, view.facts.path))
    for name, value in headers.items():  # a vendor envelope may drop them; the client needs them
        if response.header(name) is None:
            response.set_header(name, value)
    return response


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"
