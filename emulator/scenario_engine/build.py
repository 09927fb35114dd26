"""Build the engine from settings; at start, load the library and resolve start-up scenarios.

Rules name operations as the served routes do: a running app's operation index, or, for the
CLI (no app), the operation ids each registered vendor's OpenAPI fragment documents (the same
set: a test keeps routes and fragments equal). An invalid scenario named at start-up raises
`ScenarioError` (file, line, field), so the emulator does not start and `serve` says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from emulator.scenario_engine.engine import ScenarioEngine
from emulator.scenario_engine.library import ScenarioLibrary
from emulator.settings import BUNDLED_SCENARIOS_DIR

if TYPE_CHECKING:
    from emulator.runtime import Runtime

DEFAULT_SCENARIO = "happy"
Operations = Mapping[str, frozenset[str] | None]


@cache
def documented_operations() -> Operations:
    """Vendor name → the operation ids its fragment documents (None: no fragment)."""
    from emulator.vendors.registry import vendor_classes

    return {name: cls.operation_ids() if cls.openapi_fragment else None
            for name, cls in vendor_classes().items()}


def served_operations(runtime: Runtime) -> Operations:
    """What the app serves, over what every registered vendor documents (a scenario may
    name a vendor this app leaves out: its rules simply never match)."""
    served: dict[str, set[str]] = {name: set() for name in runtime.vendors}
    for _, _, operation in runtime.operations.operations():
        served.setdefault(operation.vendor, set()).add(operation.operation_id)
    return {**documented_operations(), **{name: frozenset(ids) for name, ids in served.items()}}


def build_engine(runtime: Runtime) -> ScenarioEngine:
    library = ScenarioLibrary(runtime.settings.scenario_dirs, BUNDLED_SCENARIOS_DIR,
                              operations=lambda: served_operations(runtime))
    return ScenarioEngine(runtime, library, [])


def start_engine(engine: ScenarioEngine) -> None:
    """Read the scenario files and resolve the start-up selection (ScenarioError if bad)."""
    library = engine.library
    library.refresh(force=True)
    refs = list(engine.runtime.settings.scenarios)
    if not refs and library.get(DEFAULT_SCENARIO) is not None:
        refs = [DEFAULT_SCENARIO]
    engine.startup = list(dict.fromkeys(library.resolve(ref) for ref in refs))
