"""HL Connect request bodies, exactly as on the wire (snake_case JSON).

Strict: the vendor's own clients are strictly typed, so "5" is not an integer here either.
Bounds keep every value storable (64-bit ids, finite prices) so bad input is a 422, never a 500.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

INT64_MAX = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
Price = Annotated[float, Field(ge=0, le=1_000_000_000, allow_inf_nan=False)]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
# no NUL: PostgreSQL text cannot hold it, and no real customer id contains one
Customer = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00]+$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class _Wire(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class PurchaseValidateBeforePaymentRequest(_Wire):
    asset_id: Id
    customer_ip: Annotated[str, Field(max_length=100)]
    quantity: Quantity


class AssetPartForm(_Wire):
    asset_id: Id
    order_line_id: Id


class _RegisterBase(_Wire):
    order_number: Id
    order_line_id: Id
    line_item_price: Price
    unit_price: Price
    customer: Customer
    parts: Annotated[list[AssetPartForm], Field(max_length=100)] | None = None

    @model_validator(mode="after")
    def _line_ids_distinct(self):
        ids = [self.order_line_id, *(p.order_line_id for p in self.parts or [])]
        if len(ids) != len(set(ids)):
            raise ValueError("parts must use order_line_id values distinct from each other "
                             "and from the main line")
        return self


class PurchaseRegisterRequest(_RegisterBase):
    """Live flavour: the sale was validated first; the token carries asset, quantity, country."""

    token: Annotated[str, Field(min_length=1, max_length=4096)]


class SandboxPurchaseRegisterRequest(_RegisterBase):
    """Sandbox flavour (first SDK): no validation step, the body names the sale itself."""

    asset_id: Id
    country_code: CountryCode
    quantity: Quantity
