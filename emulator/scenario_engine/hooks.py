"""The two points where the pipeline hands a request to the scenario engine."""

from __future__ import annotations

from typing import Protocol

from emulator.context import RequestContext
from emulator.http import CapturedResponse, RequestFacts


class ScenarioHooks(Protocol):
    async def before(self, ctx: RequestContext, facts: RequestFacts) -> CapturedResponse | None:
        """Apply latency and pre-request effects; return a response to short-circuit."""

    async def after(
        self, ctx: RequestContext, facts: RequestFacts, response: CapturedResponse
    ) -> CapturedResponse:
        """Apply after-commit, override and transport effects to the real response."""


class NoScenarios:
    async def before(self, ctx, facts):
        return None

    async def after(self, ctx, facts, response):
        return response
