"""GVP state shared by every method: tokens, per-user rows, purchases and their lifecycle.

Purchases move only through the `gvp.purchase` StateMachine (PurchaseStatus names); completing a
purchase (Billing at once, eWallet after the debit, a redirect payment when approved, or an admin
force) goes through `complete()`, which also tops up the EWallet for Credit products.

A new purchase is a draft until `store()`: it moves through the machine in memory and is
inserted once, in its final state, with its history, as prebuilt statements on the call's
session (emulator/hotsql.py; the ORM's unit of work was most of a CreatePurchase).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from emulator.db import table
from emulator.hotsql import in_session
from emulator.lifecycle import Progression, StateMachine
from emulator.lifecycle.machine import TransitionRecord
from emulator.vendors.gvp.catalog import DAY, NO_END, Catalog, Product, User
from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.models import GvpPurchase, GvpToken, GvpUserState
from emulator.vendors.gvp.params import Params
from emulator.vendors.gvp.settings import GvpSettings

if TYPE_CHECKING:
    from emulator.vendors.gvp.catalogs import SandboxCatalogs

# PurchaseStatus (FACT, PSTATUS)
PURCHASE_STATUS = {"Unknown": 0, "Pending": 1, "Finished": 2, "Error": 3, "Cancelled": 4,
                   "WaitingPayment": 5, "PendingOBActivation": 6, "PendingOBCancellation": 7,
                   "Canceling": 8, "Active": 9, "Trial": 10}
OWNING = frozenset({"Active", "Trial", "Finished", "PendingOBCancellation", "Canceling"})
PENDING = frozenset({"Pending", "WaitingPayment", "PendingOBActivation"})
REDIRECT_PAYMENTS = frozenset({"PayPal", "WebPay", "WorldPay"})

PURCHASE_MACHINE = StateMachine(
    "gvp.purchase",
    initial="Pending",
    transitions={
        # a purchase is Pending only inside the transaction that creates it
        "Pending": {"WaitingPayment", "Active", "Finished"},
        "WaitingPayment": {"Active", "Finished", "Cancelled", "Error"},
        "Active": {"PendingOBCancellation", "Cancelled"},
        "PendingOBCancellation": {"Cancelled"},
    },
)


@dataclass
class Call:
    """Everything a method handler needs for one request."""

    settings: GvpSettings
    catalogs: SandboxCatalogs
    sandbox: str
    now: float                 # the sandbox clock, read once when the request started
    base_url: str
    params: Params
    session: Session
    secret_key: str
    anchor: float              # the instant commercialisation windows are placed from
    fulfilment: Progression | None = None  # a scenario's policy for redirect payments
    # new purchases not yet stored: id(purchase) -> (the purchase, its history rows so far);
    # the purchase is kept so its id cannot be reused by another object meanwhile
    drafts: dict[int, tuple[GvpPurchase, list[dict]]] = field(default_factory=dict)

    @cached_property
    def catalog(self) -> Catalog:
        """The sandbox's catalogue, read on first use (GetTime and LoginAnonymous never do)."""
        return self.catalogs.get(self.session, self.sandbox)


# -- tokens ---------------------------------------------------------------------------------
def issue_token(call: Call, user: User | None, device_type: int, instance_id: int,
                device_id: str | None) -> GvpToken:
    prefix = "AU_" if user else "AN_"
    row = GvpToken(
        sandbox=call.sandbox, token=prefix + secrets.token_urlsafe(48),
        user_name=user.name if user else None, device_type=device_type, device_id=device_id,
        instance_id=instance_id, session_id=secrets.token_hex(16),
        created_at=call.now, expires_at=call.now + call.settings.token_ttl_seconds)
    call.session.add(row)
    return row


# built once: every method reads the token and most the user's row; building the expression
# cost more than running it
_TOKEN = select(GvpToken).where(GvpToken.sandbox == bindparam("sb"),
                                GvpToken.token == bindparam("token"))
_USER_STATE = select(GvpUserState).where(
    GvpUserState.sandbox == bindparam("sb"), GvpUserState.user_name == bindparam("user"),
).with_for_update()


