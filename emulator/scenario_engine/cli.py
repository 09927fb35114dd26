"""`purchase-emulator scenarios validate|list|schema`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SCHEMA_FILE = "scenario.schema.json"


def add_commands(sub) -> None:
    scenarios = sub.add_parser("scenarios", help="validate, list or describe scenario files",
                               description="Work with YAML scenario files.")
    inner = scenarios.add_subparsers(dest="scenarios_command", required=True)

    validate = inner.add_parser(
        "validate", help="check scenario files; exit 1 naming file:line: field for each mistake")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                          help="a scenario file, or a directory of them")
    validate.set_defaults(func=cmd_validate)

    listing = inner.add_parser(
        "list", help="bundled and user scenarios: description and the file each came from")
    listing.add_argument("--scenarios-dir", action="append", type=Path, default=None,
                         help="an extra directory of scenarios (EMULATOR_SCENARIOS_DIR)")
    listing.add_argument("--scenario", action="append", default=None,
                         help="a scenario name or file to load as well (EMULATOR_SCENARIOS)")
    listing.set_defaults(func=cmd_list)

    schema = inner.add_parser("schema", help=f"print (or --write) the JSON Schema ({SCHEMA_FILE})")
    schema.add_argument("--write", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(func=cmd_schema)


def cmd_validate(args: argparse.Namespace) -> int:
    from emulator.scenario_engine.build import documented_operations
    from emulator.scenario_engine.library import SUFFIXES
    from emulator.scenario_engine.loader import ScenarioError, load_scenario

    operations = documented_operations()
    files: list[Path] = []
    failed = False
    for path in args.paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            print(f"{path}: no such file or directory", file=sys.stderr)
            failed = True
    for file in files:
        try:
            scenario = load_scenario(file, operations)
        except ScenarioError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(f"{file}: ok ({scenario.name}, {len(scenario.rules)} rule"
              f"{'' if len(scenario.rules) == 1 else 's'})")
    unchecked = sorted(name for name, ops in operations.items() if ops is None)
    if unchecked:
        print(f"note: operation ids not checked for {', '.join(unchecked)} (vendor not available)",
              file=sys.stderr)
    return 1 if failed else 0


def cmd_list(args: argparse.Namespace) -> int:
    from emulator.scenario_engine.build import documented_operations
    from emulator.scenario_engine.library import ScenarioLibrary
    from emulator.scenario_engine.loader import ScenarioError
    from emulator.settings import BUNDLED_SCENARIOS_DIR, Settings

    overrides = {}
    if args.scenarios_dir:
        overrides["scenarios_dir"] = args.scenarios_dir
    if args.scenario:
        overrides["scenarios"] = args.scenario
    settings = Settings(**overrides)
    library = ScenarioLibrary(settings.scenario_dirs, BUNDLED_SCENARIOS_DIR, documented_operations)
    library.refresh(force=True)
    try:
        active = [library.resolve(ref) for ref in settings.scenarios]
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    for compiled in library.all():
        scenario = compiled.scenario
        rules = f"{len(scenario.rules)} rule{'' if len(scenario.rules) == 1 else 's'}"
        origin = "bundled" if compiled.bundled else "user"
        hidden = library.overridden(compiled)
        note = ", overrides the bundled one" if hidden else ""
        mark = " (active at start)" if scenario.name in active else ""
        print(f"{scenario.name}{mark}  [{origin}, {rules}{note}]")
        print(f"    {' '.join(scenario.description.split())}")
        print(f"    file: {compiled.source}" + (f" (instead of {hidden})" if hidden else ""))
    for problems in library.errors.values():
        for problem in problems:
            print(f"invalid: {problem}", file=sys.stderr)
    return 1 if library.errors else 0


def schema_text() -> str:
    from emulator.scenario_engine.schema import json_schema

    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
