"""`override`: change the real answer (or an injected one): status, headers, JSON body."""

from __future__ import annotations

import copy
from typing import Any, Literal

import orjson
from pydantic import Field, model_validator

from emulator.http import CapturedResponse
from emulator.jsonio import dumps
from emulator.scenario_engine.effects.base import Effect, Finish, Firing
from emulator.scenario_engine.strict import Strict


class PatchOp(Strict):
    """One RFC 6902 JSON Patch operation."""

    op: Literal["add", "remove", "replace"]
    path: str = Field(pattern=r"^(/.*)?$", description="JSON Pointer, e.g. /data/revoked")
    value: Any = None


class Override(Strict):
    """Change the real response: status, headers and the JSON body (replace or patch)."""

    status: int | None = Field(None, ge=100, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = Field(None, description="replace the body with this JSON value")
    merge: dict[str, Any] | None = Field(None, description="RFC 7396 merge patch on the body")
    patch: list[PatchOp] | None = Field(None, description="RFC 6902 operations on the body")

    @model_validator(mode="after")
    def _one_body(self) -> Override:
        if sum(x is not None for x in (self.body, self.merge, self.patch)) > 1:
            raise ValueError("give at most one of body, merge or patch")
        return self


class OverrideEffect(Effect):
    key = "override"
    model = Override
    doc = ("Change the answer (the real one, or an injected status): its status, headers, and "
           "JSON body replaced, merge-patched or JSON-patched.")
    position = 80
    runs = 70

    def before(self, spec: Override, firing: Firing) -> bool:
        firing.later(self, spec)
        return True

    def after(self, response: CapturedResponse, steps: list[tuple[str, Any]],
              finish: Finish) -> CapturedResponse:
        for label, override in steps:
            response = apply_override(response, override)
            finish.mark(label, "override")
        return response


def apply_override(response: CapturedResponse, override: Override) -> CapturedResponse:
    out = CapturedResponse(response.status, list(response.headers), response.body)
    if override.status is not None:
        out.status = override.status
    for name, value in override.headers.items():
        out.set_header(name, value)
    if override.body is not None:
        out.body = dumps(override.body)
        out.set_header("content-type", "application/json")
    elif override.merge is not None or override.patch is not None:
        try:
            document = orjson.loads(response.body) if response.body else None
        except orjson.JSONDecodeError:
            return out  # not JSON (e.g. an empty 201): nothing to patch
        if override.merge is not None:
            document = merge_patch(document, override.merge)
        else:
            document = json_patch(document, override.patch or [])
        out.body = dumps(document)
    return out


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(document: Any, ops: list[PatchOp]) -> Any:
    """RFC 6902 add/remove/replace; an operation whose target is missing is skipped (the body
    of an error response may not have the field a patch was written for)."""
    doc = copy.deepcopy(document)
    for op in ops:
        if op.path in ("", "/"):
            if op.op in ("add", "replace"):
                doc = copy.deepcopy(op.value)
            continue
        *parents, last = [_unescape(p) for p in op.path.split("/")[1:]]
        node = doc
        for part in parents:
            node = _child(node, part)
            if node is None:
                break
        if isinstance(node, dict):
            if op.op == "remove":
                node.pop(last, None)
            elif op.op == "add" or last in node:
                node[last] = copy.deepcopy(op.value)
        elif isinstance(node, list):
            index = len(node) if last == "-" else (int(last) if last.isdigit() else None)
            if index is None:
                continue
            if op.op == "add" and index <= len(node):
                node.insert(index, copy.deepcopy(op.value))
            elif index < len(node):
                if op.op == "remove":
                    node.pop(index)
                else:
                    node[index] = copy.deepcopy(op.value)
    return doc


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")
