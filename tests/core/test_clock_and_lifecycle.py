"""Clock and lifecycle primitives shared by every vendor."""

from __future__ import annotations

import pytest

from emulator.clock import Clock
from emulator.errors import InvalidTransition
from emulator.lifecycle import Progression, StateMachine


def test_frozen_clock_advances_only_when_told():
    clock = Clock(frozen_at=1000.0)
    assert clock.time() == 1000.0
    clock.advance(30)
    assert clock.time() == 1030.0
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_resume_continues_from_virtual_instant():
    wall = iter([5000.0, 5000.0, 5010.0])
    clock = Clock(frozen_at=1000.0, wall=lambda: next(wall))
    clock.resume()  # offset = 1000 - 5000
    assert clock.time() == 1000.0
    assert clock.time() == 1010.0


def test_clock_state_survives_restart(make_client):
    first = make_client()
    first.app.state.runtime.clocks.get("default").advance(3600)
    t = first.app.state.runtime.clocks.get("default").time()
    second = make_client()
    assert second.app.state.runtime.clocks.get("default").time() == t


def test_state_machine_refuses_unlisted_transitions():
    machine = StateMachine("test.thing", initial="A", transitions={"A": {"B"}, "B": set()})

    class Thing:
        status = "B"

    with pytest.raises(InvalidTransition) as err:
        machine.apply(None, Thing(), "A", sandbox="s", resource_id="1", at=0)
    assert "cannot move from B to A" in str(err.value)
    assert machine.terminal == {"B"}


@pytest.mark.parametrize(
    "policy, polls, age, due",
    [
        (Progression(kind="immediate"), 0, 0, True),
        (Progression(kind="after_polls", polls=2), 1, 0, False),
        (Progression(kind="after_polls", polls=2), 2, 0, True),
        (Progression(kind="after_seconds", seconds=60), 99, 59, False),
        (Progression(kind="after_seconds", seconds=60), 0, 60, True),
        (Progression(kind="never"), 10**6, 10**9, False),
    ],
)
def test_progression_policies(policy, polls, age, due):
    assert policy.is_due(polls_so_far=polls, created_at=100.0, now=100.0 + age) is due


def test_failing_policy_gets_a_default_message():
    assert Progression(outcome="fail").message == "Order processing failed"
