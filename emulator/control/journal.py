"""/__admin/requests: the request journal of the caller's sandbox, newest first.

Filters combine with AND: vendor, operation, method, status (`502` or a class like `5xx`) and
rule (`<scenario>/<rule-id>`, or a scenario name for any of its rules). The journal itself is
capped at EMULATOR_JOURNAL_SIZE entries per sandbox; `limit` caps one answer.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Query
from starlette.responses import Response

from emulator.deps import Ctx, RuntimeDep
from emulator.errors import BadRequest

router = APIRouter(prefix="/__admin/requests", tags=["admin"])
_STATUS = re.compile(r"^(?:[0-9]{1,3}|[1-5]xx)$", re.IGNORECASE)


def _status_test(value: str | None):
    if value is None:
        return None
    if not _STATUS.match(value):
        raise BadRequest(f"status must be a code like 502 or a class like 5xx, not '{value}'")
    if value.lower().endswith("xx"):
        hundreds = int(value[0])
        return lambda status: status is not None and status // 100 == hundreds
    code = int(value)
    return lambda status: status == code


@router.get("", operation_id="admin_list_requests")
def list_requests(*,
    vendor: str | None = None,
    operation: str | None = None,
    method: str | None = None,
    status: str | None = Query(None, description="a code (502) or a class (5xx)"),
    rule: str | None = Query(None, description="<scenario>/<rule-id>, or a scenario name"),
    limit: int = Query(100, ge=1, le=100_000),
    runtime: RuntimeDep,
    ctx: Ctx,
) -> dict:
    status_ok = _status_test(status)
    method = method.upper() if method else None
    matched = []
    for entry in runtime.journal.entries(ctx.sandbox):
        if vendor is not None and entry.vendor != vendor:
            continue
        if operation is not None and entry.operation != operation:
            continue
        if method is not None and entry.method != method:
            continue
        if status_ok is not None and not status_ok(entry.status):
            continue
        if rule is not None and not any(r == rule or r.startswith(rule + "/") for r in entry.rules):
            continue
        matched.append(entry)
    return {"sandbox": ctx.sandbox, "total": len(matched), "capacity": runtime.journal.size,
            "requests": [entry.as_dict() for entry in matched[:limit]]}


@router.delete("", status_code=204, operation_id="admin_clear_requests")
def clear_requests(runtime: RuntimeDep,
                   ctx: Ctx) -> Response:
    runtime.journal.clear(ctx.sandbox)
    return Response(status_code=204)
