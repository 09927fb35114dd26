"""Fixture files' `gvp` section: extra users, pricing models and products for one sandbox.

```yaml
gvp:
  pricing_models: [{id: 401, title: Promo, price: 1.99, recurring: false}]
  products: [{id: 6100, type: Movie, title: Extra, pricingModels: [401]}]
  users: [{userName: eve, password: eve123, ewallet: 20.0, owns: [1001]}]
```
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from emulator.vendors.gvp.catalog import ALL_PAYMENTS, Catalog, PricingModel, Product, User


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PricingModelFixture(_Strict):
    id: int = Field(gt=0)
    title: str
    price: float = Field(ge=0)
    recurring: bool = False
    instanceId: int = 1


class ProductFixture(_Strict):
    id: int = Field(gt=0)
    type: str
    title: str
    pricingModels: list[int] = Field(default_factory=list)
    paymentTypes: list[str] = Field(default_factory=lambda: list(ALL_PAYMENTS))
    startOffsetDays: float | None = None
    endOffsetDays: float | None = None
    deviceTypes: list[int] = Field(default_factory=list)
    purchaseType: int = Field(3, ge=0, le=3)
    instanceId: int = 1
    creditAmount: float = Field(0, ge=0)
    price: float = Field(0, ge=0)


class UserFixture(_Strict):
    userName: str = Field(min_length=1, max_length=100)
    password: str
    ewallet: float = Field(0, ge=0)
    purchasePin: str | None = "1234"
    parentalPin: str | None = None
    instanceId: int = 1
    owns: list[int] = Field(default_factory=list)


class GvpFixtures(_Strict):
    pricing_models: list[PricingModelFixture] = Field(default_factory=list)
    products: list[ProductFixture] = Field(default_factory=list)
    users: list[UserFixture] = Field(default_factory=list)


def apply_fixtures(base: Catalog, data: dict, product_types: dict[str, int],
                   payment_types: dict[str, int]) -> Catalog:
    """A copy of `base` with the fixtures added; ValueError naming the bad field."""
    try:
        fx = GvpFixtures.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"gvp.{where}: {err['msg']}") from None
    catalog = base.copy()
    for pm in fx.pricing_models:
        catalog.pricing_models[pm.id] = PricingModel(
            pm.id, pm.title, round(pm.price * 100), pm.recurring, 3 if pm.recurring else 0,
            instance_id=pm.instanceId)
    for i, p in enumerate(fx.products):
        if p.type not in product_types or p.type == "Unknown":
            raise ValueError(f"gvp.products.{i}.type: unknown product type '{p.type}'")
        for pm_id in p.pricingModels:
            if pm_id not in catalog.pricing_models:
                raise ValueError(f"gvp.products.{i}.pricingModels: no pricing model {pm_id}")
        for pay in p.paymentTypes:
            if pay not in payment_types or pay == "Unknown":
                raise ValueError(f"gvp.products.{i}.paymentTypes: unknown payment type '{pay}'")
        catalog.products[p.id] = Product(
            p.id, p.type, p.title, tuple(p.pricingModels), tuple(p.paymentTypes),
            p.startOffsetDays, p.endOffsetDays, tuple(p.deviceTypes), p.purchaseType,
            p.instanceId, round(p.creditAmount * 100), round(p.price * 100))
    for i, u in enumerate(fx.users):
        for product_id in u.owns:
            if product_id not in catalog.products:
                raise ValueError(f"gvp.users.{i}.owns: no product {product_id}")
        catalog.users[u.userName] = User(
            u.userName, u.password, round(u.ewallet * 100), u.purchasePin, u.parentalPin,
            instance_id=u.instanceId, user_id=1000 + i, owned=tuple(u.owns))
    return catalog
