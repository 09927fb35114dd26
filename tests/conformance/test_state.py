"""Every row a vendor stores is sandbox state: reset removes it, and a snapshot carries it
back (restore), into a new sandbox, and through export → import, with no code of the
vendor's. Rows are made here from the tables' own columns, so any table qualifies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Table, insert, select

from emulator.db import table

MARK = "conf"  # string values start with it: the rows this test made


def _value(column, n: int) -> Any:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is bool:
        return n % 2 == 0
    if kind is int:
        return 900_000 + n
    if kind is float:
        return 1_000.5 + n
    if kind is dt.datetime:
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    if kind in (dict, list):
        return kind()
    length = getattr(column.type, "length", None) or 32
    return f"{MARK}{n}"[:length]


def _tables(vendor) -> list[Table]:
    return [table(model) for model in type(vendor).tables()]


def _insert(runtime, vendor, sandbox: str, rows_per_table: int = 2) -> None:
    with runtime.db.write_session() as session:
        for t in _tables(vendor):
            auto = t.autoincrement_column
            for n in range(rows_per_table):
                values = {c.name: _value(c, n) for c in t.columns if c is not auto}
                values["sandbox"] = sandbox
                session.execute(insert(t).values(**values))
        session.commit()


def _rows(runtime, vendor, sandbox: str) -> dict[str, list[tuple]]:
    """This test's rows per table, without the surrogate key and the sandbox."""
    out = {}
    with runtime.db.read_session() as session:
        for t in _tables(vendor):
            cols = [c for c in t.columns if c is not t.autoincrement_column and
                    c.name != "sandbox"]
            found = session.execute(select(*cols).where(t.c.sandbox == sandbox)).all()
            out[t.name] = sorted(tuple(row) for row in found
                                 if any(isinstance(v, str) and v.startswith(MARK) for v in row))
    return out


@pytest.fixture
def stored(vendor_app):
    """A client whose default sandbox holds two made-up rows in each of the vendor's tables,
    and those rows as read back."""
    client, vendor = vendor_app()
    runtime = client.app.state.runtime
    if not type(vendor).tables():
        pytest.skip(f"{vendor.name} stores nothing")
    _insert(runtime, vendor, "default")
    rows = _rows(runtime, vendor, "default")
    assert all(len(found) == 2 for found in rows.values()), rows
    return client, vendor, rows


def test_reset_removes_the_rows(stored):
    client, vendor, _ = stored
    assert client.post("/__admin/reset").status_code == 200
    assert all(not found for found in _rows(client.app.state.runtime, vendor,
                                              "default").values())


def test_snapshot_restore_brings_every_row_back(stored):
    client, vendor, rows = stored
    assert client.post("/__admin/snapshots", json={"name": "conf"}).status_code == 201
    client.post("/__admin/reset")
    assert client.post("/__admin/snapshots/conf/restore").status_code == 200
    assert _rows(client.app.state.runtime, vendor, "default") == rows


def test_a_sandbox_made_from_a_snapshot_has_every_row(stored):
    client, vendor, rows = stored
    client.post("/__admin/snapshots", json={"name": "conf"})
    r = client.post("/__admin/sandboxes", json={"id": "copy", "from": "conf"})
    assert r.status_code == 201, r.text
    assert _rows(client.app.state.runtime, vendor, "copy") == rows


def test_export_then_import_keeps_every_row(stored):
    client, vendor, rows = stored
    client.post("/__admin/snapshots", json={"name": "conf"})
    exported = client.get("/__admin/snapshots/conf/export")
    assert exported.status_code == 200
    client.delete("/__admin/snapshots/conf")
    client.post("/__admin/reset")
    assert client.post("/__admin/snapshots/import", json=exported.json()).status_code == 201
    client.post("/__admin/snapshots/conf/restore")
    assert _rows(client.app.state.runtime, vendor, "default") == rows
