"""Readiness: answers 200 once the app is serving (schema created, vendors seeded)."""

from __future__ import annotations

import time

from fastapi import APIRouter

from emulator import __version__
from emulator.deps import RuntimeDep

router = APIRouter(prefix="/__admin", tags=["admin"])


@router.get("/health", operation_id="admin_health")
def health(runtime: RuntimeDep) -> dict:
    return {
        "status": "ok",
        "version": __version__,
        "vendors": sorted(runtime.vendors),
        "uptime_seconds": round(time.time() - runtime.started_at, 3),
    }
