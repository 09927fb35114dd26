"""The catalogue each sandbox sees: the seeded one (catalog.py, in memory, never stored) with
the sandbox's fixture rows (models.py) over it, and the anchor its windows are placed from.

Every lookup reads the sandbox's newest `GvpFixtureLoad` (one indexed query, no row at all for
a sandbox without fixtures); the catalogue built for a load's random `version` is kept, since a
version always stands for the same rows. Nothing else is kept in memory: whichever process,
replica or snapshot copy asks, the rows decide.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from sqlalchemy import bindparam
from sqlmodel import Session, select

from emulator.control.models import DEFAULT_SANDBOX, SandboxRow
from emulator.vendors.gvp.catalog import DAY, Catalog, PricingModel, Product, User
from emulator.vendors.gvp.models import (
    GvpFixtureLoad,
    GvpFixturePricingModel,
    GvpFixtureProduct,
    GvpFixtureUser,
)

# built once, like service.py's statements: the expression costs more than the query
_NEWEST = (select(GvpFixtureLoad.version, GvpFixtureLoad.generation)
           .where(GvpFixtureLoad.sandbox == bindparam("sb"))
           .order_by(GvpFixtureLoad.generation.desc()).limit(1))
# SQLite: the same SELECT on the session's own DBAPI connection (so inside its transaction):
# 10 µs instead of 55 µs through Core and 130 µs through the ORM (it runs on every request)
_NEWEST_SQLITE = ("SELECT version, generation FROM gvp_fixture_load WHERE sandbox = ? "
                  "ORDER BY generation DESC LIMIT 1")
KEPT = 256  # catalogues kept (one per distinct fixture version in use)


class SandboxCatalogs:
    def __init__(self) -> None:
        self.base = Catalog()
        self._built: OrderedDict[str, Catalog] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, sandbox: str) -> Catalog:
        newest = _newest(session, sandbox)
        if newest is None:
            return self.base
        version, generation = newest
        with self._lock:
            found = self._built.get(version)
            if found is not None:
                self._built.move_to_end(version)
                return found
        built = overlay(self.base, *rows_of(session, sandbox, generation))
        with self._lock:
            self._built[version] = built
            while len(self._built) > KEPT:
                self._built.popitem(last=False)
        return built


def rows_of(session: Session, sandbox: str, generation: int | None = None) -> tuple[list, ...]:
    """The sandbox's fixture rows (pricing models, products, users), up to a load."""
    found = []
    for model in (GvpFixturePricingModel, GvpFixtureProduct, GvpFixtureUser):
        query = select(model).where(model.sandbox == sandbox)
        if generation is not None:  # a load committed meanwhile belongs to a newer version
            query = query.where(model.generation <= generation)
        found.append(list(session.exec(query.order_by(model.pk))))
    return tuple(found)


def overlay(base: Catalog, pricing_models, products, users) -> Catalog:
    """`base` with the rows over it (a row replaces a seeded entry of the same id)."""
    catalog = base.copy()
    catalog.pricing_models.update((r.pricing_model_id, pricing_model_of(r)) for r in pricing_models)
    catalog.products.update((r.product_id, product_of(r)) for r in products)
    catalog.users.update((r.user_name, user_of(r)) for r in users)
    return catalog


def pricing_model_of(row: GvpFixturePricingModel) -> PricingModel:
    return PricingModel(row.pricing_model_id, row.title, row.price_cents, row.recurring,
                        3 if row.recurring else 0, instance_id=row.instance_id)


def product_of(row: GvpFixtureProduct) -> Product:
    return Product(row.product_id, row.type, row.title, tuple(json.loads(row.pricing_models)),
                   tuple(json.loads(row.payment_types)), row.start_offset_days,
                   row.end_offset_days, tuple(json.loads(row.device_types)), row.purchase_type,
                   row.instance_id, row.credit_cents, row.price_cents)


def user_of(row: GvpFixtureUser) -> User:
    return User(row.user_name, row.password, row.ewallet_cents, row.purchase_pin,
                row.parental_pin, instance_id=row.instance_id,
                owned=tuple(json.loads(row.owns)))


def _newest(session: Session, sandbox: str) -> tuple[str, int] | None:
    """(version, generation) of the sandbox's newest fixture load, if it has one."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        return conn.connection.driver_connection.execute(_NEWEST_SQLITE, (sandbox,)).fetchone()
    return conn.execute(_NEWEST, {"sb": sandbox}).first()


def newest_generation(session: Session, sandbox: str) -> int:
    newest = _newest(session, sandbox)
    return newest[1] if newest is not None else 0


def anchor(runtime, configured) -> float:
    """The instant commercialisation windows are placed from, the same in every process on
    the database (the start-up clock was not: a replica started later, or after the clock
    was advanced, placed them elsewhere): `catalog_anchor` if set, else the clock start every
    sandbox begins at (`clock_start`), else the day the database was created (the default
    sandbox's creation), floored to UTC midnight so windows fall on whole days."""
    if configured is not None:
        return configured.timestamp()
    start = runtime.settings.clock_start
    if start is not None:
        instant = start.timestamp()
    else:
        with runtime.db.read_session() as session:
            row = session.get(SandboxRow, DEFAULT_SANDBOX)
        # no row only before the control plane started, i.e. before any request
        instant = row.created_at if row is not None else runtime.clocks.get(DEFAULT_SANDBOX).time()
    return float(int(instant // DAY) * DAY)
