"""GmodStore options (EMULATOR_GMODSTORE__*)."""

from pydantic import BaseModel


class GmodStoreSettings(BaseModel):
    enabled: bool = True
