"""What an effect is, and what it is handed when its rule fires and when the answer is ready.

An effect is a class in a module of this package: its YAML key, the pydantic model of its
value, one line of documentation, and `before` and/or `after`. Subclassing `Effect` registers
it (effects/__init__.py imports every module here), so adding an effect is adding one file.

Two numbers place it: `position` lists its key in the format (the `Effects` model, the JSON
Schema, scenarios/README.md, error messages); `runs` orders it among the effects of one rule,
the same order for `before` and for `after`. Effects that may decide their rule does not fire
(region_block, rate_limit) run first, so a rule that does not fire leaves no trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from emulator.context import RequestContext
    from emulator.http import CapturedResponse
    from emulator.scenario_engine.matching import RequestView

REGISTRY: dict[str, Effect] = {}  # YAML key → the effect


@dataclass
class Plan:
    """What the rules fired for one request decided, from `before` to `after`."""

    view: RequestView
    latency: float = 0.0  # seconds
    response: CapturedResponse | None = None
    after: list[tuple[Effect, str, Any]] = field(default_factory=list)  # (effect, label, spec)


class Effect:
    key: ClassVar[str]  # the YAML key under `effects:`
    model: ClassVar[Any]  # the pydantic model of its value
    doc: ClassVar[str]  # one line: its description in the JSON Schema and the README table
    position: ClassVar[int]
    runs: ClassVar[int]
    shorthand: ClassVar[dict | None] = None  # JSON Schema of a short form the model accepts

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.key in REGISTRY:
            raise TypeError(f"two effects are named {cls.key!r}")
        REGISTRY[cls.key] = cls()

    def field(self) -> tuple[Any, Any]:
        """The `Effects` field: (annotation, default); absent means None."""
        from pydantic import Field

        return self.model | None, Field(None, description=self.doc)

    def present(self, spec: Any) -> bool:
        return spec is not None

    def check(self, effects: Any) -> None:
        """Raise ValueError for a combination with the rule's other effects that cannot work."""

    def before(self, spec: Any, firing: Firing) -> bool:
        """Act before the call is handled; False means the rule does not fire after all."""
        return True

    def after(self, response: CapturedResponse, steps: list[tuple[str, Any]],
              finish: Finish) -> CapturedResponse:
        """Distort the answer, given the (label, spec) steps this effect scheduled with
        `Firing.later`, in rule order. Only called for effects that define it."""
        return response

    @classmethod
    def has_after(cls) -> bool:
        return cls.after is not Effect.after


class Firing:
    """One rule firing on one request, as its effects see it in `before`."""

    __slots__ = ("engine", "plan", "scenario", "label", "effects", "notes")

    def __init__(self, engine, plan: Plan, scenario, label: str, effects) -> None:
        self.engine, self.plan, self.scenario = engine, plan, scenario
        self.label, self.effects = label, effects
        self.notes: list[str] = []  # journalled as "<label>: <note>"

    @property
    def view(self) -> RequestView:
        return self.plan.view

    @property
    def ctx(self) -> RequestContext:
        return self.plan.view.ctx

    @property
    def runtime(self):
        return self.engine.runtime

    @property
    def answered(self) -> bool:
        """An earlier effect of this rule already answers the request."""
        return self.plan.response is not None

    def answer(self, response: CapturedResponse, note: str) -> None:
        self.plan.response = response
        self.notes.append(note)

    def delay(self, seconds: float, note: str) -> None:
        self.plan.latency += seconds
        self.notes.append(note)

    def later(self, effect: Effect, spec: Any) -> None:
        """Have `effect.after` see the answer (the real one, or the one a rule injected)."""
        self.plan.after.append((effect, self.label, spec))

    def rng(self):
        """The scenario's seeded RNG (shared by processes; see shared_state.py)."""
        return self.engine.rng(self.ctx.sandbox, self.scenario)


@dataclass
class Finish:
    """What `after` is handed besides the answer."""

    engine: Any
    plan: Plan
    committed: bool  # the vendor handled the call (False: a rule answered in its place)

    @property
    def view(self) -> RequestView:
        return self.plan.view

    @property
    def runtime(self):
        return self.engine.runtime

    def sleep(self, seconds: float):
        return self.engine.sleep(seconds)

    def mark(self, label: str, note: str) -> None:
        mark(self.plan.view.ctx, label, [note])


def mark(ctx: RequestContext, label: str, notes: list[str]) -> None:
    """Name the rule in X-Emulator-Rule and its effects in the journal."""
    if label not in ctx.rules:
        ctx.rules.append(label)
    ctx.effects.extend(f"{label}: {note}" for note in notes)
