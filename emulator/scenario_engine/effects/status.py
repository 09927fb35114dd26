"""`status`: answer with an HTTP error instead of handling the call."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from emulator.http import CapturedResponse
from emulator.scenario_engine import responses
from emulator.scenario_engine.effects.base import Effect, Firing
from emulator.scenario_engine.strict import Strict


class Status(Strict):
    """Answer with this HTTP status instead of (or, with after_commit, after) the real call."""

    code: int = Field(ge=400, le=599, description="HTTP status, e.g. 500, 503, 429, 502")
    message: str | None = Field(None, description="the message in the answer's body")
    gateway: bool = Field(
        False, description="a bare HTML page as a load balancer sends it, not the vendor's body")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"code": value} if isinstance(value, int) else value


def render(runtime, view, status: Status) -> CapturedResponse:
    if status.gateway:
        return responses.gateway_page(status.code)
    return responses.vendor_error(runtime, view, status.code, status.message)


def note(status: Status) -> str:
    return f"status {status.code}{' gateway' if status.gateway else ''}"


class StatusEffect(Effect):
    key = "status"
    model = Status
    doc = ("Answer with this HTTP status instead of handling the call: the body the operation "
           "documents for it (else the vendor's own error body), or a bare gateway page.")
    position = 20
    runs = 50
    shorthand = {"type": "integer", "minimum": 400, "maximum": 599,
                 "description": "shorthand for {code: N}"}

    def before(self, spec: Status, firing: Firing) -> bool:
        # with after_commit the call is handled first: after_commit.py answers afterwards
        if not firing.effects.after_commit and not firing.answered:
            firing.answer(render(firing.runtime, firing.view, spec), note(spec))
        return True
