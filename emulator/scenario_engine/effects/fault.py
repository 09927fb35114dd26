"""`fault`: below HTTP. A dead connection instead of the call, or a distorted real body."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from emulator.http import CapturedResponse
from emulator.scenario_engine import transport
from emulator.scenario_engine.effects.base import Effect, Finish, Firing
from emulator.scenario_engine.strict import Strict

FaultKind = Literal["connection_reset", "empty_response", "malformed_body", "truncated_body",
                    "slow_body"]
CONNECTION_FAULTS = ("connection_reset", "empty_response")  # no HTTP answer at all


class Fault(Strict):
    """A transport fault. connection_reset and empty_response replace the call (or, with
    after_commit, its answer); the body faults distort the real answer."""

    kind: FaultKind
    duration_ms: float = Field(2000, gt=0, description="slow_body: spread the body over this long")
    chunks: int = Field(10, ge=1, le=10_000, description="slow_body: number of pieces")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    @property
    def connection(self) -> bool:
        return self.kind in CONNECTION_FAULTS


def connection_fault(kind: str) -> CapturedResponse:
    cls = transport.ConnectionReset if kind == "connection_reset" else transport.EmptyResponse
    return cls(transport.NO_RESPONSE)


class FaultEffect(Effect):
    key = "fault"
    model = Fault
    doc = ("A transport fault: a reset or empty connection instead of the call, or a malformed, "
           "truncated or slowly dribbled body of the real answer.")
    position = 40
    runs = 80  # after override: the distorted body is the final one
    shorthand = {"enum": list(get_args(FaultKind)), "description": "shorthand for {kind: ...}"}

    def check(self, effects: Any) -> None:
        if effects.status is not None and effects.fault is not None and effects.fault.connection:
            raise ValueError("a status and a connection fault cannot both answer the request")

    def before(self, spec: Fault, firing: Firing) -> bool:
        if not spec.connection:
            firing.later(self, spec)
        elif not firing.effects.after_commit and not firing.answered:
            firing.answer(connection_fault(spec.kind), f"fault {spec.kind}")
        return True

    def after(self, response: CapturedResponse, steps: list[tuple[str, Any]],
              finish: Finish) -> CapturedResponse:
        for label, fault in steps:
            if fault.kind == "malformed_body":
                response = CapturedResponse(response.status, list(response.headers),
                                            transport.malformed(response.body))
            elif fault.kind == "truncated_body":
                response = transport.convert(response, transport.TruncatedBody)
            else:
                response = transport.convert(response, transport.SlowBody,
                                             duration_ms=fault.duration_ms, chunks=fault.chunks,
                                             sleep=finish.sleep)
            finish.mark(label, f"fault {fault.kind}")
        return response
