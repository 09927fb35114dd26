"""Recipes: how to reach one documented answer of a vendor on a fresh emulator, as data.

A recipe is a list of HTTP steps (vendor calls, admin calls such as advancing the clock) and,
when only an injected fault reaches the answer, a scenario document to activate first. The last
step's answer is the outcome. Being data, the same recipe is shown to people (`render`: the
coverage report, the CLI, the dashboard), served as JSON (`Recipe.data`) and replayed by the test
suite (`replay`), so what a user reads is what a test proved.

Steps pass values on with `save` (variable → dotted path into the JSON answer, e.g.
`Content.Token`; `header:location` reads a header; `RedirectUrl?sig` one query parameter of the
link found there; a link is kept as its path and query) and use them as `${name}` in any string
of a later step; a string that is exactly `${name}` keeps the saved value's type (a numeric id).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import yaml

from emulator.operations import ADMIN_PREFIX

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_READABLE = "${}:/"  # left as they are in a shown query: ${token}, https://...
_LONG_RUN = re.compile(r"(.)\1{39,}")  # shown as `x…(×4097)`, not 4,097 characters


@dataclass(frozen=True)
class Step:
    method: str
    path: str  # absolute URLs (a link an earlier answer handed out) are followed as they are
    query: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    form: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    save: Mapping[str, str] = field(default_factory=dict)
    repeat: int = 1  # e.g. spend a rate-limit budget

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        for name in ("query", "json", "form", "headers", "save"):
            value = getattr(self, name)
            if value:
                out[name] = dict(value) if isinstance(value, Mapping) else value
        if self.repeat != 1:
            out["repeat"] = self.repeat
        return out


@dataclass(frozen=True)
class Recipe:
    why: str
    steps: tuple[Step, ...]
    #: a scenario document (name, rules) to add to the library and activate before the steps
    scenario: Mapping[str, Any] | None = None

    @cached_property
    def text(self) -> str:
        """`render(self)`, made once (a coverage report shows every recipe)."""
        return render(self)

    @cached_property
    def data(self) -> dict[str, Any]:
        """The recipe as JSON, made once (callers must not change it)."""
        out: dict[str, Any] = {"why": self.why, "steps": [s.as_dict() for s in self.steps]}
        if self.scenario is not None:
            out["scenario"] = dict(self.scenario)
        return out


def render(recipe: Recipe) -> str:
    """The recipe as a person reads it: the scenario (as YAML), then numbered steps."""
    lines: list[str] = []
    if recipe.scenario is not None:
        name = recipe.scenario["name"]
        lines.append(f"scenario: save as {name}.yaml in a --scenarios-dir, then "
                     f"POST /__admin/scenarios/{name}/activate")
        document = yaml.safe_dump(dict(recipe.scenario), sort_keys=False, width=100)
        lines.extend("    " + line for line in document.rstrip().splitlines())
    for number, step in enumerate(recipe.steps, start=1):
        lines.append(f"{number}. {_render_step(step)}")
    lines.append(f"why: {recipe.why}")
    return "\n".join(lines)


def _render_step(step: Step) -> str:
    target = step.path + (f"?{urlencode(step.query, safe=_READABLE)}" if step.query else "")
    parts = [f"{step.method} {target}"]
    parts.extend(f"{name}: {value}" for name, value in step.headers.items())
    if step.json is not None:
        parts.append(json.dumps(step.json, separators=(", ", ": ")))
    if step.form:
        parts.append(f"form {urlencode(step.form, safe=_READABLE)}")
    text = _LONG_RUN.sub(lambda m: f"{m.group(1)}…(×{len(m.group(0))})", "  ".join(parts))
    if step.repeat != 1:
        text += f"  ×{step.repeat}"
    if step.save:
        text += "  → " + ", ".join(f"${{{name}}} = {where}" for name, where in step.save.items())
    return text


# -- replay ------------------------------------------------------------------------------------
class RecipeError(AssertionError):
    """A step could not be run as written (a saved value was missing)."""


def replay(client, recipe: Recipe, sandbox: str, *, admin_headers: Mapping[str, str] | None = None,
           add_scenario: Callable[[Mapping[str, Any]], None] | None = None):
    """Run `recipe` in `sandbox` through `client` (an httpx.Client or a TestClient on the app)
    and return the last answer. `add_scenario(document)` puts a recipe's scenario where the
    emulator's scenario library finds it (a --scenarios-dir); it is then activated here."""
    admin = {**(admin_headers or {}), "X-Emulator-Sandbox": sandbox}
    if recipe.scenario is not None:
        if add_scenario is None:
            raise RecipeError("this recipe needs a scenario: pass add_scenario")
        add_scenario(recipe.scenario)
        answer = client.post(f"{ADMIN_PREFIX}/scenarios/{recipe.scenario['name']}/activate",
                             headers=admin)
        if answer.status_code != 200:
            raise RecipeError(f"activating the scenario: {answer.status_code} {answer.text}")
    saved: dict[str, Any] = {}
    answer = None
    for step in recipe.steps:
        path = _fill(step.path, saved)
        headers = {**(admin if path.startswith(ADMIN_PREFIX) else {}),
                   **_fill(dict(step.headers), saved), "X-Emulator-Sandbox": sandbox}
        kwargs: dict[str, Any] = {"params": _fill(dict(step.query), saved) or None,
                                  "headers": headers, "follow_redirects": False}
        if step.json is not None:
            kwargs["json"] = _fill(step.json, saved)
        if step.form is not None:
            kwargs["data"] = _fill(dict(step.form), saved)
        for _ in range(step.repeat):
            answer = client.request(step.method, path, **kwargs)
        for name, where in step.save.items():
            saved[name] = _extract(answer, where)
    return answer


def _fill(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _VARIABLE.fullmatch(value)
        if whole:
            return _saved(saved, whole.group(1))
        return _VARIABLE.sub(lambda m: str(_saved(saved, m.group(1))), value)
    if isinstance(value, dict):
        return {key: _fill(item, saved) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, saved) for item in value]
    return value


def _saved(saved: dict[str, Any], name: str) -> Any:
    if name not in saved:
        raise RecipeError(f"${{{name}}} is used before a step saved it")
    return saved[name]


def _extract(answer, where: str) -> Any:
    where, _, parameter = where.partition("?")  # `RedirectUrl?sig`: a parameter of that link
    if where.startswith("header:"):
        value: Any = answer.headers.get(where.removeprefix("header:"))
    else:
        try:
            value = answer.json()
        except ValueError:
            value = None
        for key in where.split("."):
            if isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value = value[int(key)]
            else:
                value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        split = urlsplit(value)  # a link the emulator handed out: keep its path and query
        value = dict(parse_qsl(split.query)).get(parameter) if parameter else (
            split.path + (f"?{split.query}" if split.query else ""))
    if value is None:
        raise RecipeError(f"the answer ({answer.status_code}) has no {where}"
                          f"{'?' + parameter if parameter else ''}: {answer.text[:300]}")
    return value
