"""Generic per-sandbox row operations over every table in `runtime.sandbox_tables()`.

Each table has a `sandbox` column; rows refer to each other by public ids, so a sandbox's
state can be copied with one `INSERT ... SELECT` per table (the surrogate autoincrement key
is left to the database) and dropped with one `DELETE` per table.
"""

from __future__ import annotations

from sqlalchemy import Table, delete, func, insert, literal, select
from sqlalchemy.engine import Connection

from emulator.db import table as table_of


def tables(runtime) -> list[Table]:
    return [table_of(model) for model in runtime.sandbox_tables()]


def copy_columns(table: Table) -> list:
    """Every column but the autoincrement surrogate key."""
    auto = table.autoincrement_column
    return [c for c in table.columns if c is not auto]


def delete_sandbox_rows(conn: Connection, runtime, sandbox: str) -> int:
    removed = 0
    for table in tables(runtime):
        removed += conn.execute(delete(table).where(table.c.sandbox == sandbox)).rowcount or 0
    return removed


def delete_live_rows(conn: Connection, runtime) -> None:
    """Every sandbox's rows, but not the snapshots' (their sandbox value starts with '#')."""
    for table in tables(runtime):
        conn.execute(delete(table).where(~table.c.sandbox.startswith("#")))


def copy_sandbox_rows(conn: Connection, runtime, source: str, target: str) -> int:
    copied = 0
    for table in tables(runtime):
        cols = copy_columns(table)
        chosen = [literal(target).label("sandbox") if c.name == "sandbox" else c for c in cols]
        stmt = insert(table).from_select([c.name for c in cols],
                                         select(*chosen).where(table.c.sandbox == source))
        copied += conn.execute(stmt).rowcount or 0
    return copied


def count_rows(conn: Connection, runtime, sandbox: str) -> int:
    total = 0
    for table in tables(runtime):
        total += conn.execute(select(func.count()).select_from(table)
                              .where(table.c.sandbox == sandbox)).scalar_one()
    return total


def watermarks(conn: Connection, runtime) -> dict[str, int]:
    """The highest surrogate key per table: rows above it were added after this call."""
    marks: dict[str, int] = {}
    for table in tables(runtime):
        auto = table.autoincrement_column
        if auto is not None:
            marks[table.name] = conn.execute(select(func.max(auto))).scalar_one() or 0
    return marks


def delete_above(conn: Connection, runtime, sandbox: str, marks: dict[str, int]) -> None:
    """Undo the rows a failed fixture load added (inserted after `marks`)."""
    for table in tables(runtime):
        auto = table.autoincrement_column
        if auto is not None and table.name in marks:
            conn.execute(delete(table).where(table.c.sandbox == sandbox,
                                             auto > marks[table.name]))


def dump_rows(conn: Connection, runtime, sandbox: str) -> dict[str, dict]:
    """A sandbox's rows as {table: {columns, rows}} (export)."""
    out: dict[str, dict] = {}
    for table in tables(runtime):
        cols = [c for c in copy_columns(table) if c.name != "sandbox"]
        result = conn.execute(select(*cols).where(table.c.sandbox == sandbox))
        out[table.name] = {"columns": [c.name for c in cols],
                           "rows": [list(row) for row in result]}
    return out


def load_rows(conn: Connection, runtime, sandbox: str, data: dict) -> int:
    """Insert an export's rows under `sandbox`; ValueError names the table/column at fault."""
    known = {t.name: t for t in tables(runtime)}
    batches = []
    for name, section in data.items():
        table = known.get(name)
        if table is None:
            raise ValueError(f"tables.{name}: no such table in this emulator "
                             f"(known: {', '.join(sorted(known))})")
        if not isinstance(section, dict) or not isinstance(section.get("columns"), list) \
                or not isinstance(section.get("rows"), list):
            raise ValueError(f"tables.{name}: expected {{columns: [...], rows: [[...]]}}")
        allowed = {c.name for c in copy_columns(table)} - {"sandbox"}
        columns = section["columns"]
        for col in columns:
            if col not in allowed:
                raise ValueError(f"tables.{name}.columns: unknown column {col!r}")
        values = []
        for i, row in enumerate(section["rows"]):
            if not isinstance(row, list) or len(row) != len(columns):
                raise ValueError(f"tables.{name}.rows[{i}]: expected {len(columns)} values")
            values.append({"sandbox": sandbox, **dict(zip(columns, row, strict=True))})
        if values:
            batches.append((table, values))
    total = 0
    for table, values in batches:
        conn.execute(insert(table), values)
        total += len(values)
    return total
