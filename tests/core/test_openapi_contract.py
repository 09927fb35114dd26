"""openapi.yaml is the merged fragments, and it agrees with what the app really serves."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from fastapi.routing import APIRoute
from starlette.routing import Match

from emulator.openapi import render_spec

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "post", "put", "patch", "delete"}


def _spec() -> dict:
    return yaml.safe_load((ROOT / "openapi.yaml").read_text())


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
