"""The example vendor's one table.

The emulator's table rules: a `sandbox` column, a surrogate autoincrement `pk`, public ids
unique per sandbox, rows referring to each other by public id. Reset, snapshots, sandbox copies
and export/import then handle the rows with no code of the vendor's.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class ExampleOrder(SQLModel, table=True):
    __tablename__ = "example_order"
    __table_args__ = (UniqueConstraint("sandbox", "id", name="uq_example_order"),)

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64, index=True)
    id: str = Field(max_length=32)
    sku: str = Field(max_length=64)
    buyer: str = Field(max_length=64)
    status: str = Field(max_length=16)
    created_at: float
    fulfil_at: float | None = None  # clock instant; None: never by itself (pinned by admin)
