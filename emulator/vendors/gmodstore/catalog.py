"""The seeded GmodStore catalogue: teams, users and products, generated in memory.

Deterministic for a seed and never stored. The demo ids in settings.py are added for every
seed so documentation and front-ends can rely on them. Fixture files add entries to one
sandbox; those are rows (`GmsCatalogEntry`) so they survive restarts, resets re-apply them
and snapshots copy them. The seeded entries win over a fixture entry with the same id.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from emulator.vendors.gmodstore import settings as s
from emulator.vendors.gmodstore.models import GmsCatalogEntry

STEAM64_BASE = 76561197960265728  # SteamID64 of account 0; real ids are this plus the account
ADDON_KINDS = ("HUD", "Admin Mod", "Gamemode", "Inventory", "Scoreboard", "F4 Menu",
               "Vehicle Pack", "NPC System", "Printer", "Anti-Cheat", "Casino", "Leveling")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    members: tuple[str, ...]  # user ids; the first is the owner

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "ownerId": self.members[0],
                "memberIds": list(self.members)}


@dataclass(frozen=True)
class User:
    id: str
    name: str

    def public(self) -> dict:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    team_id: str
    price: str  # USD, as a decimal string

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "teamId": self.team_id, "price": self.price}


KINDS = {"team": Team, "user": User, "product": Product}


@dataclass
class Layer:
    teams: dict[str, Team] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)

    def of(self, kind: str) -> dict:
        return {"team": self.teams, "user": self.users, "product": self.products}[kind]


class Catalog:
    def __init__(self, db, seed: int, *, teams: int, users: int, products: int) -> None:
        self.db = db
        self._spec = (seed, teams, users, products)
        self._base: Layer | None = None
        self._lock = threading.Lock()

    @property
    def base(self) -> Layer:
        """The seeded layer, generated on first use: importing Faker and generating take a
        tenth of a second that start-up (launch to ready) need not wait for."""
        if self._base is None:
            with self._lock:
                if self._base is None:
                    self._base = _generate(*self._spec)
        return self._base

    # -- lookups: the seeded layer first, then the sandbox's fixture rows ---------------
    def _one(self, sandbox: str, kind: str, entry_id: str):
        found = self.base.of(kind).get(entry_id)
        if found is not None or "\x00" in entry_id:  # PostgreSQL text cannot hold NUL
            return found
        with self.db.read_session() as session:
            data = session.execute(select(GmsCatalogEntry.data).where(
                GmsCatalogEntry.sandbox == sandbox, GmsCatalogEntry.kind == kind,
                GmsCatalogEntry.id == entry_id)).scalar_one_or_none()
        return _load(kind, data) if data is not None else None

    def _all(self, sandbox: str, kind: str) -> list:
        with self.db.read_session() as session:
            rows = session.execute(select(GmsCatalogEntry.id, GmsCatalogEntry.data).where(
                GmsCatalogEntry.sandbox == sandbox, GmsCatalogEntry.kind == kind).order_by(
                GmsCatalogEntry.pk)).all()
        base = self.base.of(kind)
        return list(base.values()) + [_load(kind, d) for i, d in rows if i not in base]

    def product(self, sandbox: str, product_id: str) -> Product | None:
        return self._one(sandbox, "product", product_id)

    def user(self, sandbox: str, user_id: str) -> User | None:
        return self._one(sandbox, "user", user_id)

    def team(self, sandbox: str, team_id: str) -> Team | None:
        return self._one(sandbox, "team", team_id)

    def products(self, sandbox: str) -> list[Product]:
        return self._all(sandbox, "product")

    def users(self, sandbox: str) -> list[User]:
        return self._all(sandbox, "user")

    def teams_of(self, sandbox: str, user_id: str) -> list[Team]:
        return [t for t in self._all(sandbox, "team") if user_id in t.members]

    def can_manage(self, sandbox: str, user_id: str, product: Product) -> bool:
        team = self.team(sandbox, product.team_id)
        return team is not None and user_id in team.members

    # -- fixtures -------------------------------------------------------------------------
    def store(self, session, sandbox: str, entry) -> None:
        """Add or replace a fixture entry of `sandbox` (the caller commits)."""
        kind = next(k for k, cls in KINDS.items() if isinstance(entry, cls))
        data = json.dumps(asdict(entry))
        row = session.execute(select(GmsCatalogEntry).where(
            GmsCatalogEntry.sandbox == sandbox, GmsCatalogEntry.kind == kind,
            GmsCatalogEntry.id == entry.id)).scalar_one_or_none()
        row = row or GmsCatalogEntry(sandbox=sandbox, kind=kind, id=entry.id, data=data)
        row.data = data
        session.add(row)


def _load(kind: str, data: str):
    fields = json.loads(data)
    if kind == "team":
        fields["members"] = tuple(fields["members"])
    return KINDS[kind](**fields)


def _generate(seed: int, n_teams: int, n_users: int, n_products: int) -> Layer:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(seed)
    rng = random.Random(f"gmodstore:{seed}")
    layer = Layer()

    def add_user(user_id: str, name: str) -> None:
        layer.users[user_id] = User(user_id, name)

    add_user(s.DEMO_OWNER_ID, "Demo Studio Owner")
    add_user(s.OTHER_OWNER_ID, "Rival Addons Owner")
    for i, buyer in enumerate(s.DEMO_BUYER_IDS, start=1):
        add_user(buyer, f"Demo Buyer {i}")
    while len(layer.users) < n_users + 2 + len(s.DEMO_BUYER_IDS):
        user_id = str(STEAM64_BASE + rng.randint(10_000_000, 1_200_000_000))
        if user_id not in layer.users:
            add_user(user_id, fake.user_name())

    generated_users = [u for u in layer.users if u not in
                       {s.DEMO_OWNER_ID, s.OTHER_OWNER_ID, *s.DEMO_BUYER_IDS}]
    layer.teams[s.DEMO_TEAM_ID] = Team(s.DEMO_TEAM_ID, "Demo Studio", (s.DEMO_OWNER_ID,))
    layer.teams[s.OTHER_TEAM_ID] = Team(s.OTHER_TEAM_ID, "Rival Addons", (s.OTHER_OWNER_ID,))
    for _ in range(n_teams):
        members = tuple(rng.sample(generated_users, k=min(len(generated_users),
                                                          rng.randint(1, 3))))
        if not members:
            break
        team_id = str(fake.uuid4())
        layer.teams[team_id] = Team(team_id, fake.company(), members)

    def add_product(product_id: str, name: str, team_id: str, price: str) -> None:
        layer.products[product_id] = Product(product_id, name, team_id, price)

    add_product(s.DEMO_PRODUCT_ID, "Demo HUD", s.DEMO_TEAM_ID, "9.99")
    add_product(s.DEMO_PRODUCT_2_ID, "Demo Admin Mod", s.DEMO_TEAM_ID, "14.99")
    add_product(s.OTHER_TEAM_PRODUCT_ID, "Rival Gamemode", s.OTHER_TEAM_ID, "19.99")
    team_ids = list(layer.teams)
    for _ in range(n_products):
        name = f"{fake.word().title()} {rng.choice(ADDON_KINDS)}"
        price = f"{rng.choice((0, 2, 4, 7, 9, 12, 14, 19, 24, 29))}.{rng.choice(('00', '49', '99'))}"
        add_product(str(fake.uuid4()), name, rng.choice(team_ids), price)
    return layer
