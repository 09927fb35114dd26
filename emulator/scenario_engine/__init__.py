"""The scenario engine: seeded rules that add latency, faults and policies to requests.

    schema.py       the YAML format (pydantic; the JSON Schema is generated from it)
    effects/        one class per effect: its schema, docs line, `before` and `after`
    loader.py       safe YAML with line numbers; errors as file:line: field: message
    library.py      the scenarios directories, name resolution, hot reload
    matching.py     rules compiled to cheap predicates; the per-request view
    engine.py       the `before`/`after` hooks: selection, counting, running the effects
    responses.py    vendor error bodies and gateway pages; transport.py: faults
    shared_state.py hit counters, RNG draws and rate-limit windows, in the database
    selection.py    which scenarios are active per sandbox (in the database, shared)
"""

from emulator.scenario_engine.hooks import NoScenarios, ScenarioHooks

__all__ = ["NoScenarios", "ScenarioHooks"]
