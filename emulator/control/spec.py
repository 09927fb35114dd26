"""Serves the contract of what this app serves: the merged fragments of its vendors (with every
bundled vendor enabled, exactly the root openapi.yaml)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from starlette.responses import Response

from emulator.deps import RuntimeDep
from emulator.openapi import render_spec
from emulator.vendors.base import Vendor

router = APIRouter(tags=["admin"])


@lru_cache(maxsize=8)
def _spec_text(vendors: tuple[tuple[str, type[Vendor]], ...]) -> str:
    return render_spec(dict(vendors))


@router.get("/openapi.yaml", include_in_schema=False)
def openapi_yaml(runtime: RuntimeDep) -> Response:
    vendors = tuple((name, type(vendor)) for name, vendor in runtime.vendors.items())
    return Response(_spec_text(vendors), media_type="application/yaml")
