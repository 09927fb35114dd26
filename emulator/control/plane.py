"""The control plane's state: which sandboxes exist, their idle expiry, reset and delete.

`runtime.control` holds one ControlPlane. The pipeline asks it to resolve every request's
sandbox (unknown id → 404) and to note the sandbox as used; an expiry sweep runs at most once
per sweep interval from that same call, so no background thread is needed.

The fixture baseline (`--fixtures`) is loaded here too: the default sandbox at start, every
new sandbox and every reset (documents are parsed and applied by emulator/control/fixture_docs.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from emulator.control import rows
from emulator.control.fixture_docs import apply_fixtures, read_file, validate_shape
from emulator.control.models import DEFAULT_SANDBOX, SandboxRow, SnapshotRow, snapshot_sandbox
from emulator.control.pool import SandboxPool
from emulator.control.sandbox_header import RULE, is_sandbox_id
from emulator.errors import BadRequest, Duplicate, NotFound, Unprocessable

if TYPE_CHECKING:
    from emulator.runtime import Runtime

log = logging.getLogger("emulator.control")
LIVE = col(SandboxRow.pooled_for).is_(None)  # spares of the pool are not sandboxes (yet)


class ControlPlane:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.wall = time.time  # replaceable in tests: idle expiry is real time, not virtual
        self._known: dict[str, float] = {}  # sandbox id → last use (wall seconds)
        self.lock = threading.RLock()
        self._last_sweep = 0.0
        self.baseline: list[tuple[str, dict[str, Any]]] = []  # startup fixtures: (origin, data)
        self.baseline_digest: str | None = None
        self.pool = SandboxPool(self, runtime.settings.sandbox_pool_size)

    @property
    def idle_seconds(self) -> float:
        return self.runtime.settings.sandbox_idle_seconds

    # -- start -----------------------------------------------------------------------------
    def start(self) -> None:
        now = self.wall()
        with self.runtime.db.write_session() as session:
            if session.get(SandboxRow, DEFAULT_SANDBOX) is None:
                # replicas starting together on one empty database: the first insert wins
                dialect = postgresql if not self.runtime.db.is_sqlite else sqlite
                session.execute(dialect.insert(SandboxRow).values(
                    id=DEFAULT_SANDBOX, created_at=now, last_used=now).on_conflict_do_nothing())
            session.commit()
            for row in session.execute(select(SandboxRow).where(LIVE)).scalars():
                self._known[row.id] = max(row.last_used, now)  # a restart is not idleness

    # -- the pipeline's calls ----------------------------------------------------------------
    def resolve(self, sandbox: str) -> bool:
        """True when `sandbox` exists; notes it as used and sweeps expired ones when due."""
        now = self.wall()
        known = sandbox in self._known
        if not known:  # another process may have created it
            with self.runtime.db.read_session() as session:
                row = session.get(SandboxRow, sandbox)
                known = row is not None and row.pooled_for is None
        if known:
            self._known[sandbox] = now
        if self.idle_seconds and now - self._last_sweep >= self.sweep_interval:
            try:
                self.sweep()
            except SQLAlchemyError:  # housekeeping: a locked or read-only store must not fail
                self._last_sweep = now  # the request (emulator.db logged why); retry later
                log.warning("idle-sandbox sweep skipped: the state store is unavailable")
        return known

    @property
    def sweep_interval(self) -> float:
        return min(60.0, max(1.0, self.idle_seconds / 10))

    def sweep(self) -> list[str]:
        """Delete sandboxes idle for longer than the setting.

        Last use is shared through the database (each process writes its own observations,
        keeping the latest), so with several emulator processes on one database a sandbox busy
        in one of them is never expired by another; ids deleted elsewhere are forgotten here.
        """
        now = self.wall()
        self._last_sweep = now
        with self.runtime.db.write_session() as session:
            for sid, used in list(self._known.items()):
                session.execute(update(SandboxRow).where(
                    col(SandboxRow.id) == sid, col(SandboxRow.last_used) < used).values(last_used=used))
            live = dict(session.execute(select(col(SandboxRow.id), col(SandboxRow.last_used))
                                        .where(LIVE)).all())
            session.commit()
        for sid in list(self._known):
            if sid not in live:
                self._known.pop(sid, None)
        expired = [sid for sid, used in live.items()
                   if sid != DEFAULT_SANDBOX and now - used > self.idle_seconds]
        for sid in expired:
            log.info("sandbox %s expired after %.0f s idle", sid, now - live[sid])
            try:
                self.delete(sid)
            except NotFound:  # another process expired it first
                self._known.pop(sid, None)
        return expired

    # -- sandboxes -------------------------------------------------------------------------
    def listing(self) -> list[dict]:
        with self.runtime.db.read_session() as session:
            found = session.execute(select(SandboxRow).where(LIVE)
                                    .order_by(col(SandboxRow.created_at))).scalars()
            return [self.describe(row) for row in found]

    def describe(self, row: SandboxRow) -> dict:
        used = max(row.last_used, self._known.get(row.id, 0.0))
        expires = None
        if self.idle_seconds and row.id != DEFAULT_SANDBOX:
            expires = iso_time(used + self.idle_seconds)
        return {"id": row.id, "created_at": iso_time(row.created_at), "last_used": iso_time(used),
                "expires_at": expires, "from_snapshot": row.source_snapshot,
                "clock": self.runtime.clocks.get(row.id).state()}

    def create(self, sandbox_id: str | None = None, from_snapshot: str | None = None) -> dict:
        sid = f"sbx-{uuid.uuid4().hex[:16]}" if sandbox_id is None else sandbox_id
        if not is_sandbox_id(sid):
            raise BadRequest(f"id must be {RULE}")
        now = self.wall()
        if from_snapshot is not None and sandbox_id is None:
            claimed = self.pool.claim(from_snapshot, now)  # a spare copied ahead of time
            if claimed is not None:
                self.pool.refill_soon(from_snapshot)
                return self._registered(claimed, now)
        with self.lock, self.runtime.db.write_session() as session:
            if session.get(SandboxRow, sid) is not None:
                raise Duplicate(f"sandbox {sid!r} already exists")
            if from_snapshot is not None and session.get(SnapshotRow, from_snapshot) is None:
                raise NotFound(f"no snapshot named {from_snapshot!r}")
            row = SandboxRow(id=sid, created_at=now, last_used=now,
                             source_snapshot=from_snapshot, baseline=self.baseline_digest)
            session.add(row)
            session.flush()
            if from_snapshot is not None:
                rows.copy_sandbox_rows(session.connection(), self.runtime,
                                       snapshot_sandbox(from_snapshot), sid)
            session.commit()
            self._known[sid] = now
        # the clock row came with the snapshot (delete() already dropped any cached clock)
        self._forget_memory(sid, clock=False)
        if from_snapshot is None:
            try:
                self.apply_baseline(sid)
            except ValueError as exc:  # the startup fixtures no longer load: say so, undo
                self.delete(sid)
                raise Unprocessable(f"the new sandbox cannot load the baseline: {exc}") from None
        else:
            self.pool.refill_soon(from_snapshot)
        return self.describe(row)

    def _registered(self, sid: str, now: float) -> dict:
        self._known[sid] = now
        self._forget_memory(sid, clock=False)
        return self.describe(self.get(sid))

    def get(self, sandbox_id: str) -> SandboxRow:
        with self.runtime.db.read_session() as session:
            row = session.get(SandboxRow, sandbox_id)
        if row is None or row.pooled_for is not None:
            raise NotFound(f"no sandbox {sandbox_id!r}")
        return row

    def delete(self, sandbox_id: str) -> None:
        if sandbox_id == DEFAULT_SANDBOX:
            raise BadRequest("the default sandbox cannot be deleted; reset it instead")
        with self.lock, self.runtime.db.write_session() as session:
            row = session.get(SandboxRow, sandbox_id)
            if row is None or row.pooled_for is not None:
                raise NotFound(f"no sandbox {sandbox_id!r}")
            rows.delete_sandbox_rows(session.connection(), self.runtime, sandbox_id)
            session.execute(delete(SandboxRow).where(col(SandboxRow.id) == sandbox_id))
            session.commit()
            self._known.pop(sandbox_id, None)
        self._forget_memory(sandbox_id)

    # -- reset -----------------------------------------------------------------------------
    def reset(self, sandbox_id: str) -> None:
        """Back to the seeded baseline (plus startup fixtures): rows, clock, journal, counters."""
        with self.lock, self.runtime.db.write_session() as session:
            rows.delete_sandbox_rows(session.connection(), self.runtime, sandbox_id)
            session.commit()
        self._forget_memory(sandbox_id)
        self.apply_baseline(sandbox_id)

    def reset_all(self) -> list[str]:
        """Every sandbox back to the baseline (sandboxes and snapshots are kept)."""
        with self.lock, self.runtime.db.write_session() as session:
            pooled = set(session.execute(select(col(SandboxRow.pooled_for)).where(~LIVE)).scalars())
            rows.delete_live_rows(session.connection(), self.runtime)  # spares' rows too
            self.pool.drop(session)
            ids = list(session.execute(select(col(SandboxRow.id)).where(LIVE)).scalars())
            session.commit()
        for snapshot in pooled:
            self.pool.refill_soon(snapshot)
        self.runtime.journal.clear()
        for sid in ids:
            self._forget_memory(sid)
            self.apply_baseline(sid)
        return ids

    def _forget_memory(self, sandbox_id: str, clock: bool = True) -> None:
        """What a sandbox keeps besides its rows: clock cache, journal, scenario selection and
        counters, and whatever a vendor derives from its rows (`AdminHooks.reset_sandbox`)."""
        rt = self.runtime
        if clock:
            rt.clocks.forget(sandbox_id)
        rt.journal.clear(sandbox_id)
        rt.scenarios.reset_sandbox(sandbox_id)
        for vendor in rt.vendors.values():
            vendor.reset_sandbox(sandbox_id)

    @staticmethod
    def _default(session) -> SandboxRow:
        row = session.get(SandboxRow, DEFAULT_SANDBOX)
        if row is None:  # start() makes it; only a database emptied underneath us lacks it
            raise RuntimeError("the default sandbox is missing from the sandbox table")
        return row

    # -- the fixture baseline ----------------------------------------------------------------
    def apply_baseline(self, sandbox_id: str) -> None:
        for origin, data in self.baseline:
            apply_fixtures(self.runtime, sandbox_id, data, origin)

    def load_baseline(self) -> None:
        """Read `settings.fixtures` as the baseline and load it into the default sandbox.

        The default sandbox remembers which baseline it holds (a digest), so restarting on the
        same database does not load the same fixtures twice; a changed baseline resets it."""
        docs = []
        for path in self.runtime.settings.fixtures:
            data = read_file(path)
            validate_shape(self.runtime, data, str(path))
            docs.append((str(path), data))
        digest = None
        if docs:
            canonical = json.dumps([d for _, d in docs], sort_keys=True, default=str)
            digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
        self.baseline, self.baseline_digest = docs, digest
        with self.runtime.db.read_session() as session:
            current = self._default(session).baseline
        if current == digest:
            return
        if current is not None:
            log.warning("the fixture baseline changed: resetting the default sandbox")
            self.reset(DEFAULT_SANDBOX)  # applies the new baseline
        else:
            self.apply_baseline(DEFAULT_SANDBOX)
        with self.runtime.db.write_session() as session:
            row = self._default(session)
            row.baseline = digest
            session.add(row)
            session.commit()


def iso_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch % 1 * 1000):03d}Z"
