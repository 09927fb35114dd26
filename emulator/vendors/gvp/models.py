"""GVP's mutable state, one row per thing, each with a `sandbox` column.

Tokens, per-user state (EWallet, PINs), purchases and used OAuth nonces. Uniqueness is a
database constraint (per sandbox), so concurrent duplicates cannot slip through.
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
                      Index("ix_gvp_purchase_user", "sandbox", "user_name", "product_id"))

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


TABLES = [GvpToken, GvpUserState, GvpPurchase, GvpNonce]
