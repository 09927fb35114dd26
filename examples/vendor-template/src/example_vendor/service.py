"""The example shop's rules: orders start `pending`, become `fulfilled` on the virtual clock,
and can be cancelled while pending.

Time is the sandbox's clock (`ctx.now()`), never the wall clock; fulfilment is evaluated
lazily when an order is read, so no background worker runs and a frozen clock freezes it.
Every change goes through the state machine, which records the transition (lifecycle
coverage, the admin order history).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, func, select

from emulator.context import RequestContext
from emulator.db import Database
from emulator.errors import Duplicate, InvalidTransition, NotFound, Unprocessable
from emulator.lifecycle import StateMachine
from emulator.validation import describe_validation_errors
from example_vendor.models import ExampleOrder

MACHINE = StateMachine("example.order", initial="pending",
                       transitions={"pending": {"fulfilled", "cancelled"}})


class NewOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    buyer: str = Field(min_length=1, max_length=64)


def parse_new_order(body: bytes) -> NewOrder:
    try:
        return NewOrder.model_validate_json(body or b"")
    except ValidationError as exc:
        message, fields = describe_validation_errors(exc.errors())
        raise Unprocessable(message, fields=fields) from None


def view(order: ExampleOrder) -> dict[str, Any]:
    return {"id": order.id, "sku": order.sku, "buyer": order.buyer, "status": order.status,
            "created_at": order.created_at}


def find(session: Session, sandbox: str, order_id: str) -> ExampleOrder:
    order = session.exec(select(ExampleOrder).where(
        ExampleOrder.sandbox == sandbox, ExampleOrder.id == order_id)).first()
    if order is None:
        raise NotFound(f"no order {order_id!r}")
    return order


def settle(session: Session, order: ExampleOrder, now: float) -> ExampleOrder:
    """Fulfil a pending order whose time has come (at the instant it was due)."""
    if order.status == "pending" and order.fulfil_at is not None and now >= order.fulfil_at:
        MACHINE.apply(session, order, "fulfilled", sandbox=order.sandbox, resource_id=order.id,
                      at=order.fulfil_at, reason="fulfilment due")
    return order


class OrderService:
    def __init__(self, db: Database, fulfil_after: float) -> None:
        self.db = db
        self.fulfil_after = fulfil_after

    def create(self, ctx: RequestContext, new: NewOrder) -> dict[str, Any]:
        now = ctx.now()
        with self.db.write_session() as session:
            count = session.exec(select(func.count()).select_from(ExampleOrder).where(
                ExampleOrder.sandbox == ctx.sandbox)).one()
            order = ExampleOrder(sandbox=ctx.sandbox, id=f"ord_{count + 1}", sku=new.sku,
                                 buyer=new.buyer, status="", created_at=now,
                                 fulfil_at=now + self.fulfil_after)
            MACHINE.start(session, order, sandbox=ctx.sandbox, resource_id=order.id, at=now)
            session.add(order)
            session.commit()
            return view(order)

    def get(self, ctx: RequestContext, order_id: str) -> dict[str, Any]:
        with self.db.write_session() as session:
            order = settle(session, find(session, ctx.sandbox, order_id), ctx.now())
            session.commit()
            return view(order)

    def cancel(self, ctx: RequestContext, order_id: str) -> dict[str, Any]:
        with self.db.write_session() as session:
            order = settle(session, find(session, ctx.sandbox, order_id), ctx.now())
            if order.status != "pending":
                raise Duplicate(f"order {order_id} is {order.status}: only a pending order "
                                "can be cancelled")
            MACHINE.apply(session, order, "cancelled", sandbox=ctx.sandbox,
                          resource_id=order.id, at=ctx.now(), reason="cancelled by the buyer")
            session.commit()
            return view(order)


def force(session: Session, sandbox: str, order_id: str, action: str, now: float) -> dict:
    """The control plane's force: complete → fulfilled, fail → cancelled, processing → pinned
    pending (never fulfilled by itself)."""
    order = settle(session, find(session, sandbox, order_id), now)
    if action == "processing":
        if order.status != "pending":
            raise InvalidTransition(MACHINE.name, order.status, "pending")
        order.fulfil_at = None
        session.add(order)
    else:
        target = "fulfilled" if action == "complete" else "cancelled"
        MACHINE.apply(session, order, target, sandbox=sandbox, resource_id=order.id, at=now,
                      reason=f"forced {action}")
    return view(order)
