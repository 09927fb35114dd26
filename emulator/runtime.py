"""The emulator's live objects, built once per app and shared by the pipeline and routes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from fastapi import Request

from emulator.clock import ClockRegistry
from emulator.db import Database
from emulator.geo import IpCountryTable
from emulator.journal import Journal
from emulator.settings import Settings

if TYPE_CHECKING:
    from emulator.errors import DomainError
    from emulator.http import CapturedResponse
    from emulator.vendors.base import Operation, Vendor


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started_at = time.time()
        self.db = Database(settings.database_url, settings.sqlite_busy_timeout_ms)
        self.clocks = ClockRegistry(self.db, start=settings.clock_start)
        self.journal = Journal(self.db, settings.journal_size)  # a table, shared by replicas
        self.geo = IpCountryTable(settings.ip_countries, settings.default_country)
        self.vendors: dict[str, Vendor] = {}
        self.scenarios = None  # set by create_app (scenario engine)
        from emulator.metrics import Metrics

        self.metrics = Metrics(self)

    def add_vendor(self, vendor: "Vendor") -> None:
        self.vendors[vendor.name] = vendor

    def classify(self, method: str, path: str) -> "Operation | None":
        for vendor in self.vendors.values():
            operation = vendor.classify(method, path)
            if operation is not None:
                return operation
        return None

    def vendor_for_path(self, path: str) -> "Vendor | None":
        for vendor in self.vendors.values():
            if vendor.owns(path):
                return vendor
        return None

    def render_error(self, exc: "DomainError", path: str) -> "CapturedResponse":
        """`exc` in the envelope of the vendor that owns `path` (plain JSON elsewhere)."""
        from emulator.http import CapturedResponse

        vendor = self.vendor_for_path(path)
        if vendor is not None:
            return CapturedResponse.from_response(vendor.render_error(exc, path))
        return CapturedResponse.json(exc.status, {"detail": exc.message}, exc.headers)

    def sandbox_tables(self) -> list:
        from emulator.clock import ClockState
        from emulator.lifecycle.machine import TransitionRecord
        from emulator.ratelimit import RateWindow

        tables = [TransitionRecord, ClockState, RateWindow]
        for vendor in self.vendors.values():
            tables.extend(vendor.tables())
        return tables


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime
