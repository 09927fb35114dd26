"""After the purchase: CancelPurchase (a pending PayPal payment), CancelProduct (stop a
recurring right) and GetUserSubscriptions (the user's subscriptions, paged)."""

from __future__ import annotations

from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.service import Call, logged_user, move, owns, purchases_of
from emulator.vendors.gvp.wire import access_reason, subscription


def cancel_purchase(call: Call) -> bool:
    _, user, _ = logged_user(call)
    transaction = call.params.str("transactionId")
    paypal_token = call.params.str("paypalToken")
    match = [p for p in purchases_of(call, user.name) if p.transaction_id == transaction]
    if not transaction or not match:
        raise GvpException("PurchaseNotFoundException",
                           f"no purchase with transactionId '{transaction}' for this user")
    purchase = match[0]
    if purchase.paypal_token and paypal_token != purchase.paypal_token:
        raise GvpException("PurchaseNotFoundException",
                           "paypalToken does not belong to this transaction")
    if purchase.status == "Cancelled":
        raise GvpException("PurchaseAlreadyCancelledException", "the purchase is already cancelled")
    if purchase.status != "WaitingPayment":
        raise GvpException("InvalidPurchaseStatusException",
                           f"only a purchase awaiting payment can be cancelled (it is "
                           f"{purchase.status})")
    move(call, purchase, "Cancelled", "CancelPurchase")
    return True


def cancel_product(call: Call) -> dict:
    _, user, state = logged_user(call)
    pin = call.params.str("pin")
    if not pin or (state.purchase_pin_enabled and state.purchase_pin and pin != state.purchase_pin):
        raise GvpException("UserPurchasePinValueNoMatch", "the purchase PIN does not match")
    product_id = call.params.int("productId")
    product = call.catalog.product(product_id)
    if product is None:
        raise GvpException("PurchaseNotFoundException", f"no product {product_id}")
    history = purchases_of(call, user.name, product_id)
    in_progress = [p for p in history if p.status in ("PendingOBCancellation", "Canceling")]
    if in_progress and in_progress[-1].status == "PendingOBCancellation":
        raise GvpException("PurchaseAlreadyInPendingOBCancellationException",
                           "the cancellation already awaits the operator")
    if in_progress:
        raise GvpException("PurchaseAlreadyInCancellingException", "already being cancelled")
    current = [p for p in history if owns(p, call.now)]
    if not current:
        if any(p.status == "Cancelled" for p in history):
            raise GvpException("PurchaseAlreadyCancelledException", "the product is cancelled")
        raise GvpException("UserHasNoRightsToThisProductException",
                           "the user has no right to this product")
    purchase = current[-1]
    if not purchase.recurring:
        raise GvpException("NonRenewableUserRightException",
                           "only a recurring right can be cancelled")
    # operator Billing needs the OB to confirm (PurchaseStatus 7, as in the wiki's example);
    # other payment types stop at once
    target = "PendingOBCancellation" if purchase.payment_type == "Billing" else "Cancelled"
    move(call, purchase, target, "CancelProduct")
    call.session.flush()
    return {"ID": product.id, "Title": product.title,
            "Type": call.settings.product_types.get(product.type, 0),
            "CanAcquire": target == "Cancelled",
            "CanWatch": access_reason(call.settings, call.catalog, purchase, call.now)}


def get_user_subscriptions(call: Call) -> dict:
    _, user, _ = logged_user(call)
    offset, limit = call.params.paging(call.settings.default_limit)
    with_provisioning = call.params.bool("applyProvisioningFilter")
    latest: dict[int, object] = {}
    for purchase in purchases_of(call, user.name):
        product = call.catalog.product(purchase.product_id)
        if product is None or product.type != "Subscription" or not owns(purchase, call.now):
            continue
        if product.purchase_type == 2 and not with_provisioning:
            continue  # ProvisioningOnly subscriptions are listed only on request
        latest[product.id] = subscription(call.settings, call.catalog, product, purchase,
                                          call.anchor, call.now)
    items = [latest[key] for key in sorted(latest)]
    page = items[offset:offset + limit]
    count = len(page) if call.settings.count_semantics == "page" else len(items)
    return {"Offset": offset, "Limit": limit, "Count": count, "List": page}
