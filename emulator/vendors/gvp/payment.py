"""The emulated PayPal / WebPay / WorldPay page a CreatePurchase RedirectUrl points at.

The link is HMAC-signed (sandbox, purchase, expiry) and carries the sandbox in its path, because
a browser following it sends no X-Emulator-Sandbox header. "Approve" completes the purchase
(Active/Finished, EWallet top-up for credits), "Cancel" cancels it; either answers 303 to the
returnURL/cancelURL given to CreatePurchase, with PurchaseId, TransactionId and (PayPal)
PaypalToken appended, as a payment provider appends its own references.
"""

from __future__ import annotations

import hmac
import html
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from emulator.control.sandbox_header import is_sandbox_id
from emulator.vendors.gvp.service import (
    complete,
    find_purchase,
    move,
    payment_signature,
    settle,
)
from emulator.vendors.gvp.wire import money

if TYPE_CHECKING:
    from emulator.vendors.gvp import Gvp

PREFIX = "/gvp/payment"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{provider} (emulated)</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}
button{{font-size:1.1rem;margin-right:1rem;padding:.5rem 1.5rem}}</style></head>
<body><h1>{provider}</h1><p class="notice">Emulated payment page (purchase-emulator).</p>
<table><tr><th>Product</th><td id="product">{title}</td></tr>
<tr><th>Price</th><td id="price">{price}</td></tr>
<tr><th>Purchase</th><td id="purchase">{purchase_id}</td></tr>
<tr><th>Status</th><td id="status">{status}</td></tr></table>
<form method="post" action="{action}">
<input type="hidden" name="exp" value="{exp}"><input type="hidden" name="sig" value="{sig}">
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
<button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
</form></body></html>"""


def message_page(status: int, title: str, text: str) -> HTMLResponse:
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p id=\"message\">{html.escape(text)}</p></body></html>")
    return HTMLResponse(body, status)


def check_link(secret_key: str, sandbox: str, purchase_id: int, exp: str, sig: str,
               now: Callable[[], float]) -> HTMLResponse | None:
    """None when the link is genuine and still valid, else the page to show instead."""
    if not is_sandbox_id(sandbox):
        return message_page(404, "Payment not found", "This payment link is not valid.")
    try:
        expires = int(exp)
    except ValueError:
        return message_page(403, "Invalid payment link", "The link's signature does not match.")
    expected = payment_signature(secret_key, sandbox, purchase_id, expires)
    if not hmac.compare_digest(expected.encode(), (sig or "").encode()):
        return message_page(403, "Invalid payment link", "The link's signature does not match.")
    if now() > expires:  # the clock is read only for a genuine link (a known sandbox)
        return message_page(410, "Payment link expired",
                            "This payment link has expired; start the purchase again.")
    return None


def with_references(url: str, purchase) -> str:
    parts = urlsplit(url)
    extra = {"PurchaseId": purchase.purchase_id, "TransactionId": purchase.transaction_id}
    if purchase.paypal_token:
        extra["PaypalToken"] = purchase.paypal_token
    query = parts.query + ("&" if parts.query else "") + urlencode(extra)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _purchase_number(value: str) -> int | None:
    """The path's purchase id; a browser gets an HTML 404 for anything else, not JSON."""
    return int(value) if value.isdigit() and len(value) <= 9 else None


