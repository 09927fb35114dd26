"""GET /__admin/gvp/cases: the seeded data set and, per CreatePurchase outcome, the user,
password and parameters that reproduce it (the same table docs/gvp.md shows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

from emulator.vendors.gvp.cases import as_table
from emulator.vendors.gvp.catalog import PRODUCTS, USERS
from emulator.vendors.gvp.wire import money

if TYPE_CHECKING:
    from emulator.vendors.gvp import Gvp


def build_router(vendor: "Gvp") -> APIRouter:
    router = APIRouter(prefix="/__admin/gvp", tags=["admin"])

    @router.get("/cases", operation_id="admin_gvp_cases")
    def cases() -> dict:
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
