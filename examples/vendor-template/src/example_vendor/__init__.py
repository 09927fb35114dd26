"""Example Shop: a small licence shop API, the template for a new vendor.

One class declares everything the emulator needs to know (`emulator.vendors.base`): its name
and title, its settings model, its tables, its routers and contract fragment, its error
envelope, and the admin hooks the control plane uses (orders, force, next clock event,
fixtures). The entry point in pyproject.toml makes `purchase-emulator serve` serve it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select
from starlette.responses import Response

from emulator.errors import DomainError, NotFound
from emulator.vendors.base import Vendor
from example_vendor import errors, routes
from example_vendor.models import ExampleOrder
from example_vendor.service import MACHINE, OrderService, find, force, settle, view
from example_vendor.settings import ExampleSettings

if TYPE_CHECKING:
    from fastapi import APIRouter


class ExampleVendor(Vendor):
    name = "example"
    title = "Example Shop"
    summary = "under /example/v1"
    settings_model = ExampleSettings
    openapi_fragment = Path(__file__).with_name("openapi.yaml")

    def __init__(self, runtime) -> None:
        super().__init__(runtime)
        self.service = OrderService(runtime.db, self.settings.fulfil_after_seconds)

    @classmethod
    def tables(cls):
        return [ExampleOrder]

    # -- HTTP surface -----------------------------------------------------------------------
    def routers(self) -> list[APIRouter]:
        return [routes.build_router(self)]

    def owns(self, path: str) -> bool:
        return path == routes.PREFIX or path.startswith(routes.PREFIX + "/")

    def render_error(self, exc: DomainError, path: str) -> Response:
        return errors.render(exc)

    def startup_lines(self, base_url: str) -> list[str]:
        return [f"Example Shop: {base_url}{routes.PREFIX}  (Authorization: Bearer "
                f"{self.settings.token})"]

    # -- admin hooks ------------------------------------------------------------------------
    def _now(self, sandbox: str) -> float:
        return self.runtime.clocks.get(sandbox).time()

    def admin_resources(self, session: Session, sandbox: str) -> list[dict[str, Any]]:
        orders = session.exec(select(ExampleOrder).where(ExampleOrder.sandbox == sandbox)
                              .order_by(ExampleOrder.pk)).all()
        now = self._now(sandbox)
        return [_resource(settle(session, order, now)) for order in orders]

    def admin_resource(self, session: Session, sandbox: str,
                       resource_id: str) -> dict[str, Any] | None:
        try:
            return _resource(settle(session, find(session, sandbox, resource_id),
                                    self._now(sandbox)))
        except NotFound:
            return None

    def admin_force(self, session: Session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict[str, Any]:
        return {**force(session, sandbox, resource_id, action, now), "kind": "order"}

    def next_event_at(self, session: Session, sandbox: str, now: float) -> float | None:
        due = session.exec(select(ExampleOrder.fulfil_at).where(
            ExampleOrder.sandbox == sandbox, ExampleOrder.status == "pending",
            col(ExampleOrder.fulfil_at) > now)).all()
        return min((at for at in due if at is not None), default=None)

    def load_fixtures(self, sandbox: str, data: dict[str, Any]) -> None:
        """`example: {orders: [{id, sku, buyer, status?}]}`: orders as they would be."""
        orders = data.get("orders", [])
        if not isinstance(orders, list):
            raise ValueError("orders: expected a list")
        rows = []
        for i, spec in enumerate(orders):
            if not isinstance(spec, dict) or not spec.get("id"):
                raise ValueError(f"orders[{i}].id: required")
            status = spec.get("status", "pending")
            if status not in MACHINE.states:
                raise ValueError(f"orders[{i}].status: one of {sorted(MACHINE.states)}")
            rows.append(ExampleOrder(sandbox=sandbox, id=str(spec["id"])[:32],
                                     sku=str(spec.get("sku", "licence"))[:64],
                                     buyer=str(spec.get("buyer", "fixture"))[:64],
                                     status=status, created_at=0.0, fulfil_at=None))
        with self.runtime.db.write_session() as session:
            session.add_all(rows)
            session.commit()


def _resource(order: ExampleOrder) -> dict[str, Any]:
    return {**view(order), "kind": "order"}
