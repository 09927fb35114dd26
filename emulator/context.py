"""Per-request context, set by the pipeline and read by routes through `get_ctx`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from emulator.clock import Clock
    from emulator.lifecycle.progression import Progression
    from emulator.vendors.base import Operation


@dataclass
class RequestContext:
    request_id: str
    sandbox: str
    clock: Clock
    base_url: str
    operation: Operation | None = None
    # Set by a scenario's `fulfilment` effect; services apply it to resources they create.
    fulfilment: Progression | None = None
    # Buyer country as the scenario engine resolved it (IP table or request field), if any.
    country: str | None = None
    rules: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the path as the client sent it (routing may use a vendor's canonical spelling)
    sent_path: str = ""

    def now(self) -> float:
        return self.clock.time()


def get_ctx(request: Request) -> RequestContext:
    return request.scope["state"]["ctx"]
