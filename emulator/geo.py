"""Buyer IP → country, through a configurable table of CIDR ranges."""

from __future__ import annotations

import ipaddress
from functools import lru_cache


class InvalidIP(ValueError):
    pass


class IpCountryTable:
    def __init__(self, ranges: dict[str, str], default_country: str) -> None:
        self._networks = sorted(
            ((ipaddress.ip_network(cidr, strict=False), cc.upper()) for cidr, cc in ranges.items()),
            key=lambda item: item[0].prefixlen,
            reverse=True,  # most specific range wins
        )
        self.default_country = default_country.upper()
        self.lookup = lru_cache(maxsize=4096)(self._lookup)

    def _lookup(self, ip: str) -> str:
        """Country of `ip`; raises InvalidIP for anything that is not an IP address."""
        try:
            address = ipaddress.ip_address(ip.strip())
        except ValueError as exc:
            raise InvalidIP(f"'{ip}' is not a valid IPv4 or IPv6 address") from exc
        for network, country in self._networks:
            if address.version == network.version and address in network:
                return country
        return self.default_country
