"""GVP's contract fragment, completed: each method's form POST is made from its GET.

openapi.yaml documents every UNIAPI method as GET at its canonical service path; the same
method is served as POST with the parameters in an application/x-www-form-urlencoded body
(merged over the query). The POST operations are generated from the GET ones' parameters, so
the two cannot drift.
"""

from __future__ import annotations

import copy
from typing import Any

from emulator.vendors.gvp.routes import FORM

PARAMETER_REF = "#/components/parameters/"


def with_form_posts(spec: dict[str, Any]) -> dict[str, Any]:
    parameters = (spec.get("components") or {}).get("parameters") or {}
    for path, item in (spec.get("paths") or {}).items():
        get = item.get("get")
        if ".svc/" not in path or get is None or "post" in item:
            continue
        post = copy.deepcopy(get)
        post["operationId"] = get["operationId"] + FORM
        post["summary"] = f"{get.get('summary', get['operationId'])} (form POST)"
        fields = [_resolve(p, parameters) for p in post.pop("parameters", [])]
        post["requestBody"] = {
            "required": any(f.get("required") for f in fields),
            "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object",
                "properties": {f["name"]: {**f.get("schema", {"type": "string"}),
                                           **({"description": f["description"]}
                                              if f.get("description") else {})}
                               for f in fields},
                **({"required": [f["name"] for f in fields if f.get("required")]}
                   if any(f.get("required") for f in fields) else {}),
            }}},
        }
        item["post"] = post
    return spec


def _resolve(parameter: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref", "")
    if ref.startswith(PARAMETER_REF):
        return parameters[ref[len(PARAMETER_REF):]]
    return parameter
