"""A tiny test-only vendor: one table, one state machine, two routes and the admin hooks.

It lets the control plane's tests run whatever the real vendors' state: orders are created
processing and complete (or fail) a set number of clock seconds later, read lazily.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select
from starlette.responses import Response

from emulator.context import RequestContext, get_ctx
from emulator.deps import get_runtime
from emulator.errors import DomainError, InvalidTransition, NotFound, Unauthorized
from emulator.jsonio import JSONResponse
from emulator.lifecycle import Progression, StateMachine
from emulator.vendors.base import Vendor, VendorSettings

TOKEN = "toy-secret"
MACHINE = StateMachine("toy.order", initial="processing",
                       transitions={"processing": {"completed", "failed"}, "completed": {"refunded"}})


class ToyOrder(SQLModel, table=True):
    __tablename__ = "toy_order"
    __table_args__ = (UniqueConstraint("sandbox", "id"),)

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64, index=True)
    id: str = Field(max_length=64)
    item: str = Field(max_length=64)
    status: str = Field(max_length=32)
    created_at: float
    progression: str  # Progression JSON
    message: str | None = None


class ToyOptions(VendorSettings):
    pass


class NewOrder(BaseModel):
    item: str
    seconds: float = 60


def _authorize(authorization: str = Header("")) -> None:
    if authorization != f"Bearer {TOKEN}":
        raise Unauthorized("toy: bad credentials")


def _progress(session: Session, order: ToyOrder, now: float) -> ToyOrder:
    policy = Progression.model_validate_json(order.progression)
    if order.status == "processing" and policy.is_due(polls_so_far=0, created_at=order.created_at,
                                                     now=now):
        target = "completed" if policy.outcome == "complete" else "failed"
        order.message = policy.message if target == "failed" else None
        MACHINE.apply(session, order, target, sandbox=order.sandbox, resource_id=order.id,
                      at=policy.due_at(order.created_at) or now, reason="progression")
    return order


def _view(order: ToyOrder) -> dict:
    return {"id": order.id, "kind": "order", "status": order.status, "item": order.item,
            "created_at": order.created_at, "message": order.message}


class Toy(Vendor):
    name = "toy"
    title = "Toy"
    settings_model = ToyOptions

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self.settings = ToyOptions()

    def routers(self):
        router = APIRouter(prefix="/toy", dependencies=[Depends(_authorize)])
        runtime_dep, ctx_dep = Depends(get_runtime), Depends(get_ctx)

        @router.post("/orders", status_code=201, operation_id="toy_create")
        def create(body: NewOrder, runtime=runtime_dep, ctx: RequestContext = ctx_dep):
            with runtime.db.write_session() as session:
                number = len(session.exec(select(ToyOrder).where(
                    ToyOrder.sandbox == ctx.sandbox)).all()) + 1
                order = ToyOrder(sandbox=ctx.sandbox, id=f"T{number}", item=body.item,
                                 status="", created_at=ctx.now(), progression=Progression(
                                     kind="after_seconds", seconds=body.seconds).model_dump_json())
                MACHINE.start(session, order, sandbox=ctx.sandbox, resource_id=order.id,
                              at=ctx.now())
                session.add(order)
                session.commit()
                return _view(order)

        @router.get("/orders/{order_id}", operation_id="toy_read")
        def read(order_id: str, runtime=runtime_dep, ctx: RequestContext = ctx_dep):
            with runtime.db.write_session() as session:
                order = self._find(session, ctx.sandbox, order_id)
                _progress(session, order, ctx.now())
                session.commit()
                return _view(order)

        return [router]

    @classmethod
    def tables(cls):
        return [ToyOrder]

    def owns(self, path):
        return path.startswith("/toy/")

    def render_error(self, exc: DomainError, path: str) -> Response:
        return JSONResponse({"toy_error": exc.message}, status_code=exc.status,
                            headers=exc.headers)

    # -- admin hooks -----------------------------------------------------------------------
    @staticmethod
    def _find(session, sandbox, order_id) -> ToyOrder:
        order = session.exec(select(ToyOrder).where(ToyOrder.sandbox == sandbox,
                                                    ToyOrder.id == order_id)).first()
        if order is None:
            raise NotFound(f"no toy order {order_id}")
        return order

    def admin_resources(self, session, sandbox):
        now = self.runtime.clocks.get(sandbox).time()
        found = session.exec(select(ToyOrder).where(ToyOrder.sandbox == sandbox)).all()
        return [_view(_progress(session, o, now)) for o in found]

    def admin_resource(self, session, sandbox, resource_id):
        try:
            order = self._find(session, sandbox, resource_id)
        except NotFound:
            return None
        return _view(_progress(session, order, self.runtime.clocks.get(sandbox).time()))

    def admin_force(self, session, sandbox, resource_id, action, message, now):
        order = _progress(session, self._find(session, sandbox, resource_id), now)
        if action == "processing":
            if order.status != "processing":
                raise InvalidTransition("toy.order", order.status, "processing")
            order.progression = Progression(kind="never").model_dump_json()
            session.add(order)
        else:
            target = "completed" if action == "complete" else "failed"
            order.message = message if target == "failed" else None
            MACHINE.apply(session, order, target, sandbox=sandbox, resource_id=order.id, at=now,
                          reason=f"forced {action}")
        return _view(order)

    def next_event_at(self, session, sandbox, now):
        due = []
        for order in session.exec(select(ToyOrder).where(ToyOrder.sandbox == sandbox,
                                                         ToyOrder.status == "processing")):
            at = Progression.model_validate_json(order.progression).due_at(order.created_at)
            if at is not None and at > now:
                due.append(at)
        return min(due, default=None)

    def load_fixtures(self, sandbox, data):
        orders = data.get("orders", [])
        if not isinstance(orders, list):
            raise ValueError("orders: expected a list")
        with self.runtime.db.write_session() as session:
            for i, spec in enumerate(orders):
                if not isinstance(spec, dict) or not spec.get("id"):
                    raise ValueError(f"orders[{i}].id: required")
                status = spec.get("status", "completed")
                if status not in MACHINE.states:
                    raise ValueError(f"orders[{i}].status: unknown state {status!r}")
                session.add(ToyOrder(sandbox=sandbox, id=str(spec["id"]),
                                     item=str(spec.get("item", "fixture")), status=status,
                                     created_at=0.0,
                                     progression=Progression(kind="never").model_dump_json()))
                # commits per row on purpose: a later bad row leaves rows behind, which the
                # control plane's all-or-nothing load must remove again
                session.commit()
