"""/__admin/sandboxes and /__admin/reset: isolated worlds for parallel tests, and a way back.

A request's sandbox is its `X-Emulator-Sandbox` header (the default sandbox without one).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.responses import Response

from emulator.deps import Ctx, RuntimeDep

router = APIRouter(prefix="/__admin", tags=["admin"])


class NewSandbox(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | None = Field(None, description="choose the id (default: generated)")
    from_: str | None = Field(None, alias="from", description="a snapshot to start from")


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    all: StrictBool = Field(False, description="reset every sandbox, not just the request's")


@router.get("/sandboxes", operation_id="admin_list_sandboxes")
def list_sandboxes(runtime: RuntimeDep) -> dict:
    return {"sandboxes": runtime.control.listing(), "idle_seconds": runtime.settings.sandbox_idle_seconds}


@router.post("/sandboxes", status_code=201, operation_id="admin_create_sandbox")
def create_sandbox(*, body: NewSandbox | None = None, runtime: RuntimeDep) -> dict:
    body = body or NewSandbox()
    created = runtime.control.create(body.id, body.from_)
    created["header"] = {"X-Emulator-Sandbox": created["id"]}
    return created


@router.get("/sandboxes/{sandbox_id}", operation_id="admin_get_sandbox")
def get_sandbox(sandbox_id: str, runtime: RuntimeDep) -> dict:
    control = runtime.control
    return control.describe(control.get(sandbox_id))


@router.delete("/sandboxes/{sandbox_id}", status_code=204, operation_id="admin_delete_sandbox")
def delete_sandbox(sandbox_id: str, runtime: RuntimeDep) -> Response:
    runtime.control.delete(sandbox_id)
    return Response(status_code=204)


@router.post("/reset", operation_id="admin_reset")
def reset(*, body: ResetRequest | None = None, runtime: RuntimeDep,
          ctx: Ctx) -> dict:
    control = runtime.control
    if body is not None and body.all:
        return {"reset": control.reset_all()}
    control.reset(ctx.sandbox)
    return {"reset": [ctx.sandbox]}
