"""The seeded GVP data set: users, pricing models, subscriptions, movies and credits.

Hand-written, so it is the same on every run, and chosen so that each CreatePurchase exception
is reached by exactly one documented case (see cases.py). Commercialisation windows are placed
relative to an anchor instant (catalogs.anchor: settings.catalog_anchor, else the clock start,
else the day the database was created, floored to UTC midnight), so "not yet open" stays in
the future until the clock is advanced past it. Only mutable per-user state (balance, PINs,
purchases) and fixture additions are stored, in models.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAY = 86_400
# .NET DateTime.MaxValue as a Unix timestamp: the wiki's "no end" sentinel.
NO_END = 253402297199
ALL_PAYMENTS = ("Billing", "PayPal", "eWallet", "WebPay", "WorldPay")


@dataclass(frozen=True)
class User:
    name: str
    password: str
    ewallet_cents: int
    purchase_pin: str | None = "1234"
    parental_pin: str | None = "0000"
    purchase_pin_enabled: bool = True
    parental_pin_enabled: bool = True
    instance_id: int = 1
    user_id: int = 0
    owned: tuple[int, ...] = (1001,)          # products provisioned to the user
    pending: tuple[int, ...] = ()              # products with a purchase awaiting payment
    note: str = ""


@dataclass(frozen=True)
class PricingModel:
    id: int
    title: str
    price_cents: int
    recurring: bool
    recurrence_type: int = 0                   # RecurrenceType: 0 none, 3 monthly
    instance_id: int = 1
    user_type: int = 1                         # UserType.Telefonica
    quality: int = 1


@dataclass(frozen=True)
class Product:
    id: int
    type: str                                  # a ProductType name
    title: str
    pricing_models: tuple[int, ...] = ()
    payment_types: tuple[str, ...] = ALL_PAYMENTS
    start_offset_days: float | None = None     # DateStart = anchor + offset (None: long ago)
    end_offset_days: float | None = None       # DateEnd = anchor + offset (None: never)
    device_types: tuple[int, ...] = ()         # empty: every device type may acquire it
    purchase_type: int = 3                     # SubscriptionPurchaseType: 3 Both, 2 ProvisioningOnly
    instance_id: int = 1
    credit_cents: int = 0                      # Credit products: EWallet top-up amount
    price_cents: int = 0                       # Credit products: their own price
    fails: bool = False                        # purchase raises GenericError (a broken row)
    note: str = ""

    def date_start(self, anchor: float) -> int:
        if self.start_offset_days is None:
            return int(anchor - 365 * DAY)
        return int(anchor + self.start_offset_days * DAY)

    def date_end(self, anchor: float) -> int:
        return NO_END if self.end_offset_days is None else int(anchor + self.end_offset_days * DAY)


@dataclass(frozen=True)
class Instance:
    id: int
    mandatory_subscription: int | None


INSTANCES = {1: Instance(1, mandatory_subscription=1001), 2: Instance(2, None)}

USERS = [
    User("rich", "rich123", 50_000, user_id=101,
         note="EWallet 500.00, owns Base TV; the default buyer"),
    User("broke", "broke123", 0, user_id=102, note="EWallet 0.00"),
    User("frugal", "frugal123", 1_000, user_id=103,
         note="EWallet 10.00: enough for two 3.99 rentals"),
    User("pending", "pending123", 5_000, user_id=104, pending=(6005,),
         note="has a PayPal purchase of movie 6005 awaiting payment"),
    User("nosub", "nosub123", 5_000, user_id=105, owned=(),
         note="lacks the instance's mandatory subscription 1001"),
    User("kid", "kid123", 0, user_id=106, purchase_pin_enabled=False, parental_pin=None,
         note="purchase PIN disabled, no parental PIN registered"),
]

PRICING_MODELS = [
    PricingModel(201, "Base TV monthly", 990, True, 3),
    PricingModel(202, "Sports monthly", 1490, True, 3),
    PricingModel(203, "Sports 30-day pass", 2990, False),
    PricingModel(204, "Cinema Club monthly", 1290, True, 3),
    PricingModel(205, "Series 30-day pass", 1990, False),
    PricingModel(301, "Rental SD 48 h", 399, False),
    PricingModel(302, "Rental HD 48 h", 599, False, quality=2),
    PricingModel(299, "Rental (instance 2)", 299, False, instance_id=2),
]

PRODUCTS = [
    Product(1001, "Subscription", "Base TV", (201,), ("Billing", "PayPal", "eWallet", "WorldPay"),
            note="the instance's mandatory subscription"),
    Product(1002, "Subscription", "Sports Pack", (202, 203),
            note="recurring (202) and one-off (203) pricing"),
    Product(1003, "Subscription", "Cinema Club", (204,), ("Billing",), purchase_type=2,
            note="ProvisioningOnly"),
    Product(1005, "Subscription", "Series Pass", (205,), note="one-off pricing only"),
    Product(6001, "Movie", "The Emulated Heist", (301, 302, 299),
            note="also lists pricing model 299, which belongs to instance 2"),
    Product(6002, "Movie", "Wallet Wars", (301, 302)),
    Product(6003, "Movie", "PayPal Pictures", (301, 302)),
    Product(6004, "Movie", "WorldPay Western", (301, 302)),
    Product(6005, "Movie", "Pending Pursuit", (301, 302)),
    Product(6006, "Movie", "Mobile Only", (301,), device_types=(2, 3),
            note="acquirable on device types 2 and 3 only"),
    Product(6007, "Movie", "Classic Closed", (301,), end_offset_days=-1,
            note="commercialisation window closed a day before the anchor"),
    Product(6008, "Movie", "Premiere Soon", (301,), start_offset_days=7,
            note="commercialisation window opens 7 days after the anchor"),
    Product(6009, "Movie", "Faulty Feature", (301,), fails=True,
            note="its purchase fails inside GVP (GenericError)"),
    Product(6010, "Movie", "Billing Only", (301,), ("Billing",),
            note="payable with Billing only"),
    Product(5001, "Credit", "10.00 wallet top-up", (), ("Billing", "PayPal", "WebPay", "WorldPay"),
            credit_cents=1000, price_cents=1000),
    Product(5002, "Credit", "Top-up of instance 2", (), ("Billing", "PayPal"), instance_id=2,
            credit_cents=500, price_cents=500, note="belongs to instance 2"),
]


@dataclass
class Catalog:
    """The seeded data set, or it with one sandbox's fixture rows over it (catalogs.py)."""

    users: dict[str, User] = field(default_factory=lambda: {u.name: u for u in USERS})
    pricing_models: dict[int, PricingModel] = field(
        default_factory=lambda: {p.id: p for p in PRICING_MODELS})
    products: dict[int, Product] = field(default_factory=lambda: {p.id: p for p in PRODUCTS})
    instances: dict[int, Instance] = field(default_factory=lambda: dict(INSTANCES))

    def copy(self) -> Catalog:
        return Catalog(dict(self.users), dict(self.pricing_models), dict(self.products),
                       dict(self.instances))

    def user(self, name: str) -> User | None:
        return self.users.get(name)

    def product(self, product_id: int) -> Product | None:
        return self.products.get(product_id)
