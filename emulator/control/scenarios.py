"""/__admin/scenarios: list, activate, deactivate (globally or for one bearer token) and reset
hit counters. Everything applies to the request's sandbox (`X-Emulator-Sandbox`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from emulator.deps import Ctx, RuntimeDep
from emulator.errors import NotFound
from emulator.runtime import Runtime

router = APIRouter(prefix="/__admin/scenarios", tags=["admin"])


class Activation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str | None = Field(None, min_length=1, max_length=512,
                              description="bind to requests carrying this token only")


class ResetCounters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str | None = Field(None, description="only this scenario (default: all)")


def _mask(token: str) -> str:
    return token[:4] + "…" if len(token) > 6 else "…"


def _overview(runtime: Runtime, sandbox: str) -> dict:
    engine = runtime.scenarios
    active = engine.active(sandbox)
    bound = engine.bound(sandbox)
    items = []
    for compiled in engine.library.all():
        scenario = compiled.scenario
        items.append({
            "name": scenario.name,
            "description": scenario.description.strip(),
            "source": compiled.source,
            "bundled": compiled.bundled,
            "rules": [rule.id for rule in scenario.rules],
            "active": scenario.name in active,
            "bound_tokens": sorted(_mask(t) for t, names in bound.items() if scenario.name in names),
        })
    errors = [{"file": p.file, "line": p.line, "field": p.field, "message": p.message}
              for problems in engine.library.errors.values() for p in problems]
    return {"sandbox": sandbox, "active": list(active), "scenarios": items, "errors": errors}


def _scenario(runtime: Runtime, name: str):
    runtime.scenarios.library.maybe_refresh()
    found = runtime.scenarios.library.get(name)
    if found is None:
        raise NotFound(f"no scenario named '{name}'")
    return found


@router.get("", operation_id="admin_list_scenarios")
def list_scenarios(runtime: RuntimeDep,
                   ctx: Ctx) -> dict:
    runtime.scenarios.library.maybe_refresh()
    return _overview(runtime, ctx.sandbox)


@router.post("/reset", operation_id="admin_reset_scenario_counters")
def reset_counters(*, body: ResetCounters | None = None, runtime: RuntimeDep,
                   ctx: Ctx) -> dict:
    name = body.scenario if body else None
    if name is not None:
        _scenario(runtime, name)
    runtime.scenarios.reset(ctx.sandbox, name)
    return {"sandbox": ctx.sandbox, "reset": name or "all"}


@router.get("/{name}", operation_id="admin_get_scenario")
def get_scenario(name: str, runtime: RuntimeDep,
                 ctx: Ctx) -> dict:
    compiled = _scenario(runtime, name)
    hits = runtime.scenarios.state.hits(ctx.sandbox)
    scenario = compiled.scenario
    return {
        "name": scenario.name,
        "description": scenario.description.strip(),
        "seed": scenario.seed,
        "source": compiled.source,
        "bundled": compiled.bundled,
        "active": scenario.name in runtime.scenarios.active(ctx.sandbox),
        "rules": [{**rule.model_dump(mode="json", by_alias=True, exclude_none=True),
                   "hits": hits.get(f"{scenario.name}/{rule.id}", 0)}
                  for rule in scenario.rules],
    }


@router.post("/{name}/activate", operation_id="admin_activate_scenario")
def activate(*, name: str, body: Activation | None = None, runtime: RuntimeDep,
             ctx: Ctx) -> dict:
    _scenario(runtime, name)
    runtime.scenarios.activate(ctx.sandbox, name, body.token if body else None)
    return _overview(runtime, ctx.sandbox)


@router.post("/{name}/deactivate", operation_id="admin_deactivate_scenario")
def deactivate(*, name: str, body: Activation | None = None, runtime: RuntimeDep,
               ctx: Ctx) -> dict:
    _scenario(runtime, name)
    runtime.scenarios.deactivate(ctx.sandbox, name, body.token if body else None)
    return _overview(runtime, ctx.sandbox)
