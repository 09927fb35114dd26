"""The scenario engine: seeded rules that add latency, faults and policies to requests."""

from emulator.scenario_engine.hooks import NoScenarios, ScenarioHooks

__all__ = ["NoScenarios", "ScenarioHooks"]
