"""GmodStore options (EMULATOR_GMODSTORE__*).

Tokens are a JSON object in the environment, e.g.
`EMULATOR_GMODSTORE__TOKENS='{"my-token": {"user_id": "76561198000000001",
"scopes": ["product-purchases:read"]}}'` (this replaces the defaults).
"""

from pydantic import BaseModel, Field

from emulator.vendors.base import VendorSettings

READ_SCOPE = "product-purchases:read"
WRITE_SCOPE = "product-purchases:write"

# Stable demo ids: the same for every seed, so docs and front-end code can hard-code them.
DEMO_TEAM_ID = "00000000-0000-4000-b000-000000000001"
OTHER_TEAM_ID = "00000000-0000-4000-b000-000000000002"
DEMO_PRODUCT_ID = "00000000-0000-4000-a000-000000000001"
DEMO_PRODUCT_2_ID = "00000000-0000-4000-a000-000000000002"
OTHER_TEAM_PRODUCT_ID = "00000000-0000-4000-a000-000000000101"
DEMO_OWNER_ID = "76561198000000001"  # the demo team's owner: owns gms-demo-token
OTHER_OWNER_ID = "76561198000000002"  # the other team's owner: owns gms-other-team-token
DEMO_BUYER_IDS = ("76561198000000011", "76561198000000012", "76561198000000013",
                  "76561198000000014")


class GmsToken(BaseModel):
    user_id: str = Field(description="The GmodStore user (SteamID64) the token belongs to.")
    scopes: list[str] = Field(default_factory=lambda: [READ_SCOPE, WRITE_SCOPE])


def _default_tokens() -> dict[str, GmsToken]:
    return {
        "gms-demo-token": GmsToken(user_id=DEMO_OWNER_ID, scopes=[READ_SCOPE, WRITE_SCOPE]),
        "gms-read-token": GmsToken(user_id=DEMO_OWNER_ID, scopes=[READ_SCOPE]),
        "gms-other-team-token": GmsToken(user_id=OTHER_OWNER_ID, scopes=[READ_SCOPE, WRITE_SCOPE]),
    }


class GmodStoreSettings(VendorSettings):  # `enabled` comes from VendorSettings
    tokens: dict[str, GmsToken] = Field(
        default_factory=_default_tokens,
        description="Personal access tokens: token → owner user id and scopes.")
    rate_limit: int = Field(60, ge=1, description="Requests per window per token.")
    rate_window_seconds: int = Field(60, ge=1, description="Rate-limit window (clock seconds).")
    default_per_page: int = Field(24, ge=1, le=100, description="List page size when omitted.")
    teams: int = Field(6, ge=0, le=200, description="Generated teams (besides the demo two).")
    users: int = Field(40, ge=0, le=5000, description="Generated users (besides demo users).")
    products: int = Field(18, ge=0, le=2000, description="Generated products.")
