"""The order-line state machine and its lazy progression (evaluated when a line is read)."""

from __future__ import annotations

from sqlmodel import Session

from emulator.lifecycle import Progression, StateMachine
from emulator.vendors.hlconnect.models import HLOrderLine

PROCESSING, COMPLETED, FAILED, CANCELLED = "PROCESSING", "COMPLETED", "FAILED", "CANCELLED"
FAILURE_MESSAGE = "Order processing failed"  # a FAILED line's message when none was given

ORDER_LINE = StateMachine(
    "hlconnect.order_line",
    initial=PROCESSING,
    transitions={
        PROCESSING: {COMPLETED, FAILED, CANCELLED},
        COMPLETED: {CANCELLED},
    },
)


def progression_of(line: HLOrderLine) -> Progression:
    return Progression.model_validate_json(line.progression)


def finish(session: Session, line: HLOrderLine, outcome: str, message: str | None, now: float,
           reason: str) -> None:
    """Move a PROCESSING line to COMPLETED or FAILED (through the machine)."""
    target = COMPLETED if outcome == "complete" else FAILED
    ORDER_LINE.apply(session, line, target, sandbox=line.sandbox, resource_id=line.public_id,
                     at=now, reason=reason)
    line.finished_at = now
    if target == FAILED:
        # the column holds 500 characters (PostgreSQL enforces it); scenario text may be longer
        line.failure_message = (message or FAILURE_MESSAGE)[:500]


def advance(session: Session, line: HLOrderLine, now: float, *, poll: bool) -> None:
    """Apply the line's progression policy at `now`; a `poll` (a /purchase/info read that
    still finds the line processing) counts towards `after_polls`."""
    if line.status != PROCESSING:
        return
    policy = progression_of(line)
    if policy.is_due(polls_so_far=line.polls, created_at=line.created_at, now=now):
        finish(session, line, policy.outcome, policy.message, now,
               reason=f"progression {policy.kind}")
    elif poll:
        line.polls += 1
        session.add(line)
