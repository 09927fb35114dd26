"""GET /__admin/metrics: Prometheus text exposition."""

from __future__ import annotations

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import Response

from emulator.deps import RuntimeDep

router = APIRouter(prefix="/__admin", tags=["admin"])


@router.get("/metrics", operation_id="admin_metrics")
def metrics(runtime: RuntimeDep) -> Response:
    return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)
