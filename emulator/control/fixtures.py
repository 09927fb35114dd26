"""POST /__admin/fixtures: a fixture document loaded into the request's sandbox."""

from __future__ import annotations

from fastapi import APIRouter, Request

from emulator.control.fixture_docs import FixtureError, apply_fixtures, parse_text
from emulator.deps import Ctx, RuntimeDep
from emulator.errors import Unprocessable

router = APIRouter(prefix="/__admin", tags=["admin"])


@router.post("/fixtures", operation_id="admin_load_fixtures")
async def load_fixtures(request: Request, runtime: RuntimeDep, ctx: Ctx) -> dict:
    """A JSON object (or a YAML document) of fixtures, loaded into the request's sandbox."""
    text = (await request.body()).decode("utf-8", "replace")
    try:
        data = parse_text(text, "request body", allow_empty=False)
        added = apply_fixtures(runtime, ctx.sandbox, data, "request body")
    except FixtureError as exc:
        raise Unprocessable(str(exc)) from None
    return {"sandbox": ctx.sandbox, "vendors": sorted(data), "rows_added": added}
