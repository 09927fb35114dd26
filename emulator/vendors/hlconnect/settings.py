"""HL Connect options (EMULATOR_HLCONNECT__*)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from emulator.vendors.base import VendorSettings


class HLAccount(BaseModel):
    """A bearer token as HL Connect knows it: which vendor account it acts for."""

    account: int = Field(..., ge=1, description="vendor account id; orders are per account")
    enabled: bool = Field(True, description="a disabled account's token gets 403/401")
    name: str = ""


def _default_tokens() -> dict[str, HLAccount]:
    return {
        "hl-demo-token": HLAccount(account=1, name="Demo Music Shop"),
        "hl-demo-token-2": HLAccount(account=2, name="Second Demo Shop"),
        "hl-disabled-token": HLAccount(account=3, enabled=False, name="Disabled Shop"),
    }


class HLConnectSettings(VendorSettings):  # `enabled` comes from VendorSettings
    tokens: dict[str, HLAccount] = Field(
        default_factory=_default_tokens, description="bearer token → vendor account"
    )
    catalogue_size: int = Field(
        600, ge=0, le=100_000, description="generated assets besides the fixed test assets"
    )
    token_ttl_seconds: int = Field(
        900, ge=1, description="lifetime of a validate-before-payment token (exp_date)"
    )
    url_ttl_seconds: int = Field(600, ge=1, description="lifetime of download/view URLs")
    max_page_size: int = Field(100, ge=1, description="upper bound of /assets/list page_size")
