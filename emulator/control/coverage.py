"""/__admin/coverage: which states and transitions of each vendor's lifecycles traffic reached,
and which documented answers of each vendor it met (responses.py).

Built from the declared StateMachines (`emulator.lifecycle.machines()`) and the recorded
TransitionRecord rows, so a team sees the edge cases its client tests never exercised.
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlmodel import col

from emulator.control.models import SandboxRow
from emulator.control.responses import responses_report
from emulator.deps import Ctx, RuntimeDep
from emulator.errors import NotFound
from emulator.lifecycle.machine import TransitionRecord, machines

router = APIRouter(prefix="/__admin", tags=["admin"])


@router.get("/coverage", operation_id="admin_coverage")
def coverage(*, all_sandboxes: bool = False, vendor: str | None = None, runtime: RuntimeDep,
             ctx: Ctx) -> dict:
    """Per machine: states and transitions exercised vs never reached; per documented answer:
    how often it was met, and a recipe (request's sandbox, or every sandbox with
    `all_sandboxes=true`; snapshots never count). `vendor` narrows both to one vendor."""
    if vendor is not None and vendor not in runtime.vendors:
        raise NotFound(f"unknown vendor {vendor!r}: installed are "
                       f"{', '.join(sorted(runtime.vendors))}")
    vendors = {name: v for name, v in runtime.vendors.items() if vendor in (None, name)}
    query = select(col(TransitionRecord.machine), col(TransitionRecord.from_state),
                   col(TransitionRecord.to_state), func.count()).group_by(
        col(TransitionRecord.machine), col(TransitionRecord.from_state), col(TransitionRecord.to_state))
    if all_sandboxes:
        live = select(col(SandboxRow.id)).where(col(SandboxRow.pooled_for).is_(None))
        query = query.where(col(TransitionRecord.sandbox).in_(live))  # not snapshots, not spares
    else:
        query = query.where(col(TransitionRecord.sandbox) == ctx.sandbox)
    with runtime.db.read_session() as session:
        counts = session.execute(query).all()
        sandboxes = list(session.execute(live).scalars()) if all_sandboxes else [ctx.sandbox]

    report = []
    for name, machine in sorted(machines().items()):
        owner = name.partition(".")[0]
        if owner not in vendors:
            continue
        seen = [(f, t, n) for m, f, t, n in counts if m == name]
        report.append(_machine_report(name, owner, machine, seen))
    total = sum(m["states"]["total"] + m["transitions"]["total"] for m in report)
    covered = sum(m["states"]["covered"] + m["transitions"]["covered"] for m in report)
    entries = (entry for sandbox in sandboxes for entry in runtime.journal.entries(sandbox))
    return {"sandbox": None if all_sandboxes else ctx.sandbox,
            "percent": round(100 * covered / total, 1) if total else 0.0,
            "machines": report, **responses_report(vendors, entries)}


def _machine_report(name: str, vendor: str, machine, seen: list[tuple]) -> dict:
    state_hits: dict[str, int] = {}
    edge_hits: dict[tuple[str, str], int] = {}
    for from_state, to_state, n in seen:
        state_hits[to_state] = state_hits.get(to_state, 0) + n
        if from_state is not None:
            edge_hits[(from_state, to_state)] = edge_hits.get((from_state, to_state), 0) + n
    edges = machine.edges()
    reached = sorted(s for s in machine.states if s in state_hits)
    done = [e for e in edges if e in edge_hits]
    parts = len(machine.states) + len(edges)
    return {
        "machine": name,
        "vendor": vendor,
        "percent": round(100 * (len(reached) + len(done)) / parts, 1) if parts else 0.0,
        "states": {"total": len(machine.states), "covered": len(reached),
                   "reached": [{"state": s, "count": state_hits[s]} for s in reached],
                   "missing": sorted(s for s in machine.states if s not in state_hits)},
        "transitions": {"total": len(edges), "covered": len(done),
                        "exercised": [{"from": a, "to": b, "count": edge_hits[(a, b)]}
                                      for a, b in done],
                        "missing": [{"from": a, "to": b} for a, b in edges if (a, b) not in edge_hits],
                        "undeclared": [{"from": a, "to": b, "count": n}
                                       for (a, b), n in sorted(edge_hits.items())
                                       if (a, b) not in set(edges)]},
    }