def build_router(vendor: Gvp) -> APIRouter:
    router = APIRouter(tags=["gvp-payment-page"])

    @router.get(PREFIX + "/{sandbox}/{purchase_id}", operation_id="PaymentPage",
                response_class=HTMLResponse)
    async def payment_page(sandbox: str, purchase_id: str, request: Request) -> Response:
        number = _purchase_number(purchase_id)
        if number is None:
            return message_page(404, "Payment not found", "No such purchase.")
        exp, sig = request.query_params.get("exp", ""), request.query_params.get("sig", "")
        # on the event loop, like every vendor route (emulator/pipeline.py)
        return vendor.payment_page(sandbox, number, exp, sig, request.url.path)

    @router.post(PREFIX + "/{sandbox}/{purchase_id}", operation_id="PaymentDecision",
                 response_class=HTMLResponse)
    async def payment_decision(sandbox: str, purchase_id: str, request: Request) -> Response:
        number = _purchase_number(purchase_id)
        if number is None:
            return message_page(404, "Payment not found", "No such purchase.")
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                              keep_blank_values=True))
        decision = form.get("decision", "")
        if decision not in ("approve", "cancel"):
            return message_page(400, "Unknown decision", "decision must be approve or cancel")
        outcome = vendor.payment_decision(sandbox, number, form.get("exp", ""),
                                          form.get("sig", ""), decision)
        if isinstance(outcome, str):
            return RedirectResponse(outcome, status_code=303)
        return outcome

    return router


def render_page(provider: str, title: str, price_cents: int, purchase_id: int, status: str,
                action: str, exp: str, sig: str) -> HTMLResponse:
    return HTMLResponse(PAGE.format(
        provider=html.escape(provider), title=html.escape(title),
        price=f"{money(price_cents):.2f}", purchase_id=purchase_id, status=html.escape(status),
        action=html.escape(action), exp=html.escape(exp), sig=html.escape(sig)))


# -- what the page does (runs in a worker thread) --------------------------------------------------
def _open_settled(vendor: Gvp, session, sandbox: str, purchase_id: int):
    """The purchase with any due scenario policy applied and the call that settled it, or
    (None, None) when there is no such purchase."""
    purchase = find_purchase(session, sandbox, purchase_id)
    if purchase is None:
        return None, None
    call = vendor.make_call(session, sandbox, vendor.runtime.clocks.get(sandbox).time(), "")
    settle(call, purchase)
    return purchase, call


def _not_found() -> HTMLResponse:
    return message_page(404, "Payment not found", "No such purchase.")


def _link_problem(vendor: Gvp, sandbox: str, purchase_id: int, exp: str, sig: str):
    runtime = vendor.runtime
    return check_link(runtime.settings.secret_key, sandbox, purchase_id, exp, sig,
                      lambda: runtime.clocks.get(sandbox).time())


def show(vendor: Gvp, sandbox: str, purchase_id: int, exp: str, sig: str, path: str):
    problem = _link_problem(vendor, sandbox, purchase_id, exp, sig)
    if problem is not None:
        return problem
    with vendor.runtime.db.write_session() as session:
        purchase, call = _open_settled(vendor, session, sandbox, purchase_id)
        if purchase is None:
            return _not_found()
        product = call.catalog.product(purchase.product_id)
        session.commit()
    return render_page(purchase.payment_type, product.title if product else "?",
                       purchase.price_cents, purchase_id, purchase.status, path, exp, sig)


def decide(vendor: Gvp, sandbox: str, purchase_id: int, exp: str, sig: str, decision: str):
    """The redirect target (str) after approving/cancelling, or the page explaining why not."""
    problem = _link_problem(vendor, sandbox, purchase_id, exp, sig)
    if problem is not None:
        return problem
    with vendor.runtime.db.write_session() as session:
        purchase, call = _open_settled(vendor, session, sandbox, purchase_id)
        if purchase is None:
            return _not_found()
        if purchase.status != "WaitingPayment":
            session.commit()  # a scenario's policy may have just decided it
            return message_page(
                409, "Payment already decided",
                f"This payment is no longer awaiting a decision (status {purchase.status}).")
        if decision == "approve":
            complete(call, purchase, f"approved on the {purchase.payment_type} page")
            target = purchase.return_url
        else:
            move(call, purchase, "Cancelled", f"cancelled on the {purchase.payment_type} page")
            target = purchase.cancel_url
        session.commit()
    return with_references(target or "/", purchase)
