"""The emulator's own surface under /__admin, shared by every vendor."""

from __future__ import annotations

from fastapi import APIRouter

from emulator.control import health, metrics, spec


def control_routers(runtime) -> list[APIRouter]:
    return [health.router, spec.router, metrics.router]
