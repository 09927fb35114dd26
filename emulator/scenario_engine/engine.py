"""The seeded rule engine behind the pipeline's `before` and `after` hooks.

For each request the active scenarios are, in order: those named in `X-Emulator-Scenario`,
those bound to the request's token, then those active for the sandbox. Rules are evaluated in
that order; every matching rule fires, and evaluation stops at the first rule that answers the
request itself (a status without after_commit, a connection fault, a region block, a rate
limit). Latencies of all fired rules add up and are awaited once, without blocking the loop.

What a fired rule does is up to its effects (effects/, one class each): `before` runs them in
their declared order, `after` hands the answer to those that distort it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from emulator.context import RequestContext
from emulator.errors import BadRequest
from emulator.http import CapturedResponse, RequestFacts
from emulator.scenario_engine import transport
from emulator.scenario_engine.effects import DISTORTING, Finish, Firing, Plan, mark
from emulator.scenario_engine.library import ScenarioLibrary
from emulator.scenario_engine.matching import CompiledRule, CompiledScenario, RequestView
from emulator.scenario_engine.selection import SelectionStore
from emulator.scenario_engine.shared_state import DatabaseState, derive_seed

log = logging.getLogger("emulator.scenarios")
HEADER = "x-emulator-scenario"
PLAN = "scenario_plan"


async def sleep_at_least(seconds: float) -> None:
    """asyncio.sleep, but never shorter: uvloop's timers have millisecond granularity and may
    wake a fraction of a millisecond early, and a client timing a 500 ms latency rule must
    never see 499.8 ms."""
    deadline = time.perf_counter() + seconds
    await asyncio.sleep(seconds)
    while (left := deadline - time.perf_counter()) > 0:
        await asyncio.sleep(left + 0.0005)


class ScenarioEngine:
    def __init__(self, runtime, library: ScenarioLibrary, startup: list[str]) -> None:
        self.runtime = runtime
        self.library = library
        self.startup = list(dict.fromkeys(startup))
        self.state = DatabaseState(runtime.db)  # counters, draws, rate limits: shared by replicas
        self.sleep: Callable[[float], Awaitable[None]] = sleep_at_least  # tests record delays
        self.selection = SelectionStore(runtime.db)
        self.sync_interval = 1.0  # seconds between checks for other processes' activations
        self._synced = time.monotonic()
        # per sandbox: (version, active names, token → names); replaced whole, never mutated,
        # so a request reading it while the admin API writes sees one version or the other
        self._selections: dict[str, tuple[int, list[str], dict[str, list[str]]]] = {}
        self._compiled: dict[str, tuple] = {}  # sandbox → ((library generation, names), list)

    # -- activation (admin API; stored in the database, see selection.py) ----------------
    def _selection(self, sandbox: str) -> tuple[int, list[str], dict[str, list[str]]]:
        found = self._selections.get(sandbox)
        if found is None:
            loaded = self.selection.load(sandbox)
            found = (loaded[2], loaded[0], loaded[1]) if loaded else (0, list(self.startup), {})
            self._selections[sandbox] = found
        return found

    def active(self, sandbox: str) -> list[str]:
        return self._selection(sandbox)[1]

    def bound(self, sandbox: str) -> dict[str, list[str]]:
        return self._selection(sandbox)[2]

    def _store(self, sandbox: str, active: list[str], bound: dict[str, list[str]]) -> None:
        version = self.selection.save(sandbox, active, bound)
        self._selections[sandbox] = (version, active, bound)

    def activate(self, sandbox: str, name: str, token: str | None = None) -> None:
        self.sync(force=True)
        _, active, bound = self._selection(sandbox)
        active, bound = list(active), {t: list(n) for t, n in bound.items()}
        target = bound.setdefault(token, []) if token else active
        if name not in target:
            target.append(name)
        self._store(sandbox, active, bound)

    def deactivate(self, sandbox: str, name: str, token: str | None = None) -> bool:
        self.sync(force=True)
        _, active, bound = self._selection(sandbox)
        active, bound = list(active), {t: list(n) for t, n in bound.items()}
        target = bound.get(token, []) if token else active
        found = name in target
        if found:
            target.remove(name)
            if token and not target:
                bound.pop(token, None)
            self._store(sandbox, active, bound)
        return found

    def sync(self, force: bool = False) -> None:
        """Pick up activations made by other processes sharing the database."""
        now = time.monotonic()
        if not force and (now - self._synced < self.sync_interval or not self._selections):
            return
        self._synced = now
        versions = self.selection.versions()
        for sandbox, (version, _, _) in list(self._selections.items()):
            if versions.get(sandbox, 0) != version:
                self._selections.pop(sandbox, None)  # re-read on next use

    def reset(self, sandbox: str, name: str | None = None) -> None:
        """Forget hit counts, rate-limit windows and RNG positions: a run can be repeated."""
        self.state.reset(sandbox, name)

    def reset_sandbox(self, sandbox: str) -> None:
        """Back to the start-up selection with fresh counters (the control plane calls this
        when a sandbox is reset or deleted)."""
        self.selection.delete(sandbox)
        self._selections.pop(sandbox, None)
        self.state.reset(sandbox)

    # -- the pipeline hooks ---------------------------------------------------------------
    async def before(self, ctx: RequestContext, facts: RequestFacts) -> CapturedResponse | None:
        self.library.maybe_refresh()
        self.sync()
        if HEADER not in facts.headers and not self.bound(ctx.sandbox):
            selected = self._active_compiled(ctx.sandbox)  # the common case, cached
            if not selected:
                return None
            view = RequestView(ctx, facts, self.runtime)
        else:
            view = RequestView(ctx, facts, self.runtime)
            chosen = self._selected(ctx.sandbox, facts, view)
            if isinstance(chosen, CapturedResponse):
                return chosen  # an unknown name in X-Emulator-Scenario
            if not chosen:
                return None
            selected = chosen
        plan = Plan(view)
        for scenario in selected:
            for rule in scenario.rules_for(view.vendor, view.operation):
                if rule.matches(view) and self._counts(ctx.sandbox, scenario, rule, view):
                    self._fire(scenario, rule, plan)
                    if plan.response is not None:
                        break
            if plan.response is not None:
                break
        if plan.latency > 0:
            await self.sleep(plan.latency)
        if plan.response is not None:
            return self._finish(plan.response, plan, committed=False)
        if plan.after:
            ctx.extra[PLAN] = plan
        return None

    async def after(self, ctx: RequestContext, facts: RequestFacts,
                    response: CapturedResponse) -> CapturedResponse:
        plan = ctx.extra.pop(PLAN, None)
        return response if plan is None else self._finish(response, plan, committed=True)

    # -- selection and matching ----------------------------------------------------------
    def _selected(self, sandbox: str, facts: RequestFacts,
                  view: RequestView) -> list[CompiledScenario] | CapturedResponse:
        names: list[str] = []
        header = facts.headers.get(HEADER)
        if header:
            names.extend(part.strip() for part in header.split(",") if part.strip())
            unknown = [n for n in names if self.library.get(n) is None]
            if unknown:
                known = ", ".join(s.name for s in self.library.all())
                return self.runtime.render_error(BadRequest(
                    f"X-Emulator-Scenario names unknown scenario(s): {', '.join(unknown)} "
                    f"(known: {known})"), facts.path)
        bound = self.bound(sandbox)
        if bound and view.token in bound:
            names.extend(bound[view.token])
        names.extend(self.active(sandbox))
        out = []
        for name in dict.fromkeys(names):
            scenario = self.library.get(name)
            if scenario is not None and scenario.rules:
                out.append(scenario)
        return out

    def _active_compiled(self, sandbox: str) -> list[CompiledScenario]:
        names = self.active(sandbox)
        key = (self.library.generation, tuple(names))
        cached = self._compiled.get(sandbox)
        if cached is None or cached[0] != key:
            found = [self.library.get(name) for name in names]
            cached = self._compiled[sandbox] = (key, [s for s in found if s and s.rules])
        return cached[1]

    def rng(self, sandbox: str, scenario: CompiledScenario):
        seed = scenario.scenario.seed
        if seed is None:
            seed = derive_seed(self.runtime.settings.seed, scenario.name)
        return self.state.rng(sandbox, scenario.name, seed)

    def _counts(self, sandbox: str, scenario: CompiledScenario, rule: CompiledRule,
                view: RequestView) -> bool:
        n = self.state.hit(sandbox, rule.label)
        if rule.counted and not rule.count_allows(n):
            return False
        probability = rule.rule.match.probability
        return probability is None or self.rng(sandbox, scenario).random() < probability

    # -- effects ---------------------------------------------------------------------------
    def _fire(self, scenario: CompiledScenario, rule: CompiledRule, plan: Plan) -> None:
        firing = Firing(self, plan, scenario, rule.label, rule.rule.effects)
        for effect, spec in rule.effects:
            if not effect.before(spec, firing):
                return  # a condition (region, rate limit) that does not hold: not fired
        if firing.notes:
            mark(plan.view.ctx, rule.label, firing.notes)

    def _finish(self, response: CapturedResponse, plan: Plan, *,
                committed: bool) -> CapturedResponse:
        finish = Finish(self, plan, committed)
        for effect in DISTORTING:
            steps = [(label, spec) for owner, label, spec in plan.after if owner is effect]
            if not steps:
                continue
            if isinstance(response, (transport.ConnectionReset, transport.EmptyResponse)):
                break  # no HTTP answer at all: nothing left to override or distort
            response = effect.after(response, steps, finish)
        return response
