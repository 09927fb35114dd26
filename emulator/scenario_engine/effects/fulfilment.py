"""`fulfilment`: how orders created by matching requests progress (the vendor reads
`ctx.fulfilment` when it stores an order; the first fired rule that sets one wins)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from emulator.scenario_engine.effects.base import Effect, Firing
from emulator.scenario_engine.strict import Strict


class Fulfilment(Strict):
    """How orders created by matching requests progress (read lazily on each poll)."""

    outcome: Literal["complete", "fail"] = "complete"
    message: str | None = Field(None, description="failure message when outcome is fail")
    after_polls: int | None = Field(None, ge=0, description="status reads answered 'processing'")
    after_seconds: float | None = Field(None, ge=0, description="clock seconds after creation")
    never: bool = Field(False, description="stay processing forever")

    @model_validator(mode="after")
    def _one_timing(self) -> Fulfilment:
        given = [self.after_polls is not None, self.after_seconds is not None, self.never]
        if sum(given) > 1:
            raise ValueError("give at most one of after_polls, after_seconds or never")
        return self

    def progression(self):
        from emulator.lifecycle import Progression

        if self.never:
            kind = "never"
        elif self.after_polls is not None:
            kind = "after_polls"
        elif self.after_seconds is not None:
            kind = "after_seconds"
        else:
            kind = "immediate"
        return Progression(kind=kind, polls=self.after_polls or 0,
                           seconds=self.after_seconds or 0.0, outcome=self.outcome,
                           message=self.message)


class FulfilmentEffect(Effect):
    key = "fulfilment"
    model = Fulfilment
    doc = ("How orders created by matching requests progress: complete or fail, at once, after "
           "some status polls or clock seconds, or never.")
    position = 60
    runs = 40

    def before(self, spec: Fulfilment, firing: Firing) -> bool:
        ctx = firing.ctx
        if ctx.fulfilment is None:
            ctx.fulfilment = spec.progression()
            firing.notes.append(f"fulfilment {ctx.fulfilment.outcome} {ctx.fulfilment.kind}")
        return True
