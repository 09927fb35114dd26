"""Which scenarios are active in each sandbox, kept in the database.

Several emulator processes can share one database (docker-compose's `shared` profile runs
two replicas behind a proxy): an activation made through one of them must hold on all. Each
process caches the selection and compares version numbers at most once a second (one small
query), so requests never wait on the database for it. A sandbox without a row has the
start-up selection.
"""

from __future__ import annotations

import json

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, select


class ScenarioSelection(SQLModel, table=True):
    __tablename__ = "scenario_selection"

    sandbox: str = Field(primary_key=True, max_length=64)
    active: str = "[]"  # JSON list of scenario names, in order
    bound: str = "{}"  # JSON {token: [names]}
    version: int = 1


class SelectionStore:
    def __init__(self, db) -> None:
        self.db = db

    def versions(self) -> dict[str, int]:
        with self.db.read_session() as session:
            rows = session.exec(select(ScenarioSelection.sandbox, ScenarioSelection.version))
            return {sandbox: version for sandbox, version in rows}

    def load(self, sandbox: str) -> tuple[list[str], dict[str, list[str]], int] | None:
        with self.db.read_session() as session:
            row = session.get(ScenarioSelection, sandbox)
            if row is None:
                return None
            return json.loads(row.active), json.loads(row.bound), row.version

    def save(self, sandbox: str, active: list[str], bound: dict[str, list[str]]) -> int:
        for attempt in range(2):  # two processes inserting the first row at once: retry
            try:
                with self.db.write_session() as session:
                    row = session.get(ScenarioSelection, sandbox, with_for_update=True)
                    if row is None:
                        row = ScenarioSelection(sandbox=sandbox, version=0)
                    row.active, row.bound = json.dumps(active), json.dumps(bound)
                    row.version += 1
                    session.add(row)
                    session.commit()
                    return row.version
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def delete(self, sandbox: str) -> None:
        with self.db.write_session() as session:
            row = session.get(ScenarioSelection, sandbox)
            if row is not None:
                session.delete(row)
                session.commit()
