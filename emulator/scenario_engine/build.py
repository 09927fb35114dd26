"""Build the engine from settings: load the library, resolve the start-up scenarios.

An invalid scenario named at start-up raises `ScenarioError` (file, line, field), so
`create_app` fails and `serve` exits non-zero with that message.
"""

from __future__ import annotations

from typing import Mapping

from emulator.scenario_engine.engine import ScenarioEngine
from emulator.scenario_engine.library import ScenarioLibrary
from emulator.settings import BUNDLED_SCENARIOS_DIR
from emulator.vendors.registry import VENDOR_MODULES, vendor_classes

DEFAULT_SCENARIO = "happy"


def vendor_operations(runtime=None) -> Mapping[str, frozenset[str] | None]:
    """Vendor name → its operation ids; None where they cannot be known (not built yet)."""
    known: dict[str, frozenset[str] | None] = {name: None for name in VENDOR_MODULES}
    live = dict(runtime.vendors) if runtime is not None else {}
    for name, cls in vendor_classes().items():
        if name not in live:
            # operation ids are static: read them without constructing the vendor (which may
            # need a database and a catalogue)
            live[name] = cls.__new__(cls)
    for name, vendor in live.items():
        try:
            known[name] = frozenset(vendor.operation_ids())
        except Exception:  # a vendor still under construction: skip the operation check
            known[name] = None
    return known


def build_engine(runtime) -> ScenarioEngine:
    settings = runtime.settings
    library = ScenarioLibrary(settings.scenario_dirs, BUNDLED_SCENARIOS_DIR,
                              operations=lambda: vendor_operations(runtime))
    library.refresh(force=True)
    refs = list(settings.scenarios)
    if not refs and library.get(DEFAULT_SCENARIO) is not None:
        refs = [DEFAULT_SCENARIO]
    startup = [library.resolve(ref) for ref in refs]
    return ScenarioEngine(runtime, library, startup)
