"""HL Connect's rules: catalogue pages, validation, registration, fulfilment, links, cancel.

Raises emulator.errors exceptions only; routes turn results into wire responses and
HLConnect.render_error turns errors into ErrorResponse.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import orjson
from sqlalchemy import bindparam, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from emulator.context import RequestContext
from emulator.errors import BadRequest, Duplicate, Forbidden, NotFound, Unprocessable
from emulator.geo import InvalidIP
from emulator.lifecycle.machine import TransitionRecord
from emulator.lifecycle.progression import DEFAULT_PROGRESSION
from emulator.vendors.hlconnect import signing
from emulator.vendors.hlconnect.fixed_assets import POLICIES
from emulator.vendors.hlconnect.lifecycle import (
    COMPLETED,
    FAILED,
    ORDER_LINE,
    PROCESSING,
    advance,
)
from emulator.vendors.hlconnect.models import (
    HLFixtureAsset,
    HLOrderLine,
    HLSpentToken,
    line_public_id,
    order_of,
)
from emulator.vendors.hlconnect.schemas import (
    PurchaseRegisterRequest,
    PurchaseValidateBeforePaymentRequest,
    SandboxPurchaseRegisterRequest,
)

if TYPE_CHECKING:
    from emulator.vendors.hlconnect import HLConnect

PRODUCTION, SANDBOX = "production", "sandbox"

# built once: constructing the expression per request cost more than running it
_ORDER = order_of(bindparam("sb"), bindparam("env"), bindparam("acct"), bindparam("order"))
_ORDER_LINES = select(HLOrderLine).where(
    *_ORDER,
).order_by(HLOrderLine.order_line_id)
# the same rows as plain Core rows (attribute access, no ORM identity map): info's read path
_ORDER_ROWS = select(*HLOrderLine.__table__.c).where(
    *_ORDER,
).order_by(HLOrderLine.order_line_id)
_INSERT_LINES = insert(HLOrderLine.__table__)
_INSERT_HISTORY = insert(TransitionRecord.__table__)
_INSERT_SPENT = insert(HLSpentToken.__table__)


# unbounded cache, bounded by the schema (a line and at most 100 parts): an evicted statement
# would be compiled, and kept, again by emulator/hotsql.py
@cache
def _taken_line(count: int):
    """Which of `count` order lines (binds line_0 ...) the order already has: one prebuilt
    statement per line count (an order with parts has several)."""
    return select(HLOrderLine.order_line_id).where(
        *_ORDER, HLOrderLine.order_line_id.in_([bindparam(f"line_{i}") for i in range(count)]))


@dataclass(frozen=True)
class Caller:
    """Who is calling, on which flavour: orders are visible per (environment, account)."""

    account: int
    environment: str  # production (live flavour) | sandbox


@dataclass(frozen=True)
class Sale:
    asset_id: int
    quantity: int
    country: str


class HLService:
    def __init__(self, vendor: HLConnect) -> None:
        self.vendor = vendor
        self.runtime = vendor.runtime
        self.settings = vendor.settings
        self.secret = vendor.runtime.settings.secret_key

    # -- catalogue -----------------------------------------------------------------------
    def asset(self, sandbox: str, asset_id: int) -> dict | None:
        found = self.vendor.catalog.find(asset_id)
        if found is None:  # a fixture asset of this sandbox, if any
            with self.runtime.db.read_session() as session:
                data = session.exec(select(HLFixtureAsset.data).where(
                    HLFixtureAsset.sandbox == sandbox,
                    HLFixtureAsset.asset_id == asset_id)).first()
            found = orjson.loads(data) if data is not None else None
        return found

    def require_asset(self, sandbox: str, asset_id: int) -> dict:
        asset = self.asset(sandbox, asset_id)
        if asset is None:
            raise NotFound(f"Asset {asset_id} does not exist")
        return asset

    def list_assets(self, ctx: RequestContext, prefix: str, page_size: int,
                    last_id: int | None) -> dict:
        # one more than asked tells whether a next page exists
        ids = self.vendor.catalog.page_ids(last_id, page_size + 1)
        with self.runtime.db.read_session() as session:
            extra = session.exec(select(HLFixtureAsset.asset_id).where(
                HLFixtureAsset.sandbox == ctx.sandbox,
                HLFixtureAsset.asset_id > (last_id if last_id is not None else 0))
                .order_by(HLFixtureAsset.asset_id).limit(page_size + 1)).all()
        if extra:
            ids = sorted({*ids, *extra})[:page_size + 1]
        page, more = ids[:page_size], len(ids) > page_size
        assets = [self.vendor.public_asset(self.asset(ctx.sandbox, i), ctx.base_url)
                  for i in page]
        new_last = page[-1] if page else None
        next_page = None
        if more and new_last is not None:
            query = urlencode({"page_size": page_size, "last_id": new_last})
            next_page = f"{ctx.base_url}{prefix}/assets/list?{query}"
        return {"assets": assets, "last_id": new_last, "next_page": next_page}

    def check_sale(self, asset: dict, quantity: int, country: str) -> None:
        min_qty = asset.get("min_qty") or 1
        if quantity < min_qty:
            raise Unprocessable(
                f"Quantity {quantity} is below the minimum quantity {min_qty} for asset "
                f"{asset['asset_id']}", fields={"quantity": [f"must be at least {min_qty}"]})
        if not asset.get("world", True) and country not in (asset.get("countries") or []):
            raise Unprocessable(
                f"Asset {asset['asset_id']} is not available in {country} (sold only in "
                f"{', '.join(asset.get('countries') or []) or 'no country'})",
                fields={"country": ["regional restriction"]})

    # -- validate before payment (live) --------------------------------------------------
    def validate(self, ctx: RequestContext, caller: Caller,
                 req: PurchaseValidateBeforePaymentRequest) -> dict:
        try:
            country = self.runtime.geo.lookup(req.customer_ip)
        except InvalidIP as exc:
            raise BadRequest(f"customer_ip: {exc}") from None
        asset = self.require_asset(ctx.sandbox, req.asset_id)
        self.check_sale(asset, req.quantity, country)
        exp = int(ctx.now()) + self.settings.token_ttl_seconds
        token = signing.sign(self.secret, "validation", {
            "jti": secrets.token_hex(12), "sandbox": ctx.sandbox, "acct": caller.account,
            "asset": req.asset_id, "qty": req.quantity, "cc": country, "exp": exp,
        })
        return {"token": token, "exp_date": exp}

    def _redeem(self, ctx: RequestContext, caller: Caller, token: str) -> tuple[Sale, str]:
        try:
            claims = signing.verify(self.secret, "validation", token, ctx.now())
        except signing.BadSignature as exc:
            raise Unprocessable(f"Invalid validation token: {exc}",
                                fields={"token": [str(exc)]}) from None
        if claims.get("acct") != caller.account or claims.get("sandbox") != ctx.sandbox:
            raise Unprocessable("Invalid validation token: it was issued to another vendor",
                                fields={"token": ["issued to another vendor"]})
        return Sale(claims["asset"], claims["qty"], claims["cc"]), claims["jti"]

    # -- register --------------------------------------------------------------------------
    def register_live(self, ctx: RequestContext, caller: Caller,
                      req: PurchaseRegisterRequest) -> None:
        sale, token_id = self._redeem(ctx, caller, req.token)
        asset = self.require_asset(ctx.sandbox, sale.asset_id)
        self._register(ctx, caller, req, asset, sale, token_id)

    def register_sandbox(self, ctx: RequestContext, caller: Caller,
                         req: SandboxPurchaseRegisterRequest) -> None:
        asset = self.require_asset(ctx.sandbox, req.asset_id)
        self.check_sale(asset, req.quantity, req.country_code)
        self._register(ctx, caller, req, asset,
                       Sale(req.asset_id, req.quantity, req.country_code), None)

    def _register(self, ctx, caller: Caller, req, asset: dict, sale: Sale,
                  token_id: str | None) -> None:
        lines = [self._new_line(ctx, caller, req.order_number, req.order_line_id, sale.asset_id,
                                req.customer, sale, req.unit_price, req.line_item_price)]
        for part in req.parts or []:
            part_asset = self._part_asset(ctx.sandbox, asset, part.asset_id)
            price = float(part_asset.get("retail_price") or 0.0)
            line = self._new_line(ctx, caller, req.order_number, part.order_line_id,
                                  part.asset_id, req.customer, sale, price,
                                  round(price * sale.quantity, 2))
            line["parent_line_id"] = req.order_line_id
            lines.append(line)

        # prebuilt statements in one write transaction (emulator/hotsql.py): the ORM's unit of
        # work, then Core's per-call work, cost more than the SQL of these inserts (the
        # register is the emulator's commonest write)
        at = ctx.now()
        history = [ORDER_LINE.start_record(
            sandbox=ctx.sandbox, at=at, reason="register", resource_id=line_public_id(
                caller.environment, caller.account, req.order_number, line["order_line_id"]))
            for line in lines]
        taken_params = {"sb": ctx.sandbox, "env": caller.environment, "acct": caller.account,
                        "order": req.order_number}
        taken_params.update({f"line_{i}": line["order_line_id"] for i, line in enumerate(lines)})
        with self.runtime.db.hot_write() as sql:
            taken = sql.rows(_taken_line(len(lines)), taken_params)
            if taken:
                raise Duplicate(f"Order {req.order_number} already has order line {taken[0][0]}")
            # Lines first: on PostgreSQL concurrent twins all pass the check above and wait on
            # the unique index here, so the losers of a duplicate race get 409 (not 422).
            try:
                sql.executemany(_INSERT_LINES, lines)
            except IntegrityError:
                raise Duplicate(f"Order {req.order_number} line {req.order_line_id} already "
                                "exists") from None
            sql.executemany(_INSERT_HISTORY, history)
            if token_id is not None:
                try:
                    sql.execute(_INSERT_SPENT, {
                        "sandbox": ctx.sandbox, "token_id": token_id, "account": caller.account,
                        "order_number": req.order_number, "spent_at": at})
                except IntegrityError:
                    raise Unprocessable("Invalid validation token: it was already used",
                                        fields={"token": ["already used"]}) from None

    def _part_asset(self, sandbox: str, ensemble: dict, part_id: int) -> dict:
        if not ensemble.get("partable"):
            raise Unprocessable(f"Asset {ensemble['asset_id']} is not partable: parts cannot "
                                "be bought separately", fields={"parts": ["asset not partable"]})
        part = self.require_asset(sandbox, part_id)
        members = {p.get("asset_id") for p in ensemble.get("packages") or []
                   if not p.get("score")}
        if part_id not in members:
            raise Unprocessable(f"Asset {part_id} is not a part of ensemble "
                                f"{ensemble['asset_id']}", fields={"parts": ["not a part"]})
        return part

    def _new_line(self, ctx, caller: Caller, order_number: int, line_id: int, asset_id: int,
                  customer: str, sale: Sale, unit_price: float, line_price: float) -> dict:
        """A new line's column values (every column but the key: one executemany shape)."""
        policy = ctx.fulfilment or POLICIES.get(asset_id) or DEFAULT_PROGRESSION
        return {
            "sandbox": ctx.sandbox, "environment": caller.environment,
            "account": caller.account, "order_number": order_number, "order_line_id": line_id,
            "parent_line_id": None, "asset_id": asset_id, "customer": customer,
            "quantity": sale.quantity, "unit_price": unit_price, "line_item_price": line_price,
            "country_code": sale.country, "status": ORDER_LINE.initial,
            "progression": policy.model_dump_json(), "polls": 0, "created_at": ctx.now(),
            "finished_at": None, "failure_message": None,
        }

    # -- reading orders ------------------------------------------------------------------
    @staticmethod
    def _order_filter(ctx: RequestContext, caller: Caller, order_id: int) -> list:
        return list(order_of(ctx.sandbox, caller.environment, caller.account, order_id))

    def info(self, ctx: RequestContext, caller: Caller, order_id: int) -> tuple[int, object]:
        now = ctx.now()
        params = {"sb": ctx.sandbox, "env": caller.environment, "acct": caller.account,
                  "order": order_id}
        # one autocommit statement: most polls find nothing left to progress
        with self.runtime.db.hot_read() as sql:
            lines = sql.rows(_ORDER_ROWS, params)
        if any(line.status == PROCESSING for line in lines):
            # a line may progress or count a poll: read again under the write lock
            with self.runtime.db.write_session() as session:
                lines = session.exec(_ORDER_LINES, params=params).all()
                for line in lines:
                    advance(session, line, now, poll=True)
                session.commit()
        if not lines:
            raise NotFound(f"No orders found for order ID {order_id}")
        if any(line.status == PROCESSING for line in lines):
            return 202, {"status": PROCESSING}
        failed = [line for line in lines if line.status == FAILED]
        if failed:
            return 502, {"status": FAILED, "message": failed[0].failure_message}
        return 200, [self.order_item(ctx, line) for line in lines]

    def order_item(self, ctx: RequestContext, line: HLOrderLine) -> dict:
        done = line.status == COMPLETED
        return {
            "order_id": line.order_number, "order_line_id": line.order_line_id,
            "asset_id": line.asset_id, "customer": line.customer,
            "unit_price": line.unit_price, "line_item_price": line.line_item_price,
            "quantity": line.quantity, "country_code": line.country_code,
            "download_url": self.file_url(ctx, line, "download") if done else None,
            "view_url": self.file_url(ctx, line, "view") if done else None,
            "status": line.status,
        }

    def _line(self, session: Session, ctx, caller: Caller, order_id: int,
              line_id: int) -> HLOrderLine:
        line = session.exec(select(HLOrderLine).where(
            *self._order_filter(ctx, caller, order_id),
            HLOrderLine.order_line_id == line_id)).first()
        if line is None:
            raise NotFound(f"No order found for order {order_id} and line item {line_id}")
        return line

    def link(self, ctx: RequestContext, caller: Caller, order_id: int, line_id: int,
             kind: str) -> dict:
        with self.runtime.db.write_session() as session:
            line = self._line(session, ctx, caller, order_id, line_id)
            advance(session, line, ctx.now(), poll=False)
            session.commit()
        if line.status != COMPLETED:
            raise NotFound(f"No {kind} URL found for order {order_id} line {line_id}: the "
                           f"line is {line.status}")
        return {"url": self.file_url(ctx, line, kind)}

    def cancel(self, ctx: RequestContext, caller: Caller, order_id: int, line_id: int) -> None:
        with self.runtime.db.write_session() as session:
            line = self._line(session, ctx, caller, order_id, line_id)
            advance(session, line, ctx.now(), poll=False)
            if not ORDER_LINE.can(line.status, "CANCELLED"):
                session.commit()  # keep a progression that just fired
                raise BadRequest(f"Order {order_id} line {line_id} is {line.status} and cannot "
                                 "be cancelled")
            ORDER_LINE.apply(session, line, "CANCELLED", sandbox=ctx.sandbox,
                             resource_id=line.public_id, at=ctx.now(), reason="cancel")
            session.commit()

    # -- signed links --------------------------------------------------------------------
    def file_url(self, ctx: RequestContext, line: HLOrderLine, kind: str) -> str:
        token = signing.sign(self.secret, kind, {
            "sandbox": line.sandbox, "env": line.environment, "acct": line.account,
            "order": line.order_number, "line": line.order_line_id,
            "exp": int(ctx.now()) + self.settings.url_ttl_seconds,
        })
        return f"{ctx.base_url}/hlconnect/{kind}/{token}"

    def open_file(self, token: str, kind: str) -> tuple[HLOrderLine, dict]:
        """The completed line and asset a link grants; Forbidden for anything else."""
        try:
            claims = signing.verify(self.secret, kind, token,
                                    lambda c: self.runtime.clocks.get(str(c.get("sandbox"))).time())
        except signing.BadSignature as exc:
            raise Forbidden(f"This {kind} link is not valid: {exc}") from None
        with self.runtime.db.read_session() as session:
            line = session.exec(select(HLOrderLine).where(
                *order_of(claims["sandbox"], claims["env"], claims["acct"], claims["order"]),
                HLOrderLine.order_line_id == claims["line"])).first()
        if line is None or line.status != COMPLETED:
            raise Forbidden(f"This {kind} link no longer grants access: the order line is "
                            f"{line.status if line else 'gone'}")
        asset = self.asset(line.sandbox, line.asset_id) or {"asset_id": line.asset_id,
                                                            "title": f"Asset {line.asset_id}"}
        return line, asset
