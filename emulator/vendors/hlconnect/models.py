"""HL Connect's mutable state: order lines and spent validation tokens.

`environment` separates the two flavours (live and sandbox are different hosts, so different
systems at HL); `sandbox` is the emulator's own isolation (X-Emulator-Sandbox).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel


# HL ids are 64-bit (schemas.INT64_MAX): BIGINT, or PostgreSQL refuses ids above 2**31 - 1
def _id(**kwargs):
    return Field(sa_type=BigInteger, **kwargs)


class HLOrderLine(SQLModel, table=True):
    __tablename__ = "hl_order_line"
    __table_args__ = (
        # the 409 rule: one line per (order_number, order_line_id) per vendor account
        UniqueConstraint("sandbox", "environment", "account", "order_number", "order_line_id",
                         name="uq_hl_order_line"),
    )

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64, index=True)
    environment: str = Field(max_length=16)  # production | sandbox
    account: int = _id()
    order_number: int = _id()
    order_line_id: int = _id()
    parent_line_id: int | None = _id(default=None)  # on the lines of an ensemble's parts
    asset_id: int = _id()
    customer: str = Field(max_length=500)
    quantity: int
    unit_price: float
    line_item_price: float
    country_code: str = Field(max_length=2)
    status: str = Field(max_length=16)
    progression: str  # a lifecycle Progression as JSON
    polls: int = 0  # /purchase/info reads answered while PROCESSING
    created_at: float
    finished_at: float | None = None
    failure_message: str | None = Field(default=None, max_length=500)

    @property
    def public_id(self) -> str:
        """The id the admin API uses: environment-account-order-line."""
        return line_public_id(self.environment, self.account, self.order_number,
                              self.order_line_id)


def line_public_id(environment: str, account: int, order_number: int, line_id: int) -> str:
    return f"{environment}-{account}-{order_number}-{line_id}"


class HLSpentToken(SQLModel, table=True):
    """A validation token used by a successful register (single use is this constraint)."""

    __tablename__ = "hl_spent_token"
    __table_args__ = (UniqueConstraint("sandbox", "token_id", name="uq_hl_spent_token"),)

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64, index=True)
    token_id: str = Field(max_length=64)
    account: int = _id()
    order_number: int = _id()
    spent_at: float


class HLFixtureAsset(SQLModel, table=True):
    """A catalogue addition from a fixture file: a row (not memory) so snapshots copy it,
    reset removes it and a restart keeps it, like the orders that may refer to it."""

    __tablename__ = "hl_fixture_asset"
    __table_args__ = (UniqueConstraint("sandbox", "asset_id", name="uq_hl_fixture_asset"),)

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64, index=True)
    asset_id: int = _id()
    data: str  # the AssetItem as JSON


def order_of(sandbox, environment, account, order_number) -> tuple:
    """The filter selecting one order's lines (values or bind parameters): the 409 rule's
    key without the line id."""
    return (HLOrderLine.sandbox == sandbox, HLOrderLine.environment == environment,
            HLOrderLine.account == account, HLOrderLine.order_number == order_number)
