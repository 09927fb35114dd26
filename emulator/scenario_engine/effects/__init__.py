"""The scenario effects, one module each, and the `effects:` part of the format built from them.

    latency.py       wait before the call is handled
    status.py        an HTTP error instead of the call
    after_commit.py  the call takes effect, then status/fault replace its success
    fault.py         a dead connection, or a malformed, truncated or slow body
    region_block.py  the vendor's regional refusal, for buyers in a region
    fulfilment.py    how orders created by the call progress
    rate_limit.py    a fixed-window budget (the emulator's one limiter)
    override.py      status, headers and JSON body of the answer changed
    base.py          what an effect is (`Effect`), and `Firing`/`Finish`, what it is handed

Every module here but base.py is imported, and each `Effect` subclass registers itself, so a
new effect is one new file: the `Effects` model (hence the loader, the JSON Schema and its
error messages), the engine and scenarios/README.md's table all take it from the registry.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

from pydantic import create_model, model_validator

from emulator.scenario_engine.effects.base import REGISTRY, Effect, Finish, Firing, Plan, mark
from emulator.scenario_engine.strict import Strict

__all__ = ["EFFECTS", "RUN_ORDER", "DISTORTING", "Effect", "Effects", "Finish", "Firing", "Plan",
           "get", "mark", "readme_table", "with_readme_table"]

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base" and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

EFFECTS: list[Effect] = sorted(REGISTRY.values(), key=lambda e: e.position)  # as listed
RUN_ORDER: list[Effect] = sorted(REGISTRY.values(), key=lambda e: e.runs)
DISTORTING: list[Effect] = [e for e in RUN_ORDER if type(e).has_after()]  # those with `after`


def get(key: str) -> Effect:
    return REGISTRY[key]


class EffectsBase(Strict):
    @model_validator(mode="after")
    def _coherent(self) -> EffectsBase:
        for effect in EFFECTS:
            effect.check(self)
        return self

    def in_run_order(self) -> tuple[tuple[Effect, Any], ...]:
        """The (effect, value) pairs this rule has, in the order they run."""
        found = []
        for effect in RUN_ORDER:
            spec = getattr(self, effect.key)
            if effect.present(spec):
                found.append((effect, spec))
        return tuple(found)


_fields: dict[str, Any] = {effect.key: effect.field() for effect in EFFECTS}
Effects = create_model("Effects", __base__=EffectsBase, __module__=__name__,
                       __doc__="What happens to a matching request. Several effects combine.",
                       **_fields)


# -- scenarios/README.md's table of effects ----------------------------------------------------
README_BEGIN = ("<!-- effects table: generated from emulator/scenario_engine/effects/ by "
                "`python -m emulator.scenario_engine.effects --write scenarios/README.md` -->")
README_END = "<!-- end of the generated effects table -->"


def readme_table() -> str:
    rows = ["| effect | what it does |", "|---|---|"]
    rows += [f"| [`{e.key}`](#{e.key}) | {e.doc} |" for e in EFFECTS]
    return "\n".join([README_BEGIN, *rows, README_END])


def with_readme_table(readme: str) -> str:
    """The README with its generated table replaced by the current one."""
    pattern = re.compile(re.escape(README_BEGIN) + ".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(readme):
        raise ValueError(f"the README has no generated effects table ({README_BEGIN})")
    return pattern.sub(lambda _: readme_table(), readme)
