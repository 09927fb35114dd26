"""WCF-style parameters: query string (plus a POSTed form body merged over it), matched
case-insensitively, converted like WCF's QueryStringConverter does.

A missing int parameter binds as 0 and a missing string as null, as WCF does, so the service's
own checks (ProductDoesNotExist, InvalidPricingModel, ...) answer instead of a generic error. A
value that cannot be converted is an InvalidParameterException naming the parameter.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from emulator.vendors.gvp.errors import GvpException

INT32_MAX = 2**31 - 1


class Params:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        for key, value in pairs:
            self._values[key.lower()] = value  # the last occurrence wins, as in WCF

    @classmethod
    def from_request(cls, query_string: str, body: bytes, content_type: str) -> Params:
        pairs = parse_qsl(query_string, keep_blank_values=True)
        if body and "application/x-www-form-urlencoded" in content_type:
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return cls(pairs)

    def raw(self) -> dict[str, str]:
        return dict(self._values)

    def has(self, name: str) -> bool:
        return name.lower() in self._values

    def str(self, name: str, max_length: int | None = None) -> str | None:
        value = self._values.get(name.lower())
        if max_length is not None and value is not None and len(value) > max_length:
            raise GvpException("InvalidParameterException",
                               f"parameter '{name}' is longer than {max_length} characters")
        return value if value not in (None, "") else None

    def int(self, name: str, default: int = 0) -> int:
        raw = self._values.get(name.lower())
        if raw is None:
            return default  # missing: WCF binds default(int); present but empty does not convert
        value = raw.strip()
        try:
            number = int(value)
        except ValueError:
            raise GvpException("InvalidParameterException",
                               f"parameter '{name}' must be an integer, got '{value[:40]}'") from None
        if abs(number) > INT32_MAX:
            raise GvpException("InvalidParameterException",
                               f"parameter '{name}' is out of range for a 32-bit integer")
        return number

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name.lower(), "").strip().lower()
        if value == "":
            return default
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise GvpException("InvalidParameterException",
                           f"parameter '{name}' must be true or false, got '{value[:40]}'")

    def enum(self, name: str, table: dict[str, int]) -> str:
        """An enum given by name (any case) or by number → its name; missing → 'Unknown'.

        A value outside the table is also 'Unknown' (so CreatePurchase answers
        InvalidPaymentType, as GVP does for PaymentType.Unknown)."""
        value = (self._values.get(name.lower()) or "").strip()
        if value == "":
            return "Unknown"
        by_lower = {key.lower(): key for key in table}
        if value.lower() in by_lower:
            return by_lower[value.lower()]
        try:
            number = int(value)
        except ValueError:
            return "Unknown"
        for key, code in table.items():
            if code == number:
                return key
        return "Unknown"

    def paging(self, default_limit: int) -> tuple[int, int]:
        offset = self.int("offset", 0)
        limit = self.int("limit", default_limit)
        if offset < 0 or limit < 0:
            raise GvpException("InvalidParameterException", "offset and limit must not be negative")
        return offset, limit