def login_content(row: GvpToken) -> dict:
    return {"Token": row.token, "Expiration": int(row.expires_at), "Hashcode": None,
            "SessionId": row.session_id}


def resolve_token(call: Call) -> GvpToken:
    value = call.params.str("token")
    if not value:
        raise GvpException("InvalidTokenException", "the token parameter is required")
    row = call.session.exec(_TOKEN, params={"sb": call.sandbox, "token": value}).first()
    if row is None:
        raise GvpException("InvalidTokenException", "unknown token; log in again")
    if row.expires_at <= call.now:
        raise GvpException("InvalidTokenException", "the token has expired; call Renew or log in")
    return row


def logged_user(call: Call) -> tuple[GvpToken, User, GvpUserState]:
    """The token's user, or AuthenticationRequired for an anonymous token."""
    token = resolve_token(call)
    if token.user_name is None:
        raise GvpException("AuthenticationRequired", "this method needs a logged (AU_) token")
    user = call.catalog.user(token.user_name)
    if user is None:
        raise GvpException("InvalidUserException", "the token's user no longer exists")
    return token, user, user_state(call, user)


# -- per-user rows ----------------------------------------------------------------------------
def user_state(call: Call, user: User) -> GvpUserState:
    """The user's mutable row, created from the seeded baseline on first use in a sandbox.

    Read FOR UPDATE: one user's purchases, PIN changes and debits queue behind each other, so
    "already has the product" cannot be judged twice at once on PostgreSQL (SQLite already
    serialises writers)."""
    row = call.session.exec(_USER_STATE, params={"sb": call.sandbox, "user": user.name}).first()
    if row is not None:
        return row
    row = GvpUserState(
        sandbox=call.sandbox, user_name=user.name, ewallet_cents=user.ewallet_cents,
        purchase_pin=user.purchase_pin, purchase_pin_enabled=user.purchase_pin_enabled,
        parental_pin=user.parental_pin, parental_pin_enabled=user.parental_pin_enabled)
    try:
        with call.session.begin_nested():
            call.session.add(row)
    except IntegrityError:  # a concurrent first request created it (PostgreSQL): use theirs
        return call.session.exec(select(GvpUserState).where(
            GvpUserState.sandbox == call.sandbox, GvpUserState.user_name == user.name)
            .with_for_update()).one()
    for product_id in user.owned:
        _seed_purchase(call, user, product_id, "Billing", provisioned=True)
    for product_id in user.pending:
        _seed_purchase(call, user, product_id, "PayPal", provisioned=False)
    call.session.flush()
    return row


def _seed_purchase(call: Call, user: User, product_id: int, payment: str, *,
                   provisioned: bool) -> None:
    product = call.catalog.product(product_id)
    if product is None:
        return
    pm_id = product.pricing_models[0] if product.pricing_models else 0
    purchase = new_purchase(call, user.name, product, pm_id, payment, device_type=0,
                            return_url="http://localhost/return",
                            cancel_url="http://localhost/cancel")
    purchase.provisioned = provisioned
    if provisioned:
        complete(call, purchase, reason="provisioned by the seed")
    else:
        move(call, purchase, "WaitingPayment", "seeded pending purchase")
    store(call, purchase)


def debit(call: Call, state: GvpUserState, cents: int) -> bool:
    """Atomically take `cents` from the EWallet; False if the balance is too low.

    A conditional UPDATE (balance >= price) so concurrent purchases can never overdraw it."""
    result = call.session.execute(
        update(GvpUserState)
        .where(GvpUserState.pk == state.pk, GvpUserState.ewallet_cents >= cents)
        .values(ewallet_cents=GvpUserState.ewallet_cents - cents))
    call.session.refresh(state)
    return result.rowcount == 1


# a Core statement on the table: the ORM-enabled UPDATE evaluated the session's objects
# against its criteria first, 1.2 ms of a 5 ms CreatePurchase (cProfile)
_USERS = table(GvpUserState)
_CREDIT = (update(_USERS)
           .where(_USERS.c.sandbox == bindparam("sb"), _USERS.c.user_name == bindparam("user"))
           .values(ewallet_cents=_USERS.c.ewallet_cents + bindparam("cents")))


