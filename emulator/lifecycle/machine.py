"""State machines: one transition table per resource, and a history row per transition.

Vendors declare their machine once (`StateMachine(...)`) and move resources only through
`machine.apply(...)`, which refuses transitions the table does not list and records every
transition it makes. The registry of machines feeds the lifecycle coverage report.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel

from emulator.errors import InvalidTransition


class TransitionRecord(SQLModel, table=True):
    __tablename__ = "transition_log"
    __table_args__ = (Index("ix_transition_resource", "sandbox", "machine", "resource_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sandbox: str = Field(max_length=64)
    machine: str = Field(max_length=64)
    resource_id: str = Field(max_length=128)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str = Field(max_length=32)
    at: float
    reason: str | None = Field(default=None, max_length=300)


class Stateful(Protocol):
    status: str


_registry: dict[str, StateMachine] = {}


def machines() -> dict[str, StateMachine]:
    """Every declared state machine by name (`vendor.resource`)."""
    return dict(_registry)


class StateMachine:
    def __init__(
        self,
        name: str,
        *,
        initial: str,
        transitions: dict[str, set[str]],
        terminal: set[str] | None = None,
    ) -> None:
        self.name = name
        self.initial = initial
        self.transitions = {state: frozenset(targets) for state, targets in transitions.items()}
        states = set(self.transitions) | {t for ts in self.transitions.values() for t in ts}
        self.states = frozenset(states | {initial})
        self.terminal = frozenset(terminal or {s for s in self.states if not self.transitions.get(s)})
        _registry[name] = self

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def edges(self) -> list[tuple[str, str]]:
        return sorted((a, b) for a, targets in self.transitions.items() for b in targets)

    def start(
        self, session: Session, obj: Stateful, *, sandbox: str, resource_id: str, at: float,
        reason: str | None = None,
    ) -> None:
        """Put a new resource in the initial state and record its creation."""
        session.add(TransitionRecord(**self.start_row(obj, sandbox=sandbox,
                                                      resource_id=resource_id, at=at,
                                                      reason=reason)))

    def start_row(self, obj: Stateful, *, sandbox: str, resource_id: str, at: float,
                  reason: str | None = None) -> dict:
        """`start` for a Core bulk insert: sets the initial state and returns the history
        row's values (insert them into `TransitionRecord.__table__` in the same transaction)."""
        obj.status = self.initial
        return self.start_record(sandbox=sandbox, resource_id=resource_id, at=at, reason=reason)

    def start_record(self, *, sandbox: str, resource_id: str, at: float,
                     reason: str | None = None) -> dict:
        """The history row of a resource created in the initial state (its values, for a
        bulk insert of rows built without a model object)."""
        return {"sandbox": sandbox, "machine": self.name, "resource_id": resource_id,
                "from_state": None, "to_state": self.initial, "at": at, "reason": reason}

    def apply(
        self, session: Session, obj: Stateful, target: str, *, sandbox: str, resource_id: str,
        at: float, reason: str | None = None,
    ) -> None:
        row = self.record(obj, target, sandbox=sandbox, resource_id=resource_id, at=at,
                          reason=reason)
        session.add(obj)
        session.add(TransitionRecord(**row))

    def record(self, obj: Stateful, target: str, *, sandbox: str, resource_id: str, at: float,
               reason: str | None = None) -> dict:
        """`apply` without a session: moves `obj` and returns the history row's values, for a
        resource stored later with a Core insert (emulator/hotsql.py)."""
        current = obj.status
        if not self.can(current, target):
            raise InvalidTransition(self.name, current, target)
        obj.status = target
        return {"sandbox": sandbox, "machine": self.name, "resource_id": resource_id,
                "from_state": current, "to_state": target, "at": at, "reason": reason}
