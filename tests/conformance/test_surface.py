"""What a vendor serves is what its fragment documents, through async routes, and every
answer the emulator gives in its place (unknown sandbox, a too-large body, an injected
status) is in the vendor's own envelope."""

from __future__ import annotations

import inspect
import re

from fastapi.routing import APIRoute

from emulator.errors import NotFound, PayloadTooLarge

METHODS = {"get", "post", "put", "patch", "delete"}


def _routes(vendor) -> list[APIRoute]:
    return [route for router in vendor.routers() for route in router.routes
            if isinstance(route, APIRoute)]


def _documented(vendor) -> dict[tuple[str, str], str]:
    return {(op["method"], op["path"]): op_id
            for op_id, op in type(vendor).documented_operations().items()}


def test_routes_equal_the_fragment(vendor_app):
    _, vendor = vendor_app()
    documented = _documented(vendor)
    served = {(method, route.path): route.operation_id for route in _routes(vendor)
              if route.include_in_schema for method in route.methods}
    assert served == documented


def _blocking(dependant) -> list[str]:
    """Plain `def` callables FastAPI would run in its thread pool: the route and every
    dependency under it."""
    found = []
    for sub in dependant.dependencies:
        if sub.call is not None and not inspect.iscoroutinefunction(sub.call):
            found.append(getattr(sub.call, "__qualname__", repr(sub.call)))
        found.extend(_blocking(sub))
    return found


def test_every_route_and_dependency_is_async(vendor_app):
    _, vendor = vendor_app()
    blocking = [f"{route.path}: {name}" for route in _routes(vendor)
                for name in ([] if inspect.iscoroutinefunction(route.endpoint) else ["route"])
                + _blocking(route.dependant)]
    assert blocking == []  # no thread hop per request (emulator/pipeline.py, emulator/deps.py)


def test_every_table_has_a_sandbox_column(vendor_cls):
    from emulator.db import table

    for model in vendor_cls.tables():
        assert "sandbox" in table(model).c, table(model).name


def _any_path(vendor) -> str:
    op = next(iter(type(vendor).documented_operations().values()))
    return re.sub(r"\{[^}]+\}", "x1", op["path"])


def _shape(body: object) -> object:
    """The envelope's skeleton: keys and nesting, not the values."""
    if isinstance(body, dict):
        return {k: _shape(v) for k, v in body.items()}
    return type(body).__name__ if not isinstance(body, (int, float)) else "number"


def _expected(vendor, exc, path: str) -> tuple[int, object]:
    import orjson

    rendered = vendor.render_error(exc, path)
    return rendered.status_code, _shape(orjson.loads(rendered.body))


def test_an_unknown_sandbox_gets_the_vendors_error_shape(vendor_app):
    client, vendor = vendor_app()
    path = _any_path(vendor)
    r = client.get(path, headers={"X-Emulator-Sandbox": "no-such-sandbox"})
    assert (r.status_code, _shape(r.json())) == _expected(vendor, NotFound("x"), path)


def test_a_too_large_body_gets_the_vendors_error_shape(vendor_app):
    client, vendor = vendor_app(max_body_bytes=64)
    path = _any_path(vendor)
    r = client.post(path, content=b"x" * 65, headers={"Content-Type": "application/json"})
    assert (r.status_code, _shape(r.json())) == _expected(vendor, PayloadTooLarge("x"), path)


def test_a_scenario_status_renders_in_the_vendors_envelope(vendor_cls, vendor_app, tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "down.yaml").write_text(
        "name: down\ndescription: every call of this vendor fails\nrules:\n"
        f"  - id: r1\n    match: {{vendor: {vendor_cls.name}}}\n"
        "    effects: {status: {code: 503, message: down for maintenance}}\n")
    client, vendor = vendor_app(scenarios_dir=[scenarios], scenarios=["down"])
    op = next(iter(type(vendor).documented_operations().values()))
    path = re.sub(r"\{[^}]+\}", "x1", op["path"])
    r = client.request(op["method"], path)
    assert r.headers["x-emulator-rule"] == "down/r1"
    rendered = vendor.error_response(503, "down for maintenance", path)
    assert r.status_code == rendered.status_code
    media_type = (rendered.media_type or "").split(";")[0]
    assert r.headers["content-type"].split(";")[0] == media_type
    if media_type == "application/json":
        import orjson

        assert _shape(r.json()) == _shape(orjson.loads(rendered.body))
