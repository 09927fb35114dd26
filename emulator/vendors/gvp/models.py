"""GVP's state, one row per thing, each with a `sandbox` column.

Tokens, per-user state (EWallet, PINs), purchases, used OAuth nonces, and the users, products
and pricing models a fixture file added (over the seeded catalogue, which is never stored).
Uniqueness is a database constraint (per sandbox), so concurrent duplicates cannot slip through.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class GvpToken(SQLModel, table=True):
    __tablename__ = "gvp_token"
    __table_args__ = (UniqueConstraint("sandbox", "token", name="uq_gvp_token"),
                      Index("ix_gvp_token_expiry", "sandbox", "expires_at"))

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    token: str = Field(max_length=200)
    user_name: str | None = Field(default=None, max_length=100)  # None: anonymous
    device_type: int = 0
    device_id: str | None = Field(default=None, max_length=200)
    instance_id: int = 0
    session_id: str = Field(max_length=64)
    created_at: float
    expires_at: float


class GvpUserState(SQLModel, table=True):
    __tablename__ = "gvp_user_state"
    __table_args__ = (UniqueConstraint("sandbox", "user_name", name="uq_gvp_user_state"),)

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    user_name: str = Field(max_length=100)
    # money in cents so concurrent debits cannot drift; the wire shows a double
    ewallet_cents: int = 0
    purchase_pin: str | None = Field(default=None, max_length=16)
    purchase_pin_enabled: bool = True
    parental_pin: str | None = Field(default=None, max_length=16)
    parental_pin_enabled: bool = True


class GvpPurchase(SQLModel, table=True):
    __tablename__ = "gvp_purchase"
    __table_args__ = (UniqueConstraint("sandbox", "purchase_id", name="uq_gvp_purchase"),
                      # status last: "a pending purchase of this product?" is a seek, not a
                      # scan of every (repeatable) credit top-up the user made
                      Index("ix_gvp_purchase_user", "sandbox", "user_name", "product_id",
                            "status"))

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    purchase_id: int
    user_name: str = Field(max_length=100)
    product_id: int
    product_type: str = Field(max_length=32)
    pricing_model_id: int = 0
    payment_type: str = Field(max_length=32)
    status: str = Field(max_length=32)
    price_cents: int = 0
    recurring: bool = False
    device_type: int = 0
    created_at: float
    updated_at: float
    # Unix seconds up to .NET's DateTime.MaxValue (253402297199): needs 64 bits on PostgreSQL
    expiration_date: int = Field(sa_type=BigInteger)
    transaction_id: str | None = Field(default=None, max_length=64)
    paypal_token: str | None = Field(default=None, max_length=64)
    return_url: str | None = Field(default=None, max_length=2000)
    cancel_url: str | None = Field(default=None, max_length=2000)
    track_id: str | None = Field(default=None, max_length=200)
    ux_reference: str | None = Field(default=None, max_length=200)
    provisioned: bool = False  # granted by the seed (operator provisioning), not bought
    # a scenario's `fulfilment` decides a redirect payment without the browser (Progression
    # JSON, evaluated lazily on later reads); None: it waits for the payment page
    progression: str | None = Field(default=None, max_length=500)
    polls: int = 0


class GvpNonce(SQLModel, table=True):
    __tablename__ = "gvp_oauth_nonce"
    __table_args__ = (UniqueConstraint("sandbox", "consumer_key", "nonce", name="uq_gvp_nonce"),
                      Index("ix_gvp_nonce_seen", "sandbox", "seen_at"))

    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    consumer_key: str = Field(max_length=200)
    nonce: str = Field(max_length=200)
    seen_at: float


# -- fixture additions (fixtures.py writes them, catalogs.py reads them) ------------------------
class _FixtureRow(SQLModel):
    pk: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    # the load that added the row: 1, 2, ... per sandbox (the newest is the current catalogue)
    generation: int


class GvpFixtureLoad(_FixtureRow, table=True):
    """One fixture load into a sandbox. `version` is random, so a process may keep the
    catalogue it built for a version: rows are only ever added by a load (which adds a newer
    version) and removed with it (reset, a failed load), so a version always means the same
    rows, in the sandbox it was loaded into and in every copy of it."""

    __tablename__ = "gvp_fixture_load"
    __table_args__ = (UniqueConstraint("sandbox", "generation", name="uq_gvp_fixture_load"),)

    version: str = Field(max_length=32)


class GvpFixturePricingModel(_FixtureRow, table=True):
    __tablename__ = "gvp_fixture_pricing_model"
    __table_args__ = (UniqueConstraint("sandbox", "pricing_model_id",
                                       name="uq_gvp_fixture_pricing_model"),)

    pricing_model_id: int
    title: str = Field(max_length=200)
    price_cents: int
    recurring: bool
    instance_id: int


class GvpFixtureProduct(_FixtureRow, table=True):
    __tablename__ = "gvp_fixture_product"
    __table_args__ = (UniqueConstraint("sandbox", "product_id", name="uq_gvp_fixture_product"),)

    product_id: int
    type: str = Field(max_length=32)
    title: str = Field(max_length=200)
    # JSON arrays; pricing models are referred to by their public ids
    pricing_models: str = Field(max_length=2000)
    payment_types: str = Field(max_length=500)
    device_types: str = Field(max_length=2000)
    start_offset_days: float | None = None
    end_offset_days: float | None = None
    purchase_type: int
    instance_id: int
    credit_cents: int
    price_cents: int


class GvpFixtureUser(_FixtureRow, table=True):
    __tablename__ = "gvp_fixture_user"
    __table_args__ = (UniqueConstraint("sandbox", "user_name", name="uq_gvp_fixture_user"),)

    user_name: str = Field(max_length=100)
    password: str = Field(max_length=100)
    ewallet_cents: int  # the balance GvpUserState starts from
    purchase_pin: str | None = Field(default=None, max_length=16)
    parental_pin: str | None = Field(default=None, max_length=16)
    instance_id: int
    owns: str = Field(max_length=2000)  # JSON array of product ids provisioned at first login


FIXTURE_TABLES = [GvpFixtureLoad, GvpFixturePricingModel, GvpFixtureProduct, GvpFixtureUser]
TABLES = [GvpToken, GvpUserState, GvpPurchase, GvpNonce, *FIXTURE_TABLES]
