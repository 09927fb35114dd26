"""CreatePurchase (and its STB variant): the documented checks, in the documented order.

Order (wiki CP-1210): AuthenticationRequired → UserPurchasePinValueNoMatch → InvalidPaymentType
→ UserDoesNotHaveMandatorySubscription → InvalidReturnOrCancelURL → InsufficientBalance →
ProductDoesNotExist → UserAlreadyHasProduct → InvalidPricingModelForThisProduct →
PendingProductCanNotBePurchased → ProductNotAvailableYet → ProductExpired → UserCantAcquire →
SubscriptionNotAvailableForPurchaseType → WebpayIsntAvailableForRecurringPayment →
NoCreditsRegistered → InvalidProductForInstance → InvalidPricingModel; GenericError when the
purchase itself fails. A check that needs something not yet validated (the product for the
payment-type list, the price for the balance) is skipped until a later check rejects it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from emulator.vendors.gvp.catalog import PricingModel, Product, User
from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.models import GvpToken, GvpUserState
from emulator.vendors.gvp.service import (
    PENDING,
    REDIRECT_PAYMENTS,
    Call,
    complete,
    debit,
    logged_user,
    move,
    new_purchase,
    owns,
    purchases_of,
    redirect_url,
    store,
)
from emulator.vendors.gvp.wire import purchase_response


@dataclass
class Order:
    product_id: int
    product_type: str
    pricing_model_id: int
    payment: str
    pin: str | None
    return_url: str | None
    cancel_url: str | None
    track_id: str | None
    ux_reference: str | None


def read_order(call: Call, *, stb: bool) -> Order:
    p, s = call.params, call.settings
    return Order(
        product_id=p.int("productId"),
        product_type=p.enum("productType", s.product_types),
        pricing_model_id=p.int("pricingModelId"),
        payment="Billing" if stb else p.enum("paymentType", s.payment_types),
        pin=None if stb else p.str("pin"),
        return_url=None if stb else p.str("returnURL", 2000),  # the column sizes
        cancel_url=None if stb else p.str("cancelURL", 2000),
        track_id=p.str("TrackId", 200),
        ux_reference=p.str("UxReference", 200),
    )


def create_purchase(call: Call) -> dict:
    token, user, state = logged_user(call)                                           # 30
    order = read_order(call, stb=False)
    product = _purchase(call, token, user, state, order, stb=False)
    return {"Offset": 0, "Limit": call.settings.default_limit, "Count": 1, "Content": [product]}


def create_purchase_stb(call: Call) -> dict:
    """The set-top-box flow: no PIN, no payment choice (operator Billing), completes at once."""
    token, user, state = logged_user(call)
    return _purchase(call, token, user, state, read_order(call, stb=True), stb=True)


def _purchase(call: Call, token: GvpToken, user: User, state: GvpUserState, order: Order,
              *, stb: bool) -> dict:
    catalog, now = call.catalog, call.now
    product = catalog.product(order.product_id) if order.product_id > 0 else None
    if product is not None and product.type != order.product_type:
        product = None  # GVP looks a product up by id *and* type
    is_credit = order.product_type == "Credit"
    pm = _offered_pricing_model(call, product, order.pricing_model_id)

    if not stb:
        if not order.pin or (state.purchase_pin_enabled and state.purchase_pin
                             and order.pin != state.purchase_pin):
            raise GvpException("UserPurchasePinValueNoMatch", "the purchase PIN does not match")
        if order.payment == "Unknown" or (product and order.payment not in product.payment_types):
            raise GvpException("InvalidPaymentType",
                               f"payment type {order.payment} is not accepted for this product")
    instance = catalog.instances.get(user.instance_id)
    mandatory = instance.mandatory_subscription if instance else None
    if mandatory and order.product_id != mandatory and not any(
            owns(p, now) for p in purchases_of(call, user.name, mandatory)):
        raise GvpException("UserDoesNotHaveMandatorySubscription",
                           f"buy the mandatory subscription {mandatory} first")
    if order.payment in REDIRECT_PAYMENTS and not (
            _web_url(order.return_url) and _web_url(order.cancel_url)):
        raise GvpException("InvalidReturnOrCancelURL",
                           "returnURL and cancelURL must be absolute http(s) URLs")
    price = _price(product, pm)
    if order.payment == "eWallet" and price is not None and state.ewallet_cents < price:
        raise GvpException("InsufficientBalance", "the EWallet balance is below the price")
    if not is_credit and product is None:
        raise GvpException("ProductDoesNotExist", f"no product {order.product_id} of type "
                                                  f"{order.product_type}")
    # a credit can be bought again and again: only its pending purchases matter here
    history = purchases_of(call, user.name, product.id,
                           statuses=PENDING if is_credit else None) if product else []
    if product and not is_credit and any(owns(p, now) for p in history):
        raise GvpException("UserAlreadyHasProduct", "the user already has this product")
    if product and not is_credit and order.pricing_model_id and (
            pm is None or pm.instance_id != user.instance_id):
        raise GvpException("InvalidPricingModelForThisProduct",
                           f"pricing model {order.pricing_model_id} is not offered for this product")
    if any(p.status in PENDING for p in history):
        raise GvpException("PendingProductCanNotBePurchased",
                           "a purchase of this product is still pending")
    if product and product.date_start(call.anchor) > now:
        raise GvpException("ProductNotAvailableYet", "the commercialisation window has not begun")
    if product and product.date_end(call.anchor) < now:
        raise GvpException("ProductExpired", "the commercialisation window has finished")
    if product and product.device_types and token.device_type not in product.device_types:
        raise GvpException("UserCantAcquire",
                           f"not acquirable on device type {token.device_type}")
    if product and product.type == "Subscription" and product.purchase_type == 2:
        raise GvpException("SubscriptionNotAvailableForPurchaseType",
                           "this subscription is ProvisioningOnly")
    if order.payment == "WebPay" and pm is not None and pm.recurring:
        raise GvpException("WebpayIsntAvailableForRecurringPayment",
                           "WebPay cannot pay a recurring pricing model")
    if is_credit and product is None:
        raise GvpException("NoCreditsRegistered", f"no credit {order.product_id}")
    if is_credit and product.instance_id != user.instance_id:
        raise GvpException("InvalidProductForInstance", "the credit belongs to another instance")
    if not is_credit and pm is None:
        raise GvpException("InvalidPricingModel", "pricingModelId is required")
    if product.fails:
        raise GvpException("GenericError", "the purchase could not be stored (simulated "
                                           "failure inside CreateInternalPurchase)")
    return _create(call, token, user, state, order, product, price or 0)


def _create(call: Call, token: GvpToken, user: User, state: GvpUserState, order: Order,
            product: Product, price: int) -> dict:
    purchase = new_purchase(
        call, user.name, product, 0 if product.type == "Credit" else order.pricing_model_id,
        order.payment, device_type=token.device_type, return_url=order.return_url,
        cancel_url=order.cancel_url, track_id=order.track_id, ux_reference=order.ux_reference)
    redirect = order.payment in REDIRECT_PAYMENTS
    if order.payment == "eWallet":
        if not debit(call, state, price):  # lost a race against another purchase
            raise GvpException("InsufficientBalance", "the EWallet balance is below the price")
        complete(call, purchase, "paid from the EWallet")
    elif redirect:
        move(call, purchase, "WaitingPayment", f"redirected to the {order.payment} page")
        if call.fulfilment is not None:
            purchase.progression = call.fulfilment.model_dump_json()
    else:
        complete(call, purchase, f"charged through {order.payment}")
    store(call, purchase)
    call.session.flush()
    return purchase_response(call.settings, call.catalog, purchase, call.now,
                             redirect_url(call, purchase) if redirect else None)


def _offered_pricing_model(call: Call, product: Product | None, pm_id: int) -> PricingModel | None:
    if product is None or pm_id not in product.pricing_models:
        return None
    return call.catalog.pricing_models.get(pm_id)


def _price(product: Product | None, pm: PricingModel | None) -> int | None:
    if product is None:
        return None
    if product.type == "Credit":
        return product.price_cents
    return pm.price_cents if pm else None


def _web_url(value: str | None) -> bool:
    if not value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
