"""Secrets kept out of the journal and the logs.

The core knows the secrets every HTTP API shares (Authorization, cookies, the admin token,
fields called token or password); each vendor declares its own (`Vendor.redaction`: PIN
fields, signature parameters, capability segments of signed links). One `Redactor` applies
them all, so a journal export or a log line can be shown safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from emulator.vendors.base import Redaction

REDACTED = "***"
CORE = Redaction(
    fields=frozenset({"token", "access_token", "password", "secret", "signature"}),
    headers=frozenset({"authorization", "x-emulator-admin-token", "cookie"}),
)


class Redactor:
    def __init__(self, rules: Iterable[Redaction] = ()) -> None:
        rules = [CORE, *rules]
        self.fields = frozenset(f.lower() for rule in rules for f in rule.fields)
        self.headers = frozenset(h.lower() for rule in rules for h in rule.headers)
        self._paths = [re.compile(p) for rule in rules for p in rule.paths]

    def path(self, path: str) -> str:
        for pattern in self._paths:
            path = pattern.sub(rf"\g<1>{REDACTED}", path)
        return path

    def mapping(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: (REDACTED if k.lower() in self.fields else self.value(v))
                for k, v in values.items()}

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self.mapping(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def header_map(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {k: (REDACTED if k in self.headers else v) for k, v in headers}
