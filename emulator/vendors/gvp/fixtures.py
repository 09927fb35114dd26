"""Fixture files' `gvp` section: extra users, pricing models and products for one sandbox.

```yaml
gvp:
  pricing_models: [{id: 401, title: Promo, price: 1.99, recurring: false}]
  products: [{id: 6100, type: Movie, title: Extra, pricingModels: [401]}]
  users: [{userName: eve, password: eve123, ewallet: 20.0, owns: [1001]}]
```

Stored as rows (models.py `gvp_fixture_*`, plus one `gvp_fixture_load` per load), so reset,
snapshots, sandbox copies, export/import and every replica treat them like all other state;
catalogs.py lays them over the seeded catalogue. A fixture may redefine a seeded entry. One that
an earlier load into the same sandbox defined may come again unchanged (nothing is stored) but
not changed: rows are only ever added, which is what lets the control plane undo a failed load
and a process keep the catalogue it built for a load.
"""

from __future__ import annotations

import json
import secrets
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import IntegrityError

from emulator.vendors.gvp.catalog import ALL_PAYMENTS, Catalog, PricingModel, Product, User
from emulator.vendors.gvp.catalogs import (
    newest_generation,
    overlay,
    pricing_model_of,
    product_of,
    rows_of,
    user_of,
)
from emulator.vendors.gvp.models import (
    GvpFixtureLoad,
    GvpFixturePricingModel,
    GvpFixtureProduct,
    GvpFixtureUser,
)
from emulator.vendors.gvp.params import INT32_MAX

