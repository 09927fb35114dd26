"""The request journal: a bounded, newest-first record of what clients sent and got.

One ring buffer per sandbox. Secrets (Authorization, tokens, PINs, signatures) are redacted
before an entry is stored, so the journal can be shown and exported safely.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

REDACTED = "***"
SECRET_HEADERS = frozenset({"authorization", "x-emulator-admin-token", "cookie"})
SECRET_FIELDS = frozenset({
    "token", "access_token", "pin", "newpin", "password", "oauth_signature", "secret",
    "paypaltoken", "sig", "signature",
})


@dataclass(slots=True)
class JournalEntry:
    id: int
    at: float
    request_id: str
    sandbox: str
    method: str
    path: str
    query: dict[str, Any]
    headers: dict[str, str]
    body: Any
    vendor: str | None = None
    operation: str | None = None
    flavour: str | None = None
    status: int | None = None
    duration_ms: float | None = None
    rules: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def redact_mapping(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (REDACTED if k.lower() in SECRET_FIELDS else redact(v)) for k, v in values.items()}


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return redact_mapping(value)
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k: (REDACTED if k in SECRET_HEADERS else v) for k, v in headers}


class Journal:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[str, deque[JournalEntry]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def next_id(self) -> int:
        return next(self._ids)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            ring = self._entries.get(entry.sandbox)
            if ring is None:
                ring = self._entries[entry.sandbox] = deque(maxlen=self.size)
            ring.append(entry)

    def entries(self, sandbox: str) -> list[JournalEntry]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._entries.get(sandbox, ())))

    def clear(self, sandbox: str | None = None) -> None:
        with self._lock:
            if sandbox is None:
                self._entries.clear()
            else:
                self._entries.pop(sandbox, None)

    def count(self, sandbox: str) -> int:
        return len(self._entries.get(sandbox, ()))
