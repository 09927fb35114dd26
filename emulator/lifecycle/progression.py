"""Progression policies: when a processing resource finishes, and how.

Evaluated lazily whenever the resource is read, so no background worker is needed and a frozen
clock really freezes fulfilment. A policy is stored with the resource (as JSON) when it is
created; scenarios and the admin API can replace it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Progression(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["immediate", "after_polls", "after_seconds", "never"] = "after_polls"
    polls: int = Field(1, ge=0, description="for after_polls: reads answered 'processing' first")
    seconds: float = Field(0.0, ge=0, description="for after_seconds: clock seconds after creation")
    outcome: Literal["complete", "fail"] = "complete"
    message: str | None = Field(None, description="failure message when outcome is fail")

    @model_validator(mode="after")
    def _fail_has_message(self) -> Progression:
        if self.outcome == "fail" and not self.message:
            self.message = "Order processing failed"
        return self

    def is_due(self, *, polls_so_far: int, created_at: float, now: float) -> bool:
        """Has the resource finished, given how often it was read and how old it is?

        `polls_so_far` counts earlier reads, not the one being answered now.
        """
        if self.kind == "immediate":
            return True
        if self.kind == "after_polls":
            return polls_so_far >= self.polls
        if self.kind == "after_seconds":
            return now - created_at >= self.seconds
        return False

    def due_at(self, created_at: float) -> float | None:
        """The clock instant this policy fires at, if it depends on time (next-event jumps)."""
        return created_at + self.seconds if self.kind == "after_seconds" else None


DEFAULT_PROGRESSION = Progression(kind="after_polls", polls=1, outcome="complete")