def credit(call: Call, user_name: str, cents: int) -> None:
    with in_session(call.session) as sql:
        sql.execute(_CREDIT, {"sb": call.sandbox, "user": user_name, "cents": cents})
    for held in list(call.session.identity_map.values()):  # a row this session holds: reload
        if (isinstance(held, GvpUserState) and held.sandbox == call.sandbox
                and held.user_name == user_name):
            call.session.expire(held, ["ewallet_cents"])


# -- purchases --------------------------------------------------------------------------------
_PURCHASES = table(GvpPurchase)
_LAST_ID = select(func.max(_PURCHASES.c.purchase_id)).where(
    _PURCHASES.c.sandbox == bindparam("sb"))
_INSERT_PURCHASE = insert(_PURCHASES)
_INSERT_HISTORY = insert(table(TransitionRecord))


def new_purchase(call: Call, user_name: str, product: Product, pricing_model_id: int,
                 payment: str, *, device_type: int, return_url: str | None = None,
                 cancel_url: str | None = None, track_id: str | None = None,
                 ux_reference: str | None = None) -> GvpPurchase:
    """A draft purchase in the initial state: move it, then `store()` it."""
    pm = call.catalog.pricing_models.get(pricing_model_id)
    price = product.price_cents if product.type == "Credit" else (pm.price_cents if pm else 0)
    purchase = GvpPurchase(
        sandbox=call.sandbox, purchase_id=0, user_name=user_name, product_id=product.id,
        product_type=product.type, pricing_model_id=pricing_model_id, payment_type=payment,
        status=PURCHASE_MACHINE.initial, price_cents=price, recurring=bool(pm and pm.recurring),
        device_type=device_type, created_at=call.now, updated_at=call.now,
        expiration_date=NO_END, return_url=return_url, cancel_url=cancel_url,
        track_id=track_id, ux_reference=ux_reference)
    call.drafts[id(purchase)] = (purchase, [PURCHASE_MACHINE.start_record(
        sandbox=call.sandbox, resource_id="", at=call.now, reason=f"{payment} purchase")])
    return purchase


def store(call: Call, purchase: GvpPurchase) -> None:
    """Insert a draft with its history. PurchaseIds count up per sandbox: SQLite serialises
    writers, so the next id is free; on PostgreSQL two purchases may pick the same one, and
    the loser of the unique constraint takes the one after (in a savepoint). The object stays
    outside the session: answer from it, never add it (that would insert it again)."""
    _, history = call.drafts.pop(id(purchase))
    sqlite = call.session.get_bind().dialect.name == "sqlite"
    with in_session(call.session) as sql:
        for _ in range(20):
            last = sql.rows(_LAST_ID, {"sb": call.sandbox})[0][0]
            _number(call, purchase, (last or 70000) + 1)
            values = purchase.model_dump(exclude={"pk"})
            if sqlite:
                sql.execute(_INSERT_PURCHASE, values)
                break
            try:
                with call.session.begin_nested():
                    sql.execute(_INSERT_PURCHASE, values)
            except IntegrityError:
                continue
            break
        else:
            raise GvpException("GenericError", "could not allocate a PurchaseId")
        resource_id = str(purchase.purchase_id)
        sql.executemany(_INSERT_HISTORY, [{**row, "resource_id": resource_id}
                                          for row in history])


def _number(call: Call, purchase: GvpPurchase, purchase_id: int) -> None:
    purchase.purchase_id = purchase_id
    purchase.transaction_id = f"TX{purchase_id:08d}"
    if purchase.payment_type == "PayPal":
        digest = _mac(call.secret_key, f"{call.sandbox}:{purchase_id}")
        purchase.paypal_token = "EC-" + digest[:17].upper()


def move(call: Call, purchase: GvpPurchase, target: str, reason: str) -> None:
    draft = call.drafts.get(id(purchase))
    if draft is None or draft[0] is not purchase:
        PURCHASE_MACHINE.apply(call.session, purchase, target, sandbox=call.sandbox,
                               resource_id=str(purchase.purchase_id), at=call.now,
                               reason=reason)
    else:  # numbered when stored
        draft[1].append(PURCHASE_MACHINE.record(purchase, target, sandbox=call.sandbox,
                                             resource_id="", at=call.now, reason=reason))
    purchase.updated_at = call.now


