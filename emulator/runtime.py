"""The emulator's live objects, built once per app and shared by the pipeline and routes.

`Runtime(settings)` assembles everything without touching the database or the file system;
`start()` does the start-up I/O (migrations, vendor seeding, sandboxes, scenario files, the
fixture baseline) and is called by the app's lifespan, or earlier by `serve` so a bad file
is reported before the port opens.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from emulator.clock import ClockRegistry
from emulator.control.plane import ControlPlane
from emulator.db import Database
from emulator.geo import IpCountryTable
from emulator.http import CapturedResponse
from emulator.journal import Journal
from emulator.metrics import Metrics
from emulator.operations import OperationIndex
from emulator.redaction import Redactor
from emulator.scenario_engine.build import build_engine, start_engine
from emulator.settings import CoreSettings
from emulator.vendors.base import Vendor

if TYPE_CHECKING:
    from sqlmodel import SQLModel

    from emulator.errors import DomainError


class Runtime:
    def __init__(self, settings: CoreSettings) -> None:
        self.settings = settings
        self.started_at = time.time()
        self.db = Database(settings.database_url, settings.sqlite_busy_timeout_ms)
        self.clocks = ClockRegistry(self.db, start=settings.clock_start)
        self.journal = Journal(self.db, settings.journal_size)  # a table, shared by replicas
        self.geo = IpCountryTable(settings.ip_countries, settings.default_country)
        self.vendors: dict[str, Vendor] = {
            name: cls(self) for name, cls in type(settings).vendor_classes.items()
            if settings.vendor_settings(name).enabled}
        self.redactor = Redactor(vendor.redaction for vendor in self.vendors.values())
        # vendors whose paths route loosely (HttpSurface.route_path), asked on every request
        self.path_rewriters = [v for v in self.vendors.values()
                               if type(v).route_path is not Vendor.route_path]
        self.operations = OperationIndex()  # filled from the app's routes (emulator/app.py)
        self.scenarios = build_engine(self)
        self.control = ControlPlane(self)
        self.metrics = Metrics(self)
        self.started = False
        self._start_lock = threading.Lock()

    def start(self) -> None:
        """Start-up I/O, once: schema, vendor seeding, the default sandbox, the scenario
        library and start-up scenarios (ScenarioError for a bad one), the fixture baseline."""
        with self._start_lock:
            if self.started:
                return
            # replicas starting together take turns (PostgreSQL advisory lock)
            with self.db.startup_lock():
                self.db.migrate(type(self.settings).vendor_classes)
                for vendor in self.vendors.values():
                    vendor.on_startup()
                self.control.start()
                start_engine(self.scenarios)
                self.control.load_baseline()  # --fixtures: the baseline of every sandbox
            self.started = True

    def route_path(self, path: str) -> str:
        for vendor in self.path_rewriters:
            if vendor.owns(path):
                return vendor.route_path(path)
        return path

    def vendor_for_path(self, path: str) -> Vendor | None:
        for vendor in self.vendors.values():
            if vendor.owns(path):
                return vendor
        return None

    def render_error(self, exc: DomainError, path: str) -> CapturedResponse:
        """`exc` in the envelope of the vendor that owns `path` (plain JSON elsewhere)."""
        vendor = self.vendor_for_path(path)
        if vendor is not None:
            return CapturedResponse.from_response(vendor.render_error(exc, path))
        return CapturedResponse.json(exc.status, {"detail": exc.message}, exc.headers)

    def sandbox_tables(self) -> list[type[SQLModel]]:
        from emulator.clock import ClockState
        from emulator.lifecycle.machine import TransitionRecord
        from emulator.ratelimit import RateWindow

        tables: list[type[SQLModel]] = [TransitionRecord, ClockState, RateWindow]
        for vendor in self.vendors.values():
            tables.extend(vendor.tables())
        return tables
