"""Every router of the admin API (/__admin), in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from emulator.control import (
    clock_api,
    coverage,
    fixtures,
    health,
    journal,
    metrics,
    orders,
    sandboxes,
    scenarios,
    snapshots,
    spec,
    ui,
    verify,
)


def control_routers() -> list[APIRouter]:
    return [health.router, spec.router, metrics.router, sandboxes.router, snapshots.router,
            clock_api.router, orders.router, coverage.router, fixtures.router, verify.router,
            ui.router, scenarios.router, journal.router]
