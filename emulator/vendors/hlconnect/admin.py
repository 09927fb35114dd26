"""HL Connect's side of the control plane: order lines as admin resources, forcing,
next-event times, and fixtures (extra assets and ready-made orders)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from emulator.errors import InvalidTransition, NotFound
from emulator.lifecycle.progression import DEFAULT_PROGRESSION, Progression
from emulator.vendors.hlconnect.lifecycle import (
    CANCELLED,
    COMPLETED,
    FAILED,
    ORDER_LINE,
    PROCESSING,
    advance,
    finish,
    progression_of,
)
from emulator.vendors.hlconnect.models import HLFixtureAsset, HLOrderLine, order_of
from emulator.vendors.hlconnect.schemas import INT64_MAX

if TYPE_CHECKING:
    from emulator.vendors.hlconnect import HLConnect

ORDER_FIELDS = {
    "order_number", "order_line_id", "asset_id", "customer", "quantity", "unit_price",
    "line_item_price", "country_code", "status", "account", "environment", "progression",
    "failure_message",
}


def describe(line: HLOrderLine) -> dict:
    return {
        "id": line.public_id, "kind": "order_line", "status": line.status,
        "created_at": line.created_at, "finished_at": line.finished_at,
        "environment": line.environment, "account": line.account,
        "order_id": line.order_number, "order_line_id": line.order_line_id,
        "parent_line_id": line.parent_line_id, "asset_id": line.asset_id,
        "customer": line.customer, "quantity": line.quantity, "unit_price": line.unit_price,
        "line_item_price": line.line_item_price, "country_code": line.country_code,
        "polls": line.polls, "progression": progression_of(line).model_dump(),
        "failure_message": line.failure_message,
    }


def resources(vendor: HLConnect, session, sandbox: str) -> list[dict]:
    rows = session.exec(select(HLOrderLine).where(HLOrderLine.sandbox == sandbox)
                        .order_by(HLOrderLine.pk)).all()
    now = vendor.runtime.clocks.get(sandbox).time()
    for row in rows:  # a time-based fulfilment that is due shows as done (not a poll)
        advance(session, row, now, poll=False)
    return [describe(row) for row in rows]


def _find(session, sandbox: str, resource_id: str) -> HLOrderLine | None:
    parts = resource_id.split("-")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[1:]):
        return None
    env, account, order, line = parts[0], *map(int, parts[1:])
    return session.exec(select(HLOrderLine).where(
        *order_of(sandbox, env, account, order), HLOrderLine.order_line_id == line)).first()


def resource(vendor: HLConnect, session, sandbox: str, resource_id: str) -> dict | None:
    line = _find(session, sandbox, resource_id)
    if line is None:
        return None
    advance(session, line, vendor.runtime.clocks.get(sandbox).time(), poll=False)
    return describe(line)


def force(vendor: HLConnect, session, sandbox: str, resource_id: str, action: str,
          message: str | None, now: float) -> dict:
    line = _find(session, sandbox, resource_id)
    if line is None:
        raise NotFound(f"no HL Connect order line {resource_id}")
    if action in ("complete", "fail"):
        finish(session, line, action, message, now, reason=f"admin force {action}")
    elif action == "processing":
        if line.status != PROCESSING:
            raise InvalidTransition(ORDER_LINE.name, line.status, PROCESSING)
        line.progression = Progression(kind="never").model_dump_json()
        session.add(line)
    else:
        raise InvalidTransition(ORDER_LINE.name, line.status, action)
    session.commit()
    return describe(line)


def next_event_at(session, sandbox: str, now: float) -> float | None:
    rows = session.exec(select(HLOrderLine).where(
        HLOrderLine.sandbox == sandbox, HLOrderLine.status == PROCESSING)).all()
    due = [progression_of(r).due_at(r.created_at) for r in rows]
    future = [d for d in due if d is not None and d > now]
    return min(future) if future else None


# -- fixtures ----------------------------------------------------------------------------
def load_fixtures(vendor: HLConnect, sandbox: str, data: dict) -> None:
    """`assets` (AssetItem fields; unspecified ones are generated) and `orders` (order lines,
    optionally with a status and a progression), all or nothing."""
    if not isinstance(data, dict):
        raise ValueError("hlconnect: the section must be a mapping with assets and/or orders")
    unknown = set(data) - {"assets", "orders"}
    if unknown:
        raise ValueError(f"hlconnect.{sorted(unknown)[0]}: unknown key (use assets, orders)")
    assets: dict[int, dict] = {}
    for i, raw in enumerate(_list(data, "assets")):
        asset = _fixture_asset(raw, f"hlconnect.assets[{i}]")
        if asset["asset_id"] in vendor.catalog:
            raise ValueError(f"hlconnect.assets[{i}].asset_id: {asset['asset_id']} is already "
                             "a catalogue asset (choose an unused id, e.g. above 2000000)")
        assets[asset["asset_id"]] = asset
    lines = [_fixture_line(vendor, sandbox, assets, raw, f"hlconnect.orders[{i}]")
             for i, raw in enumerate(_list(data, "orders"))]
    with vendor.runtime.db.write_session() as session:
        for asset_id, asset in assets.items():
            session.add(HLFixtureAsset(sandbox=sandbox, asset_id=asset_id,
                                       data=orjson.dumps(asset).decode()))
        for line, target in lines:
            ORDER_LINE.start(session, line, sandbox=sandbox, resource_id=line.public_id,
                             at=line.created_at, reason="fixture")
            session.add(line)
            if target in (COMPLETED, FAILED):
                finish(session, line, "complete" if target == COMPLETED else "fail",
                       line.failure_message, line.created_at, reason="fixture")
            elif target == CANCELLED:
                ORDER_LINE.apply(session, line, CANCELLED, sandbox=sandbox,
                                 resource_id=line.public_id, at=line.created_at,
                                 reason="fixture")
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise ValueError("hlconnect: an asset or order line appears twice (or already "
                             "exists in this sandbox)") from None


def _list(data: dict, key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f"hlconnect.{key}: must be a list")
    return value


def _fixture_asset(raw: object, where: str) -> dict:
    from faker import Faker

    from emulator.vendors.hlconnect.asset_factory import generate_asset
    from emulator.vendors.hlconnect.asset_model import AssetItem

    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a mapping of AssetItem fields")
    try:
        AssetItem.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{where}.{field}: {first['msg']}") from None
    fake = Faker("en_US")
    fake.seed_instance(f"fixture:{raw['asset_id']}")
    return {**generate_asset(fake, raw["asset_id"]), **raw}  # the rest filled realistically


def _fixture_line(vendor: HLConnect, sandbox: str, new_assets: dict[int, dict], raw: object,
                  where: str) -> tuple[HLOrderLine, str]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a mapping")
    unknown = set(raw) - ORDER_FIELDS
    if unknown:
        raise ValueError(f"{where}.{sorted(unknown)[0]}: unknown field")
    for key in ("order_number", "order_line_id", "asset_id"):
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= INT64_MAX:
            raise ValueError(f"{where}.{key}: must be a positive 64-bit integer")
    asset = new_assets.get(raw["asset_id"]) or vendor.service.asset(sandbox, raw["asset_id"])
    if asset is None:
        raise ValueError(f"{where}.asset_id: asset {raw['asset_id']} does not exist")
    status = raw.get("status", PROCESSING)
    if status not in ORDER_LINE.states:
        raise ValueError(f"{where}.status: one of {sorted(ORDER_LINE.states)}")
    customer = str(raw.get("customer", "Fixture Customer"))
    if not 1 <= len(customer) <= 500 or "\x00" in customer:
        raise ValueError(f"{where}.customer: 1 to 500 characters, no NUL")
    env = raw.get("environment", "production")
    if env not in ("production", "sandbox"):
        raise ValueError(f"{where}.environment: production or sandbox")
    try:
        policy = Progression.model_validate(raw["progression"]) if "progression" in raw \
            else DEFAULT_PROGRESSION
        quantity = int(raw.get("quantity", 1))
        unit = float(raw.get("unit_price", asset.get("retail_price") or 0))
        account = int(raw.get("account", 1))
    except (ValidationError, TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {exc}") from None
    if not 1 <= quantity <= 1_000_000 or not 1 <= account <= INT64_MAX:
        raise ValueError(f"{where}: quantity must be 1..1000000 and account positive")
    line = HLOrderLine(
        sandbox=sandbox, environment=env, account=account,
        order_number=raw["order_number"], order_line_id=raw["order_line_id"],
        asset_id=raw["asset_id"], customer=customer,
        quantity=quantity, unit_price=unit,
        line_item_price=float(raw.get("line_item_price", round(unit * quantity, 2))),
        country_code=str(raw.get("country_code", "US")).upper()[:2], status=PROCESSING,
        progression=policy.model_dump_json(),
        created_at=vendor.runtime.clocks.get(sandbox).time(),
        failure_message=str(raw["failure_message"])[:500] if raw.get("failure_message") else None,
    )
    return line, status
