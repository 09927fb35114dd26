"""GmodStore state: purchases and fixture entries (rows with a `sandbox` column).

Rate-limit windows are the emulator's one limiter's rows (emulator/ratelimit.py).

"At most one unrevoked purchase per (sandbox, product, user)" is a unique *partial* index
(`WHERE status = 'active'`, supported by SQLite and PostgreSQL), so two concurrent creates
cannot both commit, whatever the application checked before inserting.
"""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

ACTIVE = "active"
REVOKED = "revoked"


class GmsPurchase(SQLModel, table=True):
    __tablename__ = "gms_purchase"
    __table_args__ = (
        UniqueConstraint("sandbox", "id", name="uq_gms_purchase_id"),
        Index("uq_gms_purchase_active", "sandbox", "product_id", "user_id", unique=True,
              sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        # keyset pagination walks (created_at, pk) within one product
        Index("ix_gms_purchase_page", "sandbox", "product_id", "created_at", "pk"),
    )

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    id: str = Field(max_length=64)
    product_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    status: str = Field(default=ACTIVE, max_length=16)  # gmodstore.purchase: active | revoked
    created_at: float
    updated_at: float

    @property
    def revoked(self) -> bool:
        return self.status == REVOKED


class GmsCatalogEntry(SQLModel, table=True):
    """A team, user or product added to one sandbox by a fixture file (JSON of its fields)."""

    __tablename__ = "gms_catalog_entry"
    __table_args__ = (
        UniqueConstraint("sandbox", "kind", "id", name="uq_gms_catalog_entry"),
    )

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # team | user | product
    id: str = Field(max_length=64)
    data: str = Field(max_length=4000)
