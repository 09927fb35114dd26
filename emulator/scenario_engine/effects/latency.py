"""`latency`: wait before the call is handled (awaited once per request, never blocking)."""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, model_validator

from emulator.scenario_engine.effects.base import Effect, Firing
from emulator.scenario_engine.strict import Strict

LOGNORMAL_Z99 = 2.3263478740408408  # the standard normal's 99th percentile


class Latency(Strict):
    """Delay before answering. Give exactly one form: fixed, uniform (min/max) or lognormal."""

    fixed_ms: float | None = Field(None, ge=0, description="always this many milliseconds")
    min_ms: float | None = Field(None, ge=0, description="uniform: lower bound")
    max_ms: float | None = Field(None, ge=0, description="uniform: upper bound")
    median_ms: float | None = Field(None, gt=0, description="lognormal: median delay")
    p99_ms: float | None = Field(None, gt=0, description="lognormal: 99th percentile delay")
    cap_ms: float = Field(30_000, gt=0, description="no delay exceeds this (lognormal tails)")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"fixed_ms": value} if isinstance(value, (int, float)) else value

    @model_validator(mode="after")
    def _one_form(self) -> Latency:
        forms = [self.fixed_ms is not None,
                 self.min_ms is not None or self.max_ms is not None,
                 self.median_ms is not None or self.p99_ms is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of fixed_ms, min_ms+max_ms or median_ms+p99_ms")
        if forms[1] and (self.min_ms is None or self.max_ms is None or self.min_ms > self.max_ms):
            raise ValueError("uniform latency needs min_ms <= max_ms")
        if forms[2] and (self.median_ms is None or self.p99_ms is None
                         or self.p99_ms < self.median_ms):
            raise ValueError("lognormal latency needs median_ms <= p99_ms")
        return self


def draw_latency(latency: Latency, rng) -> float:
    """Seconds to wait, drawn from the scenario's RNG."""
    if latency.fixed_ms is not None:
        ms = latency.fixed_ms
    elif latency.min_ms is not None and latency.max_ms is not None:
        ms = rng.uniform(latency.min_ms, latency.max_ms)
    elif latency.median_ms is not None and latency.p99_ms is not None:
        mu = math.log(latency.median_ms)
        sigma = (math.log(latency.p99_ms) - mu) / LOGNORMAL_Z99
        ms = rng.lognormvariate(mu, sigma)
    else:  # Latency._one_form rules this out
        raise ValueError("a latency needs one of its three forms")
    return min(ms, latency.cap_ms) / 1000


class LatencyEffect(Effect):
    key = "latency"
    model = Latency
    doc = ("Wait before the call is handled: fixed, uniform or lognormal milliseconds, drawn "
           "from the scenario's seeded RNG; the delays of all fired rules add up.")
    position = 10
    runs = 30
    shorthand = {"type": "number", "minimum": 0, "description": "shorthand for fixed_ms"}

    def before(self, spec: Latency, firing: Firing) -> bool:
        delay = draw_latency(spec, firing.rng())
        firing.delay(delay, f"latency {delay * 1000:.0f}ms")
        return True
