"""The `gmodstore` section of a fixture file: extra teams, users, products and purchases.

```yaml
gmodstore:
  teams:     [{id: t1, name: My Team, members: ["7656119..."]}]   # first member owns it
  users:     [{id: "7656119...", name: alice}]
  products:  [{id: p1, name: My HUD, teamId: t1, price: "4.99"}]
  purchases: [{productId: p1, userId: "7656119...", revoked: false, id: optional}]
```
Everything applies to the sandbox loaded into and is stored as rows (catalogue entries in
`gms_catalog_entry`), so it survives restarts and snapshots copy it. Loading twice is
harmless: entries are replaced, a purchase whose id exists is left alone.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from emulator.errors import DomainError
from emulator.vendors.gmodstore.catalog import Layer, Product, Team, User
from emulator.vendors.gmodstore.models import GmsPurchase

_NS = uuid.UUID("6f1c2a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
SECTIONS = ("teams", "users", "products", "purchases")
FIELDS = {
    "teams": {"id", "name", "members"},
    "users": {"id", "name"},
    "products": {"id", "name", "teamId", "price"},
    "purchases": {"id", "productId", "userId", "revoked"},
}


def _items(data: dict, section: str) -> list[dict]:
    items = data.get(section) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError(f"gmodstore.{section} must be a list of objects")
    for i, item in enumerate(items):
        unknown = set(item) - FIELDS[section]
        if unknown:  # a typo must not be silently ignored
            raise ValueError(f"gmodstore.{section}[{i}].{sorted(unknown)[0]}: unknown field "
                             f"(use {', '.join(sorted(FIELDS[section]))})")
    return items


def _text(item: dict, key: str, where: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
        raise ValueError(f"{where}.{key} is required (a string)")
    if "\x00" in str(value):
        raise ValueError(f"{where}.{key} must not contain NUL characters")
    if len(str(value)) > 64:
        raise ValueError(f"{where}.{key} is longer than 64 characters")
    return str(value)


def load(vendor, sandbox: str, data: dict) -> None:
    if not isinstance(data, dict):
        raise ValueError("gmodstore: the fixture section must be a mapping")
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise ValueError(f"gmodstore: unknown section(s) {sorted(unknown)}; use {SECTIONS}")
    catalog = vendor.catalog
    layer = Layer()
    for i, item in enumerate(_items(data, "users")):
        where = f"gmodstore.users[{i}]"
        user_id = _text(item, "id", where)
        layer.users[user_id] = User(user_id, _text(item, "name", where, user_id))
    known_user = lambda uid: uid in layer.users or catalog.user(sandbox, uid) is not None  # noqa: E731
    for i, item in enumerate(_items(data, "teams")):
        where = f"gmodstore.teams[{i}]"
        members = item.get("members")
        if not isinstance(members, list) or not members:
            raise ValueError(f"{where}.members must be a non-empty list of user ids")
        members = tuple(str(m) for m in members)
        for m in members:
            if not known_user(m):
                raise ValueError(f"{where}.members: unknown user {m}")
        team_id = _text(item, "id", where)
        layer.teams[team_id] = Team(team_id, _text(item, "name", where, team_id), members)
    for i, item in enumerate(_items(data, "products")):
        where = f"gmodstore.products[{i}]"
        team_id = _text(item, "teamId", where)
        if team_id not in layer.teams and catalog.team(sandbox, team_id) is None:
            raise ValueError(f"{where}.teamId: unknown team {team_id}")
        product_id = _text(item, "id", where)
        layer.products[product_id] = Product(product_id, _text(item, "name", where, product_id),
                                             team_id, _text(item, "price", where, "0.00"))
    purchases = []
    for i, item in enumerate(_items(data, "purchases")):
        where = f"gmodstore.purchases[{i}]"
        product_id, user_id = _text(item, "productId", where), _text(item, "userId", where)
        if product_id not in layer.products and catalog.product(sandbox, product_id) is None:
            raise ValueError(f"{where}.productId: unknown product {product_id}")
        if not known_user(user_id):
            raise ValueError(f"{where}.userId: unknown user {user_id}")
        revoked = item.get("revoked", False)
        if not isinstance(revoked, bool):
            raise ValueError(f"{where}.revoked must be true or false")
        default_id = str(uuid.uuid5(_NS, f"{sandbox}:{i}:{product_id}:{user_id}"))
        purchases.append((where, _text(item, "id", where, default_id), product_id, user_id,
                          revoked))
    _store(vendor, sandbox, layer, purchases)


def _store(vendor, sandbox: str, layer: Layer, purchases: list) -> None:
    from emulator.vendors.gmodstore.service import insert_purchase

    now = vendor.runtime.clocks.get(sandbox).time()
    db = vendor.runtime.db
    with db.write_session() as session:
        for entry in [*layer.users.values(), *layer.teams.values(), *layer.products.values()]:
            vendor.catalog.store(session, sandbox, entry)
        session.commit()
    for where, purchase_id, product_id, user_id, revoked in purchases:
        with db.write_session() as session:
            if session.execute(select(GmsPurchase.pk).where(
                    GmsPurchase.sandbox == sandbox, GmsPurchase.id == purchase_id)).first():
                continue
            try:
                insert_purchase(session, sandbox, product_id, user_id, now,
                                purchase_id=purchase_id, revoked=revoked, reason="fixture")
            except DomainError as exc:
                raise ValueError(f"{where}: {exc.message}") from None
