"""The emulator's own surface under /__admin, shared by every vendor."""

from __future__ import annotations

from fastapi import APIRouter

from emulator.control import health, metrics, spec
from emulator.control import journal, scenarios  # scenario engine: admin API and journal
from emulator.control import (  # the control plane (sandboxes, clock, orders, ...)
    clock_api, coverage, fixtures, orders, sandboxes, snapshots, ui, verify,
)
from emulator.control.plane import plane


def control_routers(runtime) -> list[APIRouter]:
    plane(runtime)  # sandboxes table read, default sandbox ensured (admin token: pipeline)
    return [health.router, spec.router, metrics.router, sandboxes.router, snapshots.router,
            clock_api.router, orders.router, coverage.router, fixtures.router, verify.router,
            ui.router, scenarios.router, journal.router]
