"""Print the table of effects, or --write it into a README:

    python -m emulator.scenario_engine.effects --write scenarios/README.md

after adding or changing an effect (a test checks the README's table is current)."""

from __future__ import annotations

import argparse
from pathlib import Path

from emulator.scenario_engine.effects import readme_table, with_readme_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.scenario_engine.effects")
    parser.add_argument("--write", type=Path, help="replace the table in this README")
    args = parser.parse_args(argv)
    if args.write is None:
        print(readme_table())
        return 0
    args.write.write_text(with_readme_table(args.write.read_text(encoding="utf-8")),
                          encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
