"""Spare sandboxes, pre-copied from a snapshot, so `POST /__admin/sandboxes {"from": s}` is O(1).

Copying a large snapshot costs a database write of every row; doing it ahead of time, in a
background thread, makes creating a sandbox a single-row claim. A spare is an ordinary sandbox
row marked `pooled_for=<snapshot>`: invisible (unknown to the pipeline, absent from listings)
until claimed. Claims are an atomic UPDATE, so several emulator processes sharing a database
can draw from one pool. Spares are dropped when their snapshot changes or is deleted.
"""

from __future__ import annotations

import logging
import threading
import uuid

from sqlalchemy import delete, select, update
from sqlmodel import col

from emulator.control import rows
from emulator.control.models import SandboxRow, snapshot_sandbox

log = logging.getLogger("emulator.control")


class SandboxPool:
    def __init__(self, control, size: int) -> None:
        self.control = control
        self.size = size
        self._threads: dict[str, threading.Thread] = {}
        self._guard = threading.Lock()

    @property
    def runtime(self):
        return self.control.runtime

    def claim(self, snapshot: str, now: float) -> str | None:
        """A spare of `snapshot` turned into a live sandbox, or None when none is ready."""
        if not self.size:
            return None
        with self.runtime.db.write_session() as session:
            sid = session.execute(select(col(SandboxRow.id)).where(col(SandboxRow.pooled_for) == snapshot)
                                  .limit(1)).scalar()
            if sid is None:
                return None
            claimed = session.execute(
                update(SandboxRow).where(col(SandboxRow.id) == sid, col(SandboxRow.pooled_for) == snapshot)
                .values(pooled_for=None, created_at=now, last_used=now,
                        source_snapshot=snapshot)).rowcount
            session.commit()
        return sid if claimed else None

    def refill_soon(self, snapshot: str) -> None:
        """Top the pool of `snapshot` up in a background thread (one per snapshot)."""
        if not self.size:
            return
        with self._guard:
            running = self._threads.get(snapshot)
            if running is not None and running.is_alive():
                return
            thread = threading.Thread(target=self._refill, args=(snapshot,), daemon=True,
                                      name=f"sandbox-pool-{snapshot}")
            self._threads[snapshot] = thread
            thread.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until every refill in progress is done (tests, benchmarks, shutdown)."""
        for thread in list(self._threads.values()):
            thread.join(timeout)

    def _refill(self, snapshot: str) -> None:
        try:
            while self._prepare_one(snapshot):
                pass
        except Exception:  # a disposed database at shutdown, a deleted snapshot: try later
            log.debug("sandbox pool refill for %s stopped", snapshot, exc_info=True)

    def _prepare_one(self, snapshot: str) -> bool:
        from emulator.control.models import SnapshotRow

        with self.control.lock, self.runtime.db.write_session() as session:
            spares = session.execute(select(col(SandboxRow.id)).where(
                col(SandboxRow.pooled_for) == snapshot)).scalars().all()
            if len(spares) >= self.size or session.get(SnapshotRow, snapshot) is None:
                return False
            sid = f"sbx-{uuid.uuid4().hex[:16]}"
            now = self.control.wall()
            session.add(SandboxRow(id=sid, created_at=now, last_used=now, pooled_for=snapshot,
                                   source_snapshot=snapshot))
            session.flush()
            rows.copy_sandbox_rows(session.connection(), self.runtime,
                                   snapshot_sandbox(snapshot), sid)
            session.commit()
        return True

    def drop(self, session, snapshot: str | None = None) -> None:
        """Delete the spares of `snapshot` (every spare with None), inside the caller's
        transaction: the snapshot they copied is changing or going away."""
        query = select(col(SandboxRow.id)).where(col(SandboxRow.pooled_for).is_not(None))
        if snapshot is not None:
            query = query.where(col(SandboxRow.pooled_for) == snapshot)
        for sid in session.execute(query).scalars().all():
            rows.delete_sandbox_rows(session.connection(), self.runtime, sid)
            session.execute(delete(SandboxRow).where(col(SandboxRow.id) == sid))
