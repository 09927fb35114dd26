"""/__admin/orders: every vendor's orders/purchases, one with its transition history, forcing.

Vendors describe their resources through the admin hooks of `Vendor` (admin_resources,
admin_resource, admin_force); the history is the lifecycle's TransitionRecord rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlmodel import col

from emulator.deps import Ctx, RuntimeDep
from emulator.errors import DomainError, InvalidTransition, NotFound
from emulator.lifecycle.machine import TransitionRecord, machines
from emulator.runtime import Runtime

router = APIRouter(prefix="/__admin/orders", tags=["admin"])


class Force(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["complete", "fail", "processing"] = Field(
        description="complete now, fail now (with message), or stay processing until forced")
    message: str | None = Field(None, max_length=300, description="failure message (fail)")


class Conflict(DomainError):
    status, name = 409, "Conflict"


def _vendor(runtime: Runtime, name: str):
    vendor = runtime.vendors.get(name)
    if vendor is None:
        raise NotFound(f"no vendor {name!r} (enabled: {', '.join(sorted(runtime.vendors))})")
    return vendor


def history(session, sandbox: str, vendor: str, resource: dict) -> list[dict]:
    """TransitionRecord rows of this resource, oldest first."""
    machine = f"{vendor}.{resource.get('kind')}"
    query = select(TransitionRecord).where(col(TransitionRecord.sandbox) == sandbox,
                                           col(TransitionRecord.resource_id) == str(resource["id"]))
    if machine in machines():
        query = query.where(col(TransitionRecord.machine) == machine)
    else:
        query = query.where(col(TransitionRecord.machine).startswith(f"{vendor}."))
    found = session.execute(query.order_by(col(TransitionRecord.at), col(TransitionRecord.id))).scalars()
    return [{"machine": r.machine, "from": r.from_state, "to": r.to_state, "at": r.at,
             "reason": r.reason} for r in found]


@router.get("", operation_id="admin_list_orders")
def list_orders(*, vendor: str | None = None, status: str | None = None, kind: str | None = None,
                runtime: RuntimeDep,
                ctx: Ctx) -> dict:
    chosen = [_vendor(runtime, vendor)] if vendor else list(runtime.vendors.values())
    found: list[dict] = []
    with runtime.db.write_session() as session:  # reading may progress lazy lifecycles
        for v in chosen:
            for item in v.admin_resources(session, ctx.sandbox):
                if status and item.get("status") != status:
                    continue
                if kind and item.get("kind") != kind:
                    continue
                found.append({"vendor": v.name, **item})
        session.commit()
    found.sort(key=_when, reverse=True)
    return {"sandbox": ctx.sandbox, "count": len(found), "orders": found}


def _when(item: dict) -> float:
    """created_at as epoch seconds for sorting: vendors give clock seconds or ISO 8601."""
    value = item.get("created_at")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0
    return 0.0


@router.get("/{vendor}/{resource_id}", operation_id="admin_get_order")
def get_order(vendor: str, resource_id: str, runtime: RuntimeDep,
              ctx: Ctx) -> dict:
    v = _vendor(runtime, vendor)
    with runtime.db.write_session() as session:
        item = v.admin_resource(session, ctx.sandbox, resource_id)
        if item is None:
            raise NotFound(f"{vendor} has no order or purchase {resource_id!r} in sandbox "
                           f"{ctx.sandbox!r}")
        session.commit()
        return {"vendor": vendor, **item, "transitions": history(session, ctx.sandbox, vendor, item)}


@router.post("/{vendor}/{resource_id}/force", operation_id="admin_force_order")
def force_order(vendor: str, resource_id: str, body: Force,
                runtime: RuntimeDep,
                ctx: Ctx) -> dict:
    v = _vendor(runtime, vendor)
    message = body.message or ("Order processing failed" if body.action == "fail" else None)
    with runtime.db.write_session() as session:
        try:
            item = v.admin_force(session, ctx.sandbox, resource_id, body.action, message,
                                 ctx.clock.time())
        except InvalidTransition as exc:
            session.rollback()
            raise Conflict(exc.message) from None
        session.commit()
        return {"vendor": vendor, **item, "transitions": history(session, ctx.sandbox, vendor, item)}
