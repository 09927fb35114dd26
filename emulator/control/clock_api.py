"""/__admin/clock: the request's sandbox clock — read, freeze, advance, jump, resume.

Every time-based rule of every vendor reads this clock, so advancing it fulfils orders, expires
tokens and resets rate-limit windows without anyone waiting.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, field_validator

from emulator.context import RequestContext
from emulator.deps import Ctx, RuntimeDep
from emulator.errors import BadRequest
from emulator.runtime import Runtime

router = APIRouter(prefix="/__admin/clock", tags=["admin"])
MAX_ADVANCE = 10 * 365 * 86400.0  # ten years: anything larger is a typo, not a test
RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?")
MAX_EPOCH = 253402300799.0  # 9999-12-31T23:59:59Z: the last instant a datetime can show


class Freeze(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: datetime | StrictFloat | None = Field(None, description="ISO 8601 instant or epoch "
                                                                "seconds; default: now")

    @field_validator("at", mode="before")
    @classmethod
    def _instant_text(cls, value: object) -> object:
        # pydantic would also read "123" as epoch seconds: a string must be a date-time
        if isinstance(value, str) and not RFC3339.fullmatch(value):
            raise ValueError("expected an ISO 8601 date-time such as 2026-01-01T00:00:00Z")
        return value

    def epoch(self) -> float | None:
        if self.at is None:
            return None
        if isinstance(self.at, datetime):
            if self.at.tzinfo is None:
                raise BadRequest("at: give a timezone (e.g. 2026-01-01T00:00:00Z)")
            epoch = self.at.timestamp()
        else:
            epoch = float(self.at)
        if not 0 <= epoch <= MAX_EPOCH:  # NaN fails too
            raise BadRequest("at: expected an instant from 1970-01-01T00:00:00Z to "
                             "9999-12-31T23:59:59Z (epoch 0 to 253402300799)")
        return epoch


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seconds: StrictFloat = Field(description="how far to move the clock forward (> 0)")

    @field_validator("seconds")
    @classmethod
    def _sane(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0 or value > MAX_ADVANCE:
            raise ValueError(f"must be a number of seconds above 0 and at most {MAX_ADVANCE:.0f}")
        return value


def next_event(runtime: Runtime, sandbox: str, now: float) -> tuple[float, str] | None:
    """The earliest instant any vendor's state changes by itself, and which vendor."""
    best: tuple[float, str] | None = None
    with runtime.db.read_session() as session:
        for name, vendor in runtime.vendors.items():
            at = vendor.next_event_at(session, sandbox, now)
            if at is not None and (best is None or at < best[0]):
                best = (float(at), name)
    return best


def _state(ctx: RequestContext, **extra) -> dict:
    return {"sandbox": ctx.sandbox, **ctx.clock.state(), **extra}


@router.get("", operation_id="admin_get_clock")
def get_clock(runtime: RuntimeDep, ctx: Ctx) -> dict:
    upcoming = next_event(runtime, ctx.sandbox, ctx.clock.time())
    return _state(ctx, next_event=_event(upcoming))


@router.post("/freeze", operation_id="admin_freeze_clock")
def freeze(*, body: Freeze | None = None, ctx: Ctx) -> dict:
    ctx.clock.freeze((body or Freeze()).epoch())
    return _state(ctx)


@router.post("/advance", operation_id="admin_advance_clock")
def advance(body: Advance, ctx: Ctx) -> dict:
    if ctx.clock.time() + body.seconds > MAX_EPOCH:
        raise BadRequest("seconds: the clock would pass 9999-12-31T23:59:59Z")
    ctx.clock.advance(body.seconds)
    return _state(ctx, advanced_seconds=body.seconds)


@router.post("/advance-to-next-event", operation_id="admin_advance_to_next_event")
def advance_to_next_event(runtime: RuntimeDep,
                          ctx: Ctx) -> dict:
    now = ctx.clock.time()
    upcoming = next_event(runtime, ctx.sandbox, now)
    step = max(0.0, upcoming[0] - now) if upcoming else 0.0
    if step > 0:
        ctx.clock.advance(step)
    return _state(ctx, advanced_seconds=step, event=_event(upcoming))


@router.post("/resume", operation_id="admin_resume_clock")
def resume(ctx: Ctx) -> dict:
    ctx.clock.resume()
    return _state(ctx)


def _event(upcoming: tuple[float, str] | None) -> dict | None:
    if upcoming is None:
        return None
    from datetime import UTC

    at = datetime.fromtimestamp(upcoming[0], tz=UTC).isoformat().replace("+00:00", "Z")
    return {"at": at, "epoch": upcoming[0], "vendor": upcoming[1]}
