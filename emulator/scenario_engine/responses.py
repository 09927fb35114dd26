"""Responses a rule can answer with: the vendor's own bodies, gateway pages, overrides.

Vendor-specific shapes come only through the Vendor interface (error_response, region_blocked,
rate_limited), so a new vendor gets every effect without code here.
"""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

import orjson

from emulator.http import CapturedResponse
from emulator.jsonio import dumps
from emulator.scenario_engine.schema import Override, PatchOp


def _vendor(runtime, view):
    vendor = runtime.vendors.get(view.vendor) if view.vendor else None
    return vendor or runtime.vendor_for_path(view.facts.path)


def vendor_error(runtime, view, code: int, message: str | None) -> CapturedResponse:
    message = message or _phrase(code)
    vendor = _vendor(runtime, view)
    if vendor is None:
        return CapturedResponse.json(code, {"detail": message})
    return CapturedResponse.from_response(vendor.error_response(code, message, view.facts.path))


def gateway_page(code: int) -> CapturedResponse:
    """What nginx-style load balancers answer when the upstream fails: HTML, not the API's JSON."""
    title = f"{code} {_phrase(code)}"
    body = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}"
            f"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()
    return CapturedResponse(code, [(b"content-type", b"text/html"), (b"server", b"nginx")], body)


def region_blocked(runtime, view, message: str) -> CapturedResponse:
    vendor = _vendor(runtime, view)
    if vendor is None or view.ctx.operation is None:
        return CapturedResponse.json(403, {"detail": message})
    return CapturedResponse.from_response(
        vendor.region_blocked(view.ctx.operation, message, view.facts.path))


def rate_limited(runtime, view, message: str, headers: dict[str, str]) -> CapturedResponse:
    vendor = _vendor(runtime, view)
    if vendor is None:
        return CapturedResponse.json(429, {"detail": message}, headers)
    response = CapturedResponse.from_response(
        vendor.rate_limited(message, headers, view.facts.path))
    for name, value in headers.items():  # a vendor envelope may drop them; the client needs them
        if response.header(name) is None:
            response.set_header(name, value)
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


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"
