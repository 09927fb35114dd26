"""Serves the published contract, openapi.yaml, exactly as the root file holds it."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from starlette.responses import Response

from emulator.openapi import render_spec

router = APIRouter(tags=["admin"])


@lru_cache(maxsize=1)
def _spec_text() -> str:
    return render_spec()


@router.get("/openapi.yaml", include_in_schema=False)
def openapi_yaml() -> Response:
    return Response(_spec_text(), media_type="application/yaml")
