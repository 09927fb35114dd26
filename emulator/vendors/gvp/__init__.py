"""Telefónica GVP UNIAPI: WCF-style `/{Service}.svc/{Method}` purchase methods.

This class is the Vendor interface (classify, errors, tables, admin hooks); the methods live in
accounts.py / purchase.py / manage.py, their shared state rules in service.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter
from sqlmodel import select
from starlette.responses import Response

from emulator.errors import DomainError, InvalidTransition, NotFound, RateLimited
from emulator.vendors.base import Operation, Vendor
from emulator.vendors.gvp import admin, errors, payment, routes
from emulator.vendors.gvp.catalog import DAY, Catalog
from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.fixtures import apply_fixtures
from emulator.vendors.gvp.methods import METHODS, Method
from emulator.vendors.gvp.models import TABLES, GvpPurchase, GvpToken
from emulator.vendors.gvp.oauth import SignedRequest, verify
from emulator.vendors.gvp.params import Params
from emulator.vendors.gvp.service import (
    PENDING, PURCHASE_MACHINE, PURCHASE_STATUS, Call, complete, move,
)
from emulator.vendors.gvp.wire import money

_SVC = re.compile(r"^/([^/]+)\.svc/([^/]+)$")
_SVC_SPACE = re.compile(r"^/[^/]+\.svc(/.*)?$")
_PAY = re.compile(r"^/gvp/payment/[^/]+/[^/]+$")


class Gvp(Vendor):
    name = "gvp"
    title = "Telefónica GVP UNIAPI"
    openapi_fragment = Path(__file__).resolve().parent / "openapi.yaml"

    def __init__(self, runtime) -> None:
        super().__init__(runtime)
        self._base = Catalog()
        self._catalogs: dict[str, Catalog] = {}
        self._anchor: float | None = None

    def on_startup(self) -> None:
        self.anchor  # fix the catalogue anchor now that the clock table exists

    @property
    def anchor(self) -> float:
        """The instant commercialisation windows are placed from."""
        if self._anchor is None:
            configured = self.settings.catalog_anchor
            if configured is not None:
                self._anchor = configured.timestamp()
            else:  # the start-up clock floored to UTC midnight: windows stay put within a day
                start = self.runtime.clocks.get("default").time()
                self._anchor = float(int(start // DAY) * DAY)
        return self._anchor

    # -- wiring ---------------------------------------------------------------------------
    def routers(self) -> list[APIRouter]:
        return [routes.build_router(self), payment.build_router(self), admin.build_router(self)]

    def tables(self):
        return list(TABLES)

    def startup_lines(self, base_url: str) -> list[str]:
        key, secret = next(iter(self.settings.consumers.items()), ("-", "-"))
        return [
            f"GVP UNIAPI     {base_url}/AuthenticationService.svc/LoginUserPassword"
            f"?userName=rich&password=rich123&deviceType=1&instanceId={self.settings.instance_id}",
            f"  OAuth {self.settings.oauth_mode}: consumer key {key} / secret {secret}",
            f"  every CreatePurchase case: {base_url}/__admin/gvp/cases",
        ]

    def catalog(self, sandbox: str) -> Catalog:
        return self._catalogs.get(sandbox, self._base)

    # -- classification -----------------------------------------------------------------------
    def classify(self, method: str, path: str) -> Operation | None:
        if path.startswith("/__admin"):
            return None
        match = _SVC.match(path)
        if match:
            found = METHODS.get(match.group(2).lower())
            if found is not None and method in ("GET", "POST"):
                return Operation(self.name, found.name)
            return None
        if _PAY.match(path):
            if method == "GET":
                return Operation(self.name, "PaymentPage")
            if method == "POST":
                return Operation(self.name, "PaymentDecision")
        return None

    def owns(self, path: str) -> bool:
        return bool(_SVC_SPACE.match(path)) or path.startswith("/gvp/")

    def operation_ids(self) -> frozenset[str]:
        return frozenset({m.name for m in METHODS.values()} | {"PaymentPage", "PaymentDecision"})

    # -- errors ----------------------------------------------------------------------------
    def render_error(self, exc: DomainError, path: str) -> Response:
        return errors.render(self.settings, exc)

    def region_blocked(self, operation: Operation, message: str, path: str) -> Response:
        return self.render_error(GvpException("UserCantAcquire", message), path)

    def rate_limited(self, message: str, headers: dict[str, str], path: str) -> Response:
        return self.render_error(RateLimited(message, headers=headers), path)

    # -- requests --------------------------------------------------------------------------
    def make_call(self, session, sandbox: str, now: float, base_url: str,
                  params: Params | None = None) -> Call:
        return Call(settings=self.settings, catalog=self.catalog(sandbox), sandbox=sandbox,
                    now=now, base_url=base_url, params=params or Params([]), session=session,
                    secret_key=self.runtime.settings.secret_key, anchor=self.anchor)

    def invoke(self, ctx, method: Method, params: Params, signed: SignedRequest):
        """Verify the OAuth signature, then run the method in one write transaction."""
        db, now = self.runtime.db, ctx.now()
        if method.signed:
            if self.settings.oauth_mode == "strict":  # the nonce is kept even if the call fails
                with db.write_session() as session:
                    verify(self.settings, session, ctx.sandbox, now, signed)
                    session.commit()
            else:
                verify(self.settings, None, ctx.sandbox, now, signed)
        with db.write_session() as session:
            result = method.handler(self.make_call(session, ctx.sandbox, now, ctx.base_url,
                                                   params))
            session.commit()
        return result

    # -- the emulated payment page ----------------------------------------------------------------
    def _pending(self, session, sandbox: str, purchase_id: int) -> GvpPurchase | None:
        return session.exec(select(GvpPurchase).where(
            GvpPurchase.sandbox == sandbox, GvpPurchase.purchase_id == purchase_id)).first()

    def payment_page(self, sandbox: str, purchase_id: int, exp: str, sig: str, path: str):
        def now() -> float:
            return self.runtime.clocks.get(sandbox).time()

        problem = payment.check_link(self.runtime.settings.secret_key, sandbox, purchase_id,
                                     exp, sig, now)
        if problem is not None:
            return problem
        with self.runtime.db.read_session() as session:
            purchase = self._pending(session, sandbox, purchase_id)
        if purchase is None:
            return payment.message_page(404, "Payment not found", "No such purchase.")
        product = self.catalog(sandbox).product(purchase.product_id)
        return payment.render_page(purchase.payment_type, product.title if product else "?",
                                   purchase.price_cents, purchase_id, purchase.status, path,
                                   exp, sig)

    def payment_decision(self, sandbox: str, purchase_id: int, exp: str, sig: str,
                         decision: str):
        def now() -> float:
            return self.runtime.clocks.get(sandbox).time()

        problem = payment.check_link(self.runtime.settings.secret_key, sandbox, purchase_id,
                                     exp, sig, now)
        if problem is not None:
            return problem
        with self.runtime.db.write_session() as session:
            purchase = self._pending(session, sandbox, purchase_id)
            if purchase is None:
                return payment.message_page(404, "Payment not found", "No such purchase.")
            if purchase.status != "WaitingPayment":
                return payment.message_page(
                    409, "Payment already decided",
                    f"This payment is no longer awaiting a decision (status {purchase.status}).")
            call = self.make_call(session, sandbox, now(), "")
            if decision == "approve":
                complete(call, purchase, f"approved on the {purchase.payment_type} page")
                target = purchase.return_url
            else:
                move(call, purchase, "Cancelled", f"cancelled on the {purchase.payment_type} page")
                target = purchase.cancel_url
            session.commit()
        return payment.with_references(target or "/", purchase)

    # -- control plane ----------------------------------------------------------------------------
    def _resource(self, purchase: GvpPurchase) -> dict:
        return {
            "id": str(purchase.purchase_id),
            "kind": "purchase",
            "status": purchase.status,
            "created_at": _iso(purchase.created_at),
            "updated_at": _iso(purchase.updated_at),
            "PurchaseStatus": PURCHASE_STATUS[purchase.status],
            "user": purchase.user_name,
            "product_id": purchase.product_id,
            "product_type": purchase.product_type,
            "pricing_model_id": purchase.pricing_model_id,
            "payment_type": purchase.payment_type,
            "price": money(purchase.price_cents),
            "transaction_id": purchase.transaction_id,
            "paypal_token": purchase.paypal_token,
            "expiration_date": purchase.expiration_date,
            "provisioned": purchase.provisioned,
        }

    def admin_resources(self, session, sandbox: str) -> list[dict]:
        rows = session.exec(select(GvpPurchase).where(GvpPurchase.sandbox == sandbox)
                            .order_by(GvpPurchase.purchase_id))
        return [self._resource(p) for p in rows]

    def admin_resource(self, session, sandbox: str, resource_id: str) -> dict | None:
        if not resource_id.isdigit():
            return None
        purchase = self._pending(session, sandbox, int(resource_id))
        return self._resource(purchase) if purchase else None

    def admin_force(self, session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict:
        purchase = self._pending(session, sandbox, int(resource_id)) \
            if resource_id.isdigit() else None
        if purchase is None:
            raise NotFound(f"no GVP purchase {resource_id}")
        call = self.make_call(session, sandbox, now, "")
        reason = message or f"forced {action} by the admin API"
        if action == "complete":
            if purchase.status in PENDING:
                complete(call, purchase, reason)
            elif purchase.status == "PendingOBCancellation":
                move(call, purchase, "Cancelled", reason)  # the operator confirmed
            else:
                raise InvalidTransition(PURCHASE_MACHINE.name, purchase.status, "Active")
        elif action == "fail":
            move(call, purchase, "Error", reason)
        elif action == "processing":
            if purchase.status != "WaitingPayment":
                raise InvalidTransition(PURCHASE_MACHINE.name, purchase.status, "WaitingPayment")
        else:
            from emulator.errors import BadRequest

            raise BadRequest(f"unknown action '{action}' (complete, fail or processing)")
        session.flush()  # the control plane commits (or rolls back) the transaction
        return self._resource(purchase)

    def next_event_at(self, session, sandbox: str, now: float) -> float | None:
        """The next token expiry, commercialisation window opening or closing, or payment-link
        expiry after `now`."""
        candidates: list[float] = []
        token = session.exec(select(GvpToken.expires_at).where(
            GvpToken.sandbox == sandbox, GvpToken.expires_at > now)
            .order_by(GvpToken.expires_at).limit(1)).first()
        if token is not None:
            candidates.append(token)
        for product in self.catalog(sandbox).products.values():
            for instant in (product.date_start(self.anchor), product.date_end(self.anchor)):
                if now < instant < 253402297199:
                    candidates.append(float(instant))
        ttl = self.settings.payment_link_ttl_seconds
        for created in session.exec(select(GvpPurchase.created_at).where(
                GvpPurchase.sandbox == sandbox, GvpPurchase.status == "WaitingPayment")):
            if created + ttl > now:
                candidates.append(created + ttl)
        return min(candidates) if candidates else None

    def reset_sandbox(self, sandbox: str) -> None:
        """Reset/delete: forget the sandbox's fixture additions (the baseline reloads them)."""
        self._catalogs.pop(sandbox, None)

    def load_fixtures(self, sandbox: str, data: dict) -> None:
        if not data:
            return
        if not isinstance(data, dict):
            raise ValueError("gvp: the fixture section must be a mapping")
        self._catalogs[sandbox] = apply_fixtures(self.catalog(sandbox), data,
                                                 self.settings.product_types,
                                                 self.settings.payment_types)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")
