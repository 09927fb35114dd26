"""HL Connect options (EMULATOR_HLCONNECT__*)."""

from pydantic import BaseModel


class HLConnectSettings(BaseModel):
    enabled: bool = True
