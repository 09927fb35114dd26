"""/__admin/snapshots: save a sandbox's state under a name, restore it, export and import it.

A snapshot's rows are kept in the vendor tables under a reserved sandbox value, so save,
restore and "new sandbox from snapshot" are single `INSERT ... SELECT`s per table.
"""

from __future__ import annotations

import re

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt
from sqlalchemy import delete, select
from sqlmodel import col
from starlette.responses import Response

from emulator.control import rows
from emulator.control.models import SnapshotRow, snapshot_sandbox
from emulator.control.plane import iso_time
from emulator.deps import Ctx, RuntimeDep
from emulator.errors import BadRequest, Duplicate, NotFound, Unprocessable
from emulator.jsonio import JSONResponse

router = APIRouter(prefix="/__admin", tags=["admin"])
NAME = re.compile(r"^[A-Za-z0-9._-]{1,50}$")
RESERVED = frozenset({"import"})  # /__admin/snapshots/import is the import endpoint, not a name
EXPORT_FORMAT = "purchase-emulator-snapshot"


class NewSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="letters, digits, '.', '_' or '-' (1-50)")
    description: str | None = Field(None, max_length=300)
    overwrite: StrictBool = False


class SnapshotImport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: str
    version: StrictInt
    name: str
    description: str | None = None
    source_sandbox: str | None = None
    clock_epoch: StrictFloat | None = None
    tables: dict


def _describe(row: SnapshotRow) -> dict:
    return {"name": row.name, "created_at": iso_time(row.created_at), "source_sandbox":
            row.source_sandbox, "clock_epoch": row.clock_epoch, "rows": row.rows,
            "description": row.description}


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name):  # fullmatch: `$` also matches before a final "\n"
        raise BadRequest("name must be 1-50 characters of letters, digits, '.', '_' or '-'")
    if name in RESERVED:
        raise BadRequest(f"name {name!r} is reserved: /__admin/snapshots/{name} is an endpoint")


def _remove(session, runtime, name: str) -> None:
    rows.delete_sandbox_rows(session.connection(), runtime, snapshot_sandbox(name))
    session.execute(delete(SnapshotRow).where(col(SnapshotRow.name) == name))


@router.get("/snapshots", operation_id="admin_list_snapshots")
def list_snapshots(runtime: RuntimeDep) -> dict:
    with runtime.db.read_session() as session:
        found = session.execute(select(SnapshotRow).order_by(col(SnapshotRow.name))).scalars()
        return {"snapshots": [_describe(row) for row in found]}


@router.post("/snapshots", status_code=201, operation_id="admin_save_snapshot")
def save_snapshot(body: NewSnapshot, runtime: RuntimeDep,
                  ctx: Ctx) -> dict:
    _check_name(body.name)
    control = runtime.control
    with control.lock, runtime.db.write_session() as session:
        if session.get(SnapshotRow, body.name) is not None:
            if not body.overwrite:
                raise Duplicate(f"a snapshot named {body.name!r} exists (send overwrite: true)")
            control.pool.drop(session, body.name)
            _remove(session, runtime, body.name)
        copied = rows.copy_sandbox_rows(session.connection(), runtime, ctx.sandbox,
                                        snapshot_sandbox(body.name))
        row = SnapshotRow(name=body.name, created_at=control.wall(), source_sandbox=ctx.sandbox,
                          clock_epoch=ctx.clock.time(), rows=copied,
                          description=body.description)
        session.add(row)
        session.commit()
    control.pool.refill_soon(body.name)  # spares make sandboxes from it instant
    return _describe(row)


@router.post("/snapshots/{name}/restore", operation_id="admin_restore_snapshot")
def restore_snapshot(name: str, runtime: RuntimeDep,
                     ctx: Ctx) -> dict:
    """Replace the request's sandbox state (rows and clock) with the snapshot's."""
    with runtime.control.lock, runtime.db.write_session() as session:
        row = session.get(SnapshotRow, name)
        if row is None:
            raise NotFound(f"no snapshot named {name!r}")
        conn = session.connection()
        rows.delete_sandbox_rows(conn, runtime, ctx.sandbox)
        rows.copy_sandbox_rows(conn, runtime, snapshot_sandbox(name), ctx.sandbox)
        session.commit()
    # the clock row came with the snapshot (or not): reload the in-memory clock from it
    _reload_clock(runtime, ctx.sandbox)
    return {"restored": name, "sandbox": ctx.sandbox,
            "clock": runtime.clocks.get(ctx.sandbox).state()}


def _reload_clock(runtime, sandbox: str) -> None:
    from emulator.clock import ClockState

    with runtime.db.read_session() as session:
        state = session.get(ClockState, sandbox)
    if state is None:  # the snapshot's clock was never changed: back to the default clock
        runtime.clocks.forget(sandbox)
    else:
        runtime.clocks.get(sandbox).set(state.offset, state.frozen_at)


@router.delete("/snapshots/{name}", status_code=204, operation_id="admin_delete_snapshot")
def delete_snapshot(name: str, runtime: RuntimeDep) -> Response:
    control = runtime.control
    with control.lock, runtime.db.write_session() as session:
        if session.get(SnapshotRow, name) is None:
            raise NotFound(f"no snapshot named {name!r}")
        control.pool.drop(session, name)
        _remove(session, runtime, name)
        session.commit()
    return Response(status_code=204)


@router.get("/snapshots/{name}/export", operation_id="admin_export_snapshot")
def export_snapshot(name: str, runtime: RuntimeDep) -> Response:
    with runtime.db.read_session() as session:
        row = session.get(SnapshotRow, name)
        if row is None:
            raise NotFound(f"no snapshot named {name!r}")
        tables = rows.dump_rows(session.connection(), runtime, snapshot_sandbox(name))
    document = {"format": EXPORT_FORMAT, "version": 1, "name": name,
                "description": row.description, "source_sandbox": row.source_sandbox,
                "clock_epoch": row.clock_epoch, "tables": tables}
    return JSONResponse(document, headers={
        "content-disposition": f'attachment; filename="{name}.snapshot.json"'})


@router.post("/snapshots/import", status_code=201, operation_id="admin_import_snapshot")
def import_snapshot(*, body: SnapshotImport, overwrite: bool = False,
                    runtime: RuntimeDep) -> dict:
    if body.format != EXPORT_FORMAT or body.version != 1:
        raise Unprocessable(f"format: expected {EXPORT_FORMAT!r} version 1 "
                            f"(an export of GET /__admin/snapshots/{{name}}/export)")
    _check_name(body.name)
    control = runtime.control
    with control.lock, runtime.db.write_session() as session:
        if session.get(SnapshotRow, body.name) is not None:
            if not overwrite:
                raise Duplicate(f"a snapshot named {body.name!r} exists (use ?overwrite=true)")
            control.pool.drop(session, body.name)
            _remove(session, runtime, body.name)
        try:
            count = rows.load_rows(session.connection(), runtime, snapshot_sandbox(body.name),
                                   body.tables)
        except ValueError as exc:
            session.rollback()
            raise Unprocessable(str(exc)) from None
        except Exception as exc:  # a value the column cannot hold (type, constraint)
            session.rollback()
            raise Unprocessable(f"tables: rows cannot be stored ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:200]})") from None
        row = SnapshotRow(name=body.name, created_at=control.wall(),
                          source_sandbox=body.source_sandbox or "import",
                          clock_epoch=body.clock_epoch, rows=count,
                          description=body.description)
        session.add(row)
        session.commit()
    control.pool.refill_soon(body.name)
    return _describe(row)


