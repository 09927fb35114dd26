"""openapi.yaml is the merged fragments, and it agrees with what the app really serves."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from fastapi.routing import APIRoute
from starlette.routing import Match

from emulator.openapi import render_spec

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "post", "put", "patch", "delete"}


@functools.cache  # read-only here; parsing the whole spec took ~0.5 s per test
def _spec() -> dict:
    return yaml.load((ROOT / "openapi.yaml").read_text(), Loader=yaml.CSafeLoader)


def test_root_openapi_yaml_is_up_to_date():
    assert (ROOT / "openapi.yaml").read_text() == render_spec(), (
        "openapi.yaml is stale: run `purchase-emulator openapi --write openapi.yaml`")


def test_served_document_is_the_root_file(client):
    r = client.get("/openapi.yaml")
    assert r.status_code == 200
    assert r.text == (ROOT / "openapi.yaml").read_text()


def test_every_documented_route_is_served(client):
    """Each documented operation is served by a route of that very operation id, and the
    pipeline knows which vendor operation it is."""
    runtime = client.app.state.runtime
    for path, item in _spec()["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        for method, op in item.items():
            if method not in METHODS:
                continue
            scope = {"type": "http", "method": method.upper(), "path": concrete,
                     "root_path": ""}
            route = next((r for r, _ in runtime.operations.routes()
                          if r.matches(scope)[0] == Match.FULL), None)
            assert route is not None, f"{method.upper()} {path} is documented but not served"
            assert route.operation_id == op["operationId"], (method, path)
            if not path.startswith("/__admin"):
                assert runtime.operations.match(method.upper(), concrete) is not None, path


def test_every_served_route_is_documented(client):
    spec_paths = _spec()["paths"]
    routes = [route for route, _ in client.app.state.runtime.operations.routes()]
    assert len(routes) > 50  # the app's routes, not an empty list
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        assert route.path in spec_paths, f"{route.path} is served but not in openapi.yaml"
        for method in route.methods - {"HEAD"}:
            assert method.lower() in spec_paths[route.path], f"{method} {route.path} undocumented"
            assert spec_paths[route.path][method.lower()]["operationId"] == route.operation_id


def test_the_sandbox_header_is_one_definition():
    """The spec's X-Emulator-Sandbox is the pipeline's rule, referenced (never restated) by
    every operation that takes it; a sandbox id in a body follows the same rule."""
    from emulator.control import sandbox_header

    spec = _spec()
    assert spec["components"]["parameters"]["Sandbox"] == sandbox_header.openapi_parameter()
    ref = {"$ref": "#/components/parameters/Sandbox"}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            for parameter in item.get("parameters", []) + op.get("parameters", []):
                assert parameter.get("name") != sandbox_header.NAME, (
                    f"{method} {path}: refer to {ref}, do not restate the header")
    body = spec["paths"]["/__admin/sandboxes"]["post"]["requestBody"]
    chosen = body["content"]["application/json"]["schema"]["properties"]["id"]
    assert chosen["pattern"] == sandbox_header.SANDBOX_ID.pattern


def test_every_admin_operation_documents_what_the_pipeline_answers():
    """Before any admin route runs, the pipeline may answer 400 (malformed sandbox header), 404
    (unknown sandbox) and, with an admin token set, 401 (all but the open health probe)."""
    from emulator.control.auth import OPEN_PATHS

    for path, item in _spec()["paths"].items():
        if not path.startswith("/__admin"):
            continue
        for method, op in item.items():
            if method not in METHODS:
                continue
            expected = {"400", "404"} | (set() if path in OPEN_PATHS else {"401"})
            assert expected <= set(op["responses"]), (method, path)
            if path not in OPEN_PATHS:
                assert {"AdminToken": []} in op["security"], (method, path)
