"""What every model of the scenario format shares: unknown keys are errors, and country codes.

A module of its own so that the format (schema.py) and the effects (effects/) both build on it
without importing each other.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

EU_COUNTRIES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
COUNTRY_GROUPS = {"EU": EU_COUNTRIES}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def expand_countries(values: list[str]) -> list[str]:
    """Upper-case ISO codes; the group `EU` expands to the 27 member states."""
    out: list[str] = []
    for value in values:
        code = value.strip().upper()
        if code in COUNTRY_GROUPS:
            out.extend(COUNTRY_GROUPS[code])
        elif re.fullmatch(r"[A-Z]{2}", code):
            out.append(code)
        else:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code or a group "
                             f"({', '.join(COUNTRY_GROUPS)})")
    return out
