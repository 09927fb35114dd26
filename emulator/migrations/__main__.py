"""`python -m emulator.migrations revision -m MSG | upgrade | current [--url URL]`.

`revision` autogenerates against a scratch SQLite database brought to HEAD first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from emulator.db import Database
from emulator.migrations import alembic_config, upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.migrations")
    parser.add_argument("action", choices=["revision", "upgrade", "current"])
    parser.add_argument("-m", "--message", default="schema change")
    parser.add_argument("--rev-id", default=None)
    parser.add_argument("--url", default=None, help="database URL (default: a scratch SQLite)")
    args = parser.parse_args(argv)
    from alembic import command

    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite:///{Path(scratch) / 'scratch.db'}"
        db = Database(url)
        if args.action == "upgrade":
            print("migrated" if upgrade(db) else "already at head")
        elif args.action == "current":
            with db.engine.connect() as conn:
                config = alembic_config(url)
                config.attributes["connection"] = conn
                command.current(config)
        else:
            if args.rev_id != "0001":
                upgrade(db)
            with db.engine.connect() as conn:
                config = alembic_config(url)
                config.attributes["connection"] = conn
                command.revision(config, message=args.message, autogenerate=True,
                                 rev_id=args.rev_id)
                conn.commit()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
