"""The control plane's own tables: sandboxes and saved snapshots (metadata only).

A snapshot's rows live in the vendor tables themselves under a reserved sandbox value
(`#snap:<name>`, never a valid `X-Emulator-Sandbox`), so saving, restoring and creating a
sandbox from one are `INSERT ... SELECT` statements inside the database.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

SNAPSHOT_PREFIX = "#snap:"
DEFAULT_SANDBOX = "default"


def snapshot_sandbox(name: str) -> str:
    return SNAPSHOT_PREFIX + name


class SandboxRow(SQLModel, table=True):
    __tablename__ = "emulator_sandbox"

    id: str = Field(primary_key=True, max_length=64)
    created_at: float  # wall time: idle expiry is about real time, not a virtual clock
    last_used: float
    source_snapshot: str | None = Field(default=None, max_length=64)
    baseline: str | None = Field(default=None, max_length=64, description="fixtures digest")
    # set while the sandbox is a pre-copied spare of that snapshot (invisible until claimed)
    pooled_for: str | None = Field(default=None, max_length=56, index=True)


class SnapshotRow(SQLModel, table=True):
    __tablename__ = "emulator_snapshot"

    name: str = Field(primary_key=True, max_length=56)
    created_at: float
    source_sandbox: str = Field(max_length=64)
    clock_epoch: float | None = None
    rows: int = 0
    description: str | None = Field(default=None, max_length=300)
