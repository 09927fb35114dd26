"""Generic state machines and lazily evaluated progression policies."""

from emulator.lifecycle.machine import StateMachine, TransitionRecord, machines
from emulator.lifecycle.progression import Progression

__all__ = ["StateMachine", "TransitionRecord", "Progression", "machines"]