# bounds the columns and the wire need: ids are .NET ints, money fits the cents columns,
# offsets keep DateStart/DateEnd before .NET's DateTime.MaxValue
Id = Annotated[int, Field(gt=0, le=INT32_MAX)]
Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Money = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
Days = Annotated[float, Field(ge=-100_000, le=100_000, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PricingModelFixture(_Strict):
    id: Id
    title: str = Field(max_length=200)
    price: Money
    recurring: bool = False
    instanceId: Int32 = 1


class ProductFixture(_Strict):
    id: Id
    type: str = Field(max_length=32)
    title: str = Field(max_length=200)
    pricingModels: list[Id] = Field(default_factory=list, max_length=100)
    paymentTypes: list[str] = Field(default_factory=lambda: list(ALL_PAYMENTS), max_length=20)
    startOffsetDays: Days | None = None
    endOffsetDays: Days | None = None
    deviceTypes: list[Int32] = Field(default_factory=list, max_length=100)
    purchaseType: int = Field(3, ge=0, le=3)
    instanceId: Int32 = 1
    creditAmount: Money = 0
    price: Money = 0


class UserFixture(_Strict):
    userName: str = Field(min_length=1, max_length=100)
    password: str = Field(max_length=100)
    ewallet: Money = 0
    purchasePin: str | None = Field("1234", max_length=16)
    parentalPin: str | None = Field(None, max_length=16)
    instanceId: Int32 = 1
    owns: list[Id] = Field(default_factory=list, max_length=100)


class GvpFixtures(_Strict):
    pricing_models: list[PricingModelFixture] = Field(default_factory=list)
    products: list[ProductFixture] = Field(default_factory=list)
    users: list[UserFixture] = Field(default_factory=list)


def load(db, base: Catalog, sandbox: str, data: dict, product_types: dict[str, int],
         payment_types: dict[str, int]) -> None:
    """Validate `data` and add it to `sandbox` as rows in one transaction; a ValueError names
    the bad field and stores nothing."""
    if not data:
        return
    if not isinstance(data, dict):
        raise ValueError("gvp: the fixture section must be a mapping")
    fx = parse(data)
    with db.write_session() as session:
        stored = rows_of(session, sandbox)
        generation = newest_generation(session, sandbox) + 1
        added = _new_rows(fx, overlay(base, *stored), stored, product_types, payment_types)
        if not added:
            return  # everything was loaded before, unchanged
        for row in added:
            row.sandbox, row.generation = sandbox, generation
        session.add_all(added)
        session.add(GvpFixtureLoad(sandbox=sandbox, generation=generation,
                                   version=secrets.token_hex(16)))
        try:
            session.commit()
        except IntegrityError:  # PostgreSQL: a load into this sandbox committed meanwhile
            raise ValueError("gvp: another fixture load into this sandbox ran at the same "
                             "time; load again") from None


def parse(data: dict) -> GvpFixtures:
    try:
        return GvpFixtures.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"gvp.{where}: {err['msg']}") from None


def _new_rows(fx: GvpFixtures, catalog: Catalog, stored: tuple[list, ...],
              product_types: dict[str, int], payment_types: dict[str, int]) -> list:
    """The rows to add, checked in the order pricing models → products → users so each may
    refer to the ones before it (by public id); `catalog` is the sandbox's, updated as it goes."""
    old_pms = {r.pricing_model_id: pricing_model_of(r) for r in stored[0]}
    old_products = {r.product_id: product_of(r) for r in stored[1]}
    old_users = {r.user_name: user_of(r) for r in stored[2]}
    added: list = []
    seen: set = set()
    for i, pm in enumerate(fx.pricing_models):
        new = PricingModel(pm.id, pm.title, round(pm.price * 100), pm.recurring,
                           3 if pm.recurring else 0, instance_id=pm.instanceId)
        if _fresh(f"gvp.pricing_models.{i}.id", "pricing model", new.id, new, old_pms, seen):
            added.append(GvpFixturePricingModel(
                pricing_model_id=new.id, title=new.title, price_cents=new.price_cents,
                recurring=new.recurring, instance_id=new.instance_id))
        catalog.pricing_models[new.id] = new
    for i, p in enumerate(fx.products):
        where = f"gvp.products.{i}"
        if p.type not in product_types or p.type == "Unknown":
            raise ValueError(f"{where}.type: unknown product type '{p.type}'")
        for pm_id in p.pricingModels:
            if pm_id not in catalog.pricing_models:
                raise ValueError(f"{where}.pricingModels: no pricing model {pm_id}")
        for pay in p.paymentTypes:
            if pay not in payment_types or pay == "Unknown":
                raise ValueError(f"{where}.paymentTypes: unknown payment type '{pay}'")
        new = Product(p.id, p.type, p.title, tuple(p.pricingModels), tuple(p.paymentTypes),
                      p.startOffsetDays, p.endOffsetDays, tuple(p.deviceTypes), p.purchaseType,
                      p.instanceId, round(p.creditAmount * 100), round(p.price * 100))
        if _fresh(f"{where}.id", "product", new.id, new, old_products, seen):
            added.append(GvpFixtureProduct(
                product_id=new.id, type=new.type, title=new.title,
                pricing_models=_json(new.pricing_models), device_types=_json(new.device_types),
                payment_types=_json(new.payment_types, f"{where}.paymentTypes", 500),
                start_offset_days=new.start_offset_days, end_offset_days=new.end_offset_days,
                purchase_type=new.purchase_type, instance_id=new.instance_id,
                credit_cents=new.credit_cents, price_cents=new.price_cents))
        catalog.products[new.id] = new
    for i, u in enumerate(fx.users):
        for product_id in u.owns:
            if product_id not in catalog.products:
                raise ValueError(f"gvp.users.{i}.owns: no product {product_id}")
        new = User(u.userName, u.password, round(u.ewallet * 100), u.purchasePin, u.parentalPin,
                   instance_id=u.instanceId, owned=tuple(u.owns))
        if _fresh(f"gvp.users.{i}.userName", "user", new.name, new, old_users, seen):
            added.append(GvpFixtureUser(
                user_name=new.name, password=new.password, ewallet_cents=new.ewallet_cents,
                purchase_pin=new.purchase_pin, parental_pin=new.parental_pin,
                instance_id=new.instance_id, owns=_json(new.owned)))
    return added


def _fresh(where: str, kind: str, key, new, stored: dict, seen: set) -> bool:
    """True when `new` is to be stored; False when the sandbox has it already, unchanged."""
    if (kind, key) in seen:
        raise ValueError(f"{where}: {kind} {key!r} is listed twice")
    seen.add((kind, key))
    if key not in stored:
        return True
    if stored[key] == new:
        return False
    raise ValueError(f"{where}: {kind} {key!r} was loaded into this sandbox before with other "
                     "values; reset the sandbox to change it")


def _json(values: tuple, where: str = "", limit: int = 2000) -> str:
    text = json.dumps(list(values), separators=(",", ":"))
    if len(text) > limit:  # the column's size (PostgreSQL enforces it)
        raise ValueError(f"{where}: too long ({len(text)} characters as JSON, at most {limit})")
    return text
