"""PascalCase wire objects: PurchaseResponse, AccessReason (CanWatch), PricingModel,
Subscription. Field names follow the reference (FACT where the wiki shows them, PROPOSAL for
PurchaseResponse, whose page could not be read)."""

from __future__ import annotations

from emulator.vendors.gvp.catalog import Catalog, PricingModel, Product
from emulator.vendors.gvp.models import GvpPurchase
from emulator.vendors.gvp.service import PENDING, PURCHASE_STATUS
from emulator.vendors.gvp.settings import GvpSettings

INT_MAX = 2147483647  # the wiki's "no limit" for RentalHoursLeft
# MovieAccessReason (FACT, MAR)
PENDING_ACCESS, CANT_ACCESS, RENTAL, PURCHASE = -2, -1, 2, 3


def money(cents: int) -> float:
    return round(cents / 100, 2)


def pricing_model(pm: PricingModel | None) -> dict | None:
    if pm is None:
        return None
    return {"ID": pm.id, "Title": pm.title, "Chargingclass": pm.title, "UserType": pm.user_type,
            "Price": money(pm.price_cents), "RecurrenceType": pm.recurrence_type,
            "DevicesType": [], "Isrecurring": pm.recurring, "GrantAllDevices": True,
            "Quality": pm.quality}


def access_reason(settings: GvpSettings, catalog: Catalog, purchase: GvpPurchase,
                  now: float) -> dict:
    owned = purchase.status in ("Active", "Finished", "PendingOBCancellation", "Trial")
    if purchase.status in PENDING:
        reason = PENDING_ACCESS
    elif owned and purchase.expiration_date > now:
        reason = RENTAL if purchase.product_type == "Movie" else PURCHASE
    else:
        reason = CANT_ACCESS
    hours_left = INT_MAX
    if purchase.product_type == "Movie" and reason == RENTAL:
        hours_left = max(0, int((purchase.expiration_date - now) // 3600))
    instance = catalog.instances.get(settings.instance_id)
    mandatory = instance.mandatory_subscription if instance else None
    return {
        "SourceProductType": settings.product_types.get(purchase.product_type, 0),
        "SourceProductId": purchase.product_id,
        "ProductTypeId": settings.product_types.get(purchase.product_type, 0),
        "ProductId": purchase.product_id,
        "MovieAccessReason": reason,
        "RentalHoursLeft": hours_left,
        "ExpirationDate": purchase.expiration_date,
        "PricingModel": pricing_model(catalog.pricing_models.get(purchase.pricing_model_id)),
        "HaveMandatorySubscription": mandatory is not None,
        "MandatorySubscriptionId": mandatory or 0,
        "MandatorySubscriptionMessage": None,
        "PurchaseStatus": PURCHASE_STATUS[purchase.status],
        "StartDate": int(purchase.created_at),
    }


def purchase_response(settings: GvpSettings, catalog: Catalog, purchase: GvpPurchase,
                      now: float, redirect: str | None = None) -> dict:
    return {
        "PurchaseId": purchase.purchase_id,
        "ProductId": purchase.product_id,
        "ProductType": settings.product_types.get(purchase.product_type, 0),
        "PricingModelId": purchase.pricing_model_id,
        "PaymentType": settings.payment_types.get(purchase.payment_type, 0),
        "PurchaseStatus": PURCHASE_STATUS[purchase.status],
        "Price": money(purchase.price_cents),
        "PurchaseDate": int(purchase.created_at),
        "ExpirationDate": purchase.expiration_date,
        "TransactionId": purchase.transaction_id,
        "PaypalToken": purchase.paypal_token,
        "RedirectUrl": redirect,
        "CanWatch": access_reason(settings, catalog, purchase, now),
    }


def subscription(settings: GvpSettings, catalog: Catalog, product: Product,
                 purchase: GvpPurchase, anchor: float, now: float) -> dict:
    return {
        "ID": product.id,
        "Title": product.title,
        "Description": product.note or product.title,
        "ShortDescription": product.title,
        "DateStart": product.date_start(anchor),
        "DateEnd": product.date_end(anchor),
        "Type": 1,  # SubscriptionType.Normal
        "PurchaseType": product.purchase_type,
        "Status": PURCHASE_STATUS[purchase.status],
        "TrialDays": 0,
        "Images": [],
        "RequiredDays": 0,
        "CanAcquire": False,
        "CanWatch": access_reason(settings, catalog, purchase, now),
    }
