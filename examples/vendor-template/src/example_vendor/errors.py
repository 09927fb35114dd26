"""The example vendor's error envelope: `{"error": {"code": "...", "message": "..."}}` with the
HTTP status of the emulator's domain error."""

from __future__ import annotations

import re

from starlette.responses import Response

from emulator.errors import DomainError
from emulator.jsonio import JSONResponse


def render(exc: DomainError) -> Response:
    code = re.sub(r"[^a-z]+", "_", exc.name.lower()).strip("_")  # "Not Found" -> not_found
    return JSONResponse({"error": {"code": code, "message": exc.message}},
                        status_code=exc.status, headers=exc.headers)
