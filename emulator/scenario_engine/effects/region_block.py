"""`region_block`: refuse buyers from some countries or IP ranges, the vendor's own way.

A condition as well as an effect: the rule fires only for buyers in the region.
"""

from __future__ import annotations

import ipaddress
from functools import cached_property

from pydantic import Field, field_validator, model_validator

from emulator.scenario_engine import responses
from emulator.scenario_engine.effects.base import Effect, Firing
from emulator.scenario_engine.strict import Strict, expand_countries


class RegionBlock(Strict):
    """Refuse buyers from these countries or IP ranges with the vendor's documented answer."""

    countries: list[str] = Field(default_factory=list, description="codes, or the group EU")
    cidrs: list[str] = Field(default_factory=list, description="client IP ranges, e.g. 10.0.0.0/8")
    message: str = Field("This product is not available in your region",
                         description="message in the vendor's error body")

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        return expand_countries(value)

    @field_validator("cidrs")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"'{cidr}' is not an IP network (CIDR)") from None
        return value

    @cached_property
    def networks(self) -> list:
        return [ipaddress.ip_network(cidr, strict=False) for cidr in self.cidrs]

    @model_validator(mode="after")
    def _some(self) -> RegionBlock:
        if not self.countries and not self.cidrs:
            raise ValueError("give countries or cidrs (or both)")
        return self


def ip_in(ip: str | None, networks: list) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address.version == n.version and address in n for n in networks)


class RegionBlockEffect(Effect):
    key = "region_block"
    model = RegionBlock
    doc = ("Refuse buyers from these countries or IP ranges with the vendor's documented answer; "
           "the rule fires only for them.")
    position = 50
    runs = 10

    def before(self, spec: RegionBlock, firing: Firing) -> bool:
        view = firing.view
        country = view.country if spec.countries else None
        hit_country = country in spec.countries if country else False
        if not hit_country and not (spec.cidrs and ip_in(view.client_ip, spec.networks)):
            return False
        firing.answer(responses.region_blocked(firing.runtime, view, spec.message),
                      f"region_block {country or view.client_ip}")
        return True
