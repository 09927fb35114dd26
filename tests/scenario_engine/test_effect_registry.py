"""The effects are registered classes, one per file, looked up by name, and the format, the
engine and the README's table all come from that registry."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

from emulator.scenario_engine import effects
from emulator.scenario_engine.schema import Rule

README = Path(__file__).resolve().parents[2] / "scenarios" / "README.md"
KEYS = ["latency", "status", "after_commit", "fault", "region_block", "fulfilment", "rate_limit",
        "override"]


def test_one_module_per_effect_named_after_its_key():
    modules = {m.name for m in pkgutil.iter_modules(effects.__path__)} - {"base", "__main__"}
    assert modules == {e.key for e in effects.EFFECTS} == set(KEYS)
    for key in KEYS:
        effect = effects.get(key)
        assert type(effect).__module__ == f"{effects.__name__}.{key}"
        assert effect.doc and "\n" not in effect.doc


def test_the_format_lists_the_registered_effects():
    model = Rule.model_fields["effects"].annotation
    assert model is effects.Effects
    assert list(model.model_fields) == KEYS == [e.key for e in effects.EFFECTS]
    assert all(model.model_fields[e.key].description == e.doc for e in effects.EFFECTS)


def test_conditions_run_first_and_body_faults_last():
    order = [e.key for e in effects.RUN_ORDER]
    assert order[:2] == ["region_block", "rate_limit"]
    assert [e.key for e in effects.DISTORTING] == ["after_commit", "override", "fault"]


def test_a_rule_keeps_only_the_effects_it_has_in_run_order():
    rule = Rule.model_validate({"effects": {"override": {"status": 200}, "latency": 5,
                                            "after_commit": False}})
    assert [e.key for e, _ in rule.effects.in_run_order()] == ["latency", "override"]


def test_readme_table_is_current():
    assert effects.readme_table() in README.read_text(encoding="utf-8"), (
        "run `python -m emulator.scenario_engine.effects --write scenarios/README.md`")


@pytest.mark.parametrize("key", KEYS)
def test_readme_has_a_section_per_effect(key):
    assert f"\n### `{key}`\n" in README.read_text(encoding="utf-8")


def test_the_table_is_rewritten_in_place(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{effects.README_BEGIN}\nstale\n{effects.README_END}\n\nrest\n")
    from emulator.scenario_engine.effects.__main__ import main

    assert main(["--write", str(readme)]) == 0
    assert readme.read_text() == f"# x\n\n{effects.readme_table()}\n\nrest\n"
