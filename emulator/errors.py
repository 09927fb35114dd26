"""Vendor-neutral domain errors.

Services raise these; each vendor's `errors.py` renders them into that vendor's envelope at the
edge. `status` is the HTTP status a REST vendor would use; vendors may map differently (GVP
answers most errors with HTTP 200 and a numeric StatusCode carried in `code`).
"""

from __future__ import annotations


class DomainError(Exception):
    status: int = 400
    name: str = "Bad Request"

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.headers = headers or {}


class BadRequest(DomainError):
    status, name = 400, "Bad Request"


class Unauthorized(DomainError):
    status, name = 401, "Unauthorized"


class AmbiguousCredentials(Unauthorized):
    """Several credentials where one is expected (e.g. two Authorization headers)."""


class Forbidden(DomainError):
    status, name = 403, "Forbidden"


class NotFound(DomainError):
    status, name = 404, "Not Found"


class MethodNotAllowed(DomainError):
    status, name = 405, "Method Not Allowed"


class Duplicate(DomainError):
    status, name = 409, "Conflict"


class PayloadTooLarge(DomainError):
    status, name = 413, "Payload Too Large"


class Unprocessable(DomainError):
    status, name = 422, "Unprocessable Entity"


class RateLimited(DomainError):
    status, name = 429, "Too Many Requests"


class InvalidTransition(DomainError):
    """A lifecycle transition that the resource's state machine does not allow."""

    status, name = 400, "Bad Request"

    def __init__(self, resource: str, current: str, target: str) -> None:
        super().__init__(f"{resource} cannot move from {current} to {target}")
        self.resource, self.current, self.target = resource, current, target


class ServerError(DomainError):
    status, name = 500, "Internal Server Error"
