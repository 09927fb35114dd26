"""The example vendor's options: `EMULATOR_EXAMPLE__TOKEN`, `EMULATOR_EXAMPLE__FULFIL_AFTER_SECONDS`."""

from __future__ import annotations

from pydantic import Field

from emulator.vendors.base import VendorSettings


class ExampleSettings(VendorSettings):
    token: str = Field("example-token", description="the bearer token the API accepts")
    fulfil_after_seconds: float = Field(
        60.0, ge=0, description="clock seconds from order to fulfilment")
