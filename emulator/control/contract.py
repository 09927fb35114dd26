"""What the request pipeline answers on every admin path, added to every admin operation.

The pipeline checks the admin token and the X-Emulator-Sandbox header before any route runs
(emulator/pipeline.py), so every operation under /__admin, whichever fragment declares it (the
control plane's or a vendor's), can answer 401 (a token is set and missing), 400 (a malformed
sandbox header) and 404 (an unknown sandbox). emulator/openapi.py calls `complete` after
merging the fragments: a new admin operation gets those statuses and the token schemes
without repeating them. The `Sandbox` header parameter is generated here as a component from
the pipeline's own rule; operations reference it where they declare it (not yet all do: the
sandbox list, health, snapshot import and GVP's cases omit it).
"""

from __future__ import annotations

import copy
from typing import Any

from emulator.control.auth import OPEN_PATHS
from emulator.control.sandbox_header import openapi_parameter
from emulator.operations import ADMIN_PREFIX

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# {}: the admin API is open until EMULATOR_ADMIN_TOKEN is set
ADMIN_SECURITY: list[dict[str, list[str]]] = [{"AdminToken": []}, {"AdminBearer": []}, {}]
ERROR = {"$ref": "#/components/responses/AdminError"}
UNAUTHORIZED = {"$ref": "#/components/responses/AdminUnauthorized"}


def complete(spec: dict[str, Any]) -> None:
    spec.setdefault("components", {}).setdefault("parameters", {})["Sandbox"] = \
        openapi_parameter()
    for path, item in spec.get("paths", {}).items():
        if not path.startswith(ADMIN_PREFIX):
            continue
        for method in OPERATIONS:
            if method in item:
                item[method] = _complete_operation(item[method], open_path=path in OPEN_PATHS)


def _complete_operation(op: dict[str, Any], open_path: bool) -> dict[str, Any]:
    responses = dict(op.get("responses") or {})
    # fresh copies: a shared object would be written out as a YAML anchor and alias
    responses.setdefault("400", copy.deepcopy(ERROR))  # X-Emulator-Sandbox malformed
    responses.setdefault("404", copy.deepcopy(ERROR))  # X-Emulator-Sandbox names no sandbox
    if not open_path:
        responses.setdefault("401", copy.deepcopy(UNAUTHORIZED))
    done = {key: value for key, value in op.items() if key != "responses"}
    if not open_path and "security" not in done:
        done["security"] = copy.deepcopy(ADMIN_SECURITY)
    done["responses"] = dict(sorted(responses.items()))
    return done