def complete(call: Call, purchase: GvpPurchase, reason: str) -> None:
    """Payment done: Active for subscriptions, Finished for rentals and credits."""
    target = "Active" if purchase.product_type == "Subscription" else "Finished"
    move(call, purchase, target, reason)
    if purchase.product_type == "Movie":
        purchase.expiration_date = int(call.now + call.settings.rental_hours * 3600)
    elif purchase.product_type == "Subscription" and not purchase.recurring:
        purchase.expiration_date = int(call.now + 30 * DAY)
    if purchase.product_type == "Credit":
        product = call.catalog.product(purchase.product_id)
        credit(call, purchase.user_name, product.credit_cents if product else purchase.price_cents)


def purchases_of(call: Call, user_name: str, product_id: int | None = None,
                 statuses: frozenset[str] | None = None) -> list[GvpPurchase]:
    """The user's purchases, oldest first, each settled (see `settle`) as it is read."""
    params: dict = {"sb": call.sandbox, "user": user_name}
    if product_id is not None:
        params["product"] = product_id
    if statuses is not None:
        params["statuses"] = sorted(statuses)
    query = _purchases_query(product_id is not None, statuses is not None)
    found = sorted(call.session.exec(query, params=params), key=lambda p: p.purchase_id)
    for purchase in found:
        settle(call, purchase)
    return found


@lru_cache(maxsize=4)
def _purchases_query(by_product: bool, by_status: bool):
    """Built once per shape: building the statement per call cost more than running it."""
    query = select(GvpPurchase).where(GvpPurchase.sandbox == bindparam("sb"),
                                      GvpPurchase.user_name == bindparam("user"))
    if by_product:
        query = query.where(GvpPurchase.product_id == bindparam("product"))
    if by_status:
        query = query.where(col(GvpPurchase.status).in_(bindparam("statuses", expanding=True)))
    # no ORDER BY purchase_id (sorted in Python, a user's purchases of a product are few): with
    # it SQLite walked the (sandbox, purchase_id) index, every purchase of the sandbox, to
    # skip a sort, and CreatePurchase grew slower with each one stored
    return query


def settle(call: Call, purchase: GvpPurchase) -> None:
    """Apply a scenario's fulfilment policy to a purchase awaiting payment, lazily on read:
    complete → Active/Finished, fail → Error. Each read that finds it not yet due is a poll."""
    if purchase.status != "WaitingPayment" or not purchase.progression:
        return
    policy = Progression.model_validate_json(purchase.progression)
    if policy.is_due(polls_so_far=purchase.polls, created_at=purchase.created_at, now=call.now):
        if policy.outcome == "complete":
            complete(call, purchase, f"scenario fulfilment ({policy.kind})")
        else:
            move(call, purchase, "Error", policy.message or "payment failed")
    else:
        purchase.polls += 1
        call.session.add(purchase)


def find_purchase(session: Session, sandbox: str, purchase_id: int) -> GvpPurchase | None:
    return session.exec(select(GvpPurchase).where(
        GvpPurchase.sandbox == sandbox, GvpPurchase.purchase_id == purchase_id)).first()


def owns(purchase: GvpPurchase, now: float) -> bool:
    return (purchase.status in OWNING and purchase.product_type != "Credit"
            and purchase.expiration_date > now)


# -- redirect payments -------------------------------------------------------------------------
def _mac(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def payment_signature(secret_key: str, sandbox: str, purchase_id: int, exp: int) -> str:
    return _mac(secret_key, f"gvp-pay:{sandbox}:{purchase_id}:{exp}")[:40]


def redirect_url(call: Call, purchase: GvpPurchase) -> str:
    exp = int(purchase.created_at + call.settings.payment_link_ttl_seconds)
    sig = payment_signature(call.secret_key, call.sandbox, purchase.purchase_id, exp)
    query = urlencode({"exp": exp, "sig": sig})
    return f"{call.base_url}/gvp/payment/{call.sandbox}/{purchase.purchase_id}?{query}"
