"""`rate_limit`: a fixed-window budget per token, IP or in all, on the sandbox clock.

Counted by the emulator's one limiter (emulator/ratelimit.py, the one GmodStore's own limit
uses), scope "scenario", so replicas share the budget. A condition as well as an effect: the
rule fires only on refused calls.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from emulator.ratelimit import digest
from emulator.scenario_engine import responses
from emulator.scenario_engine.effects.base import Effect, Firing
from emulator.scenario_engine.strict import Strict


class RateLimit(Strict):
    """At most `limit` requests per `window_seconds` (of the sandbox clock) per client."""

    limit: int = Field(ge=0, description="requests allowed per window")
    window_seconds: float = Field(60, gt=0)
    per: Literal["token", "ip", "all"] = Field("token", description="what one budget belongs to")
    message: str = "Too many requests, please slow down."


class RateLimitEffect(Effect):
    key = "rate_limit"
    model = RateLimit
    doc = ("At most `limit` calls per window of the sandbox clock, per token, IP or in all; past "
           "it a 429 in the vendor's body with X-RateLimit-* and Retry-After. The rule fires "
           "only on refused calls.")
    position = 70
    runs = 20

    def before(self, spec: RateLimit, firing: Firing) -> bool:
        if firing.answered:  # a region block of the same rule refused the call already
            return True
        view = firing.view
        if spec.per == "token":
            who = digest(view.token) if view.token else "-"
        else:
            who = (view.client_ip or "-") if spec.per == "ip" else "*"
        quota = firing.engine.state.limits.take(firing.ctx.sandbox, f"{firing.label}/{who}",
                                                spec.limit, spec.window_seconds, view.now())
        if not quota.exceeded:
            return False
        firing.answer(responses.rate_limited(firing.runtime, view, spec.message, quota.headers()),
                      f"rate_limit {spec.limit}/{spec.window_seconds:g}s")
        return True
