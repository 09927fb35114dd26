"""`scenarios validate` / `scenarios list`, the loader's errors, and the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from emulator.cli import main as cli_main
from emulator.scenario_engine.cli import schema_text
from emulator.scenario_engine.loader import ScenarioError, validate_text

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "emulator" / "scenarios"  # the bundled library (package data)
OPS = {"hlconnect": frozenset({"connector_purchase_register"}), "gmodstore": None}


def problems(text: str, expected_name: str | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        validate_text(text, "s.yaml", OPS, expected_name=expected_name)
    return [str(p) for p in info.value.problems]


def test_unknown_effect_names_line_field_and_choices():
    [p] = problems("name: s\ndescription: d\nrules:\n  - id: a\n    effects:\n"
                   "      latency: 10\n      explode: true\n")
    assert p.startswith("s.yaml:7: rules[0].effects.explode: unknown field 'explode' "
                        "(expected one of: latency, status, after_commit, fault,")


def test_bad_type_points_at_the_value():
    [p] = problems("name: s\ndescription: d\nrules:\n  - effects:\n"
                   "      rate_limit: {limit: lots}\n")
    assert p.startswith("s.yaml:5: rules[0].effects.rate_limit.limit:")
    assert "integer" in p


def test_unknown_operation_for_that_vendor():
    [p] = problems("name: s\ndescription: d\nrules:\n  - match:\n      vendor: hlconnect\n"
                   "      operation: register\n    effects: {latency: 1}\n")
    assert p == ("s.yaml:6: rules[0].match.operation: unknown operation id 'register' for "
                 "vendor hlconnect (known: connector_purchase_register)")


def test_unknown_vendor_and_missing_field_and_several_problems():
    found = problems("name: s\nrules:\n  - match: {vendor: acme}\n    effects: {}\n"
                     "  - match: {nth: 0}\n    effects: {fault: {kind: meltdown}}\n")
    assert any(p.startswith("s.yaml:1: description: Field required") for p in found)
    assert any("rules[1].match.nth" in p and p.startswith("s.yaml:5") for p in found)
    assert any("rules[1].effects.fault.kind" in p and p.startswith("s.yaml:6") for p in found)


def test_cross_checks_name_and_duplicate_rule_ids():
    assert problems("name: other\ndescription: d\n", expected_name="s") == [
        "s.yaml:1: name: 'other' must equal the file name 's'"]
    [p] = problems("name: s\ndescription: d\nrules:\n  - {id: a, effects: {latency: 1}}\n"
                   "  - {id: a, effects: {latency: 2}}\n")
    assert "rule id 'a' is used twice" in p


def test_yaml_errors_and_unsafe_tags_and_duplicate_keys():
    [p] = problems("name: s\ndescription: [unclosed\n")
    assert p.startswith("s.yaml:") and "YAML:" in p
    [p] = problems("name: !!python/object/apply:os.system ['true']\ndescription: d\n")
    assert "YAML:" in p  # the safe loader refuses to build objects
    [p] = problems("name: s\nname: t\ndescription: d\n")
    assert p == "s.yaml:2: YAML: duplicate key 'name'"
    [p] = problems("name: &n s\ndescription: *n\n")
    assert p == "s.yaml:2: YAML: aliases (*name) are not supported"


def test_effect_combinations_are_checked():
    [p] = problems("name: s\ndescription: d\nrules:\n  - effects: {after_commit: true}\n")
    assert "after_commit needs a status" in p
    [p] = problems("name: s\ndescription: d\nrules:\n  - effects:\n"
                   "      latency: {fixed_ms: 1, min_ms: 1, max_ms: 2}\n")
    assert "s.yaml:5: rules[0].effects.latency: give exactly one of" in p


def test_cli_validate_exit_codes_and_messages(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text("name: good\ndescription: d\nrules:\n  - effects: {latency: 5}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndescription: d\nrules:\n  - effects: {latncy: 5}\n")
    assert cli_main(["scenarios", "validate", str(good)]) == 0
    assert "good.yaml: ok (good, 1 rule)" in capsys.readouterr().out
    assert cli_main(["scenarios", "validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4: rules[0].effects.latncy: unknown field 'latncy'" in err
    assert cli_main(["scenarios", "validate", str(tmp_path / "missing.yaml")]) == 1


def test_cli_validate_the_bundled_library(capsys):
    assert cli_main(["scenarios", "validate", str(SCENARIOS)]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(list(SCENARIOS.glob("*.yaml"))) >= 9


def test_cli_list_shows_bundled_and_user_scenarios(tmp_path, capsys):
    (tmp_path / "mine.yaml").write_text("name: mine\ndescription: My own scenario.\n")
    assert cli_main(["scenarios", "list", "--scenarios-dir", str(tmp_path),
                     "--scenario", "mine"]) == 0
    out = capsys.readouterr().out
    assert "mine (active at start)" in out and "My own scenario." in out
    assert "flaky-502  [bundled, 1 rule]" in out


def test_committed_json_schema_is_current():
    assert (SCENARIOS / "scenario.schema.json").read_text() == schema_text(), (
        "run `purchase-emulator scenarios schema --write emulator/scenarios/scenario.schema.json`")


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_files_satisfy_the_json_schema(path):
    schema = json.loads((SCENARIOS / "scenario.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_json_schema_rejects_what_the_loader_rejects():
    schema = json.loads((SCENARIOS / "scenario.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "description": "d",
                             "rules": [{"effects": {"explode": True}}]}, schema)


def test_readme_documents_every_field():
    from pydantic import BaseModel

    from emulator.scenario_engine import schema

    readme = (ROOT / "scenarios" / "README.md").read_text()  # the guide stays at the top
    models, todo = [], [schema.Scenario]  # every model of the format, effects' included
    while todo:
        model = todo.pop()
        if model not in models:
            models.append(model)
            for field in model.model_fields.values():
                todo.extend(t for t in _types_in(field.annotation)
                            if isinstance(t, type) and issubclass(t, BaseModel))
    assert {"Latency", "Fault", "Override", "PatchOp", "Effects"} <= {m.__name__ for m in models}
    missing = [f"{model.__name__}.{field.alias or name}" for model in models
               for name, field in model.model_fields.items()
               if f"`{field.alias or name}`" not in readme and f"{field.alias or name}:" not in readme]
    assert not missing, f"scenarios/README.md does not document {missing}"


def _types_in(annotation) -> list:
    import typing

    return [annotation, *(t for arg in typing.get_args(annotation) for t in _types_in(arg))]
