"""The scenario engine: seeded rules that add latency, faults and policies to requests.

    schema.py    the YAML format (pydantic; the JSON Schema is generated from it)
    loader.py    safe YAML with line numbers; errors as file:line: field: message
    library.py   the scenarios directories, name resolution, hot reload
    matching.py  rules compiled to cheap predicates; the per-request view
    engine.py    the `before`/`after` hooks: selection, counting, effects
    responses.py vendor error bodies, gateway pages, overrides; transport.py: faults
    state.py     per-sandbox hit counters, rate-limit windows and RNGs
    selection.py which scenarios are active per sandbox (in the database, shared)
"""

from emulator.scenario_engine.hooks import NoScenarios, ScenarioHooks

__all__ = ["NoScenarios", "ScenarioHooks"]
