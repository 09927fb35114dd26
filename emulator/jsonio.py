"""Fast JSON responses (orjson): the emulator answers mostly small JSON documents."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


def dumps(content: Any) -> bytes:
    try:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        # A client can send lone UTF-16 surrogates ("\ud9e1" in JSON); echoed back in an
        # error message they are not valid UTF-8, so replace them instead of failing with 500.
        return orjson.dumps(_scrub(content), option=orjson.OPT_NON_STR_KEYS)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
