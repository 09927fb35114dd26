"""GmodStore's error envelope: `{"message": ...}`, plus `"errors": {field: [problem]}` for
invalid input (always 400 here, as the SDK documents "400 Improperly formatted request")."""

from __future__ import annotations

from starlette.responses import Response

from emulator.errors import DomainError, Unprocessable
from emulator.jsonio import JSONResponse


def render_error(exc: DomainError, headers: dict[str, str] | None = None) -> Response:
    status = 400 if isinstance(exc, Unprocessable) else exc.status
    body: dict = {"message": exc.message}
    if exc.fields:
        body["errors"] = {name: list(problems) for name, problems in exc.fields.items()}
    merged = {**exc.headers, **(headers or {})}
    return JSONResponse(body, status_code=status, headers=merged)


def render_validation(message: str, fields: dict[str, list[str]]) -> Response:
    exc = DomainError(message or "The given data was invalid.", fields=fields)
    return render_error(exc)
