"""GVP options (EMULATOR_GVP__*)."""

from pydantic import BaseModel


class GvpSettings(BaseModel):
    enabled: bool = True
