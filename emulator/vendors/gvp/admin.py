"""GVP's control-plane side: GET /__admin/gvp/cases (the seeded data set and, per
CreatePurchase outcome, the user, password and parameters that reproduce it — the table
docs/gvp.md shows), and the Vendor admin hooks (purchases as admin resources, forcing, the next
clock event)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter
from sqlmodel import select

from emulator.errors import BadRequest, InvalidTransition, NotFound
from emulator.lifecycle import Progression
from emulator.vendors.gvp.cases import as_table
from emulator.vendors.gvp.catalog import NO_END, PRODUCTS, USERS
from emulator.vendors.gvp.models import GvpPurchase, GvpToken
from emulator.vendors.gvp.service import (
    PENDING,
    PURCHASE_MACHINE,
    PURCHASE_STATUS,
    complete,
    find_purchase,
    move,
    settle,
)
from emulator.vendors.gvp.wire import money

if TYPE_CHECKING:
    from emulator.vendors.gvp import Gvp


def build_router(vendor: Gvp) -> APIRouter:
    router = APIRouter(prefix="/__admin/gvp", tags=["admin"])

    @router.get("/cases", operation_id="admin_gvp_cases")
    async def cases() -> dict:
        settings = vendor.settings
        anchor = vendor.anchor
        return {
            "anchor": int(anchor),
            "consumer": next(iter(settings.consumers.items()), (None, None))[0],
            "users": [{"userName": u.name, "password": u.password,
                       "EWallet": money(u.ewallet_cents), "purchasePin": u.purchase_pin,
                       "purchasePinEnabled": u.purchase_pin_enabled,
                       "parentalPin": u.parental_pin, "instanceId": u.instance_id,
                       "owns": list(u.owned), "note": u.note} for u in USERS],
            "products": [{"productId": p.id, "productType": p.type,
                          "productTypeCode": settings.product_types.get(p.type, 0),
                          "title": p.title, "pricingModels": list(p.pricing_models),
                          "paymentTypes": list(p.payment_types),
                          "dateStart": p.date_start(anchor), "dateEnd": p.date_end(anchor),
                          "deviceTypes": list(p.device_types), "instanceId": p.instance_id,
                          "note": p.note} for p in PRODUCTS],
            "cases": as_table(settings),
        }

    return router


def resource(vendor: Gvp, session, sandbox: str, resource_id: str, now: float) -> dict | None:
    purchase = find_purchase(session, sandbox, int(resource_id)) \
        if resource_id.isdigit() and len(resource_id) <= 9 else None
    if purchase is None:
        return None
    settle(vendor.make_call(session, sandbox, now, ""), purchase)
    return as_resource(purchase)


def resources(vendor: Gvp, session, sandbox: str, now: float) -> list[dict]:
    rows = list(session.exec(select(GvpPurchase).where(GvpPurchase.sandbox == sandbox)
                             .order_by(GvpPurchase.purchase_id)))
    call = vendor.make_call(session, sandbox, now, "")
    for purchase in rows:
        settle(call, purchase)  # the control plane commits: reading progresses lifecycles
    return [as_resource(p) for p in rows]


def as_resource(purchase: GvpPurchase) -> dict:
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


def force(vendor: Gvp, session, sandbox: str, resource_id: str, action: str,
          message: str | None, now: float) -> dict:
    """complete: a waiting purchase becomes Active/Finished (a PendingOBCancellation becomes
    Cancelled, as if the operator confirmed); fail: Error; processing: stays WaitingPayment."""
    purchase = find_purchase(session, sandbox, int(resource_id)) \
        if resource_id.isdigit() and len(resource_id) <= 9 else None
    if purchase is None:
        raise NotFound(f"no GVP purchase {resource_id}")
    call = vendor.make_call(session, sandbox, now, "")
    reason = message or f"forced {action} by the admin API"
    if action == "complete":
        if purchase.status in PENDING:
            complete(call, purchase, reason)
        elif purchase.status == "PendingOBCancellation":
            move(call, purchase, "Cancelled", reason)
        else:
            raise InvalidTransition(PURCHASE_MACHINE.name, purchase.status, "Active")
    elif action == "fail":
        move(call, purchase, "Error", reason)
    elif action == "processing":
        if purchase.status != "WaitingPayment":
            raise InvalidTransition(PURCHASE_MACHINE.name, purchase.status, "WaitingPayment")
        if purchase.progression:  # pinned: only the payment page or a force decides it now
            purchase.progression = Progression(kind="never").model_dump_json()
            session.add(purchase)
    else:
        raise BadRequest(f"unknown action '{action}' (complete, fail or processing)")
    session.flush()  # the control plane commits (or rolls back) the transaction
    return as_resource(purchase)


def next_event(vendor: Gvp, session, sandbox: str, now: float) -> float | None:
    """The next token expiry, commercialisation window opening or closing, or payment-link
    expiry after `now`."""
    candidates: list[float] = []
    token = session.exec(select(GvpToken.expires_at).where(
        GvpToken.sandbox == sandbox, GvpToken.expires_at > now)
        .order_by(GvpToken.expires_at).limit(1)).first()
    if token is not None:
        candidates.append(token)
    for product in vendor.catalog(session, sandbox).products.values():
        for instant in (product.date_start(vendor.anchor), product.date_end(vendor.anchor)):
            if now < instant < NO_END:
                candidates.append(float(instant))
    ttl = vendor.settings.payment_link_ttl_seconds
    for created, progression in session.exec(
            select(GvpPurchase.created_at, GvpPurchase.progression).where(
                GvpPurchase.sandbox == sandbox, GvpPurchase.status == "WaitingPayment")):
        due = Progression.model_validate_json(progression).due_at(created) \
            if progression else None
        for instant in (created + ttl, due):
            if instant is not None and instant > now:
                candidates.append(instant)
    return min(candidates) if candidates else None


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")
