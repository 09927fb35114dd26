"""Every documented (operation, error status) pair of openapi.yaml, injected by a scenario.

For each vendor operation and each 4xx/5xx (or `default`) entry of its `responses`, a rule
`status: N` answers the call, and the answer must be what the spec documents for that pair:
the documented content type, a body valid against the pair's response schema (jsonschema over
the spec, OpenAPI 3.0's `nullable` translated), the documented headers; and the client that
OpenAPI Generator makes from the spec (tests/contract/sdk.py, once per test process) must parse it
into the documented model, with the response-type table of the generated method itself.

Success entries (2xx, 3xx) are not injectable by `status` (the format allows 400-599). A
`default` entry is tried with DEFAULT_STATUSES. Each vendor's test prints the pairs it
covered (`pytest -rP`) and fails when its fragment documents a pair it did not cover; a
documented operation no vendor serves fails the first test.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import pytest
import urllib3
import yaml
from jsonschema import Draft4Validator

from emulator.vendors.registry import vendor_classes
from tests.contract.sdk import SPEC, shared_client

DEFAULT_STATUSES = (404, 405, 429, 500, 503)  # what a `default` entry is tried with
VENDORS = ("hlconnect", "gmodstore", "gvp")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
HEADER = "x-inject"  # the rule answering a request is chosen by this header's value


@dataclass(frozen=True)
class Pair:
    operation_id: str  # the spec's
    method: str
    path: str  # the spec's template
    key: str  # the responses entry: "502" or "default"

    def statuses(self, documented: set[str]) -> list[int]:
        if self.key != "default":
            return [int(self.key)]
        return [s for s in DEFAULT_STATUSES if str(s) not in documented]

    def url(self) -> str:
        return re.sub(r"\{[^}]+\}", "1", self.path)

    def __str__(self) -> str:
        return f"{self.operation_id} {self.key}"


@pytest.fixture(scope="module")
def spec() -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: the spec is 5k lines
    return yaml.load(SPEC.read_text(encoding="utf-8"), Loader=loader)


@pytest.fixture(scope="module")
def schemas(spec) -> dict:
    """The spec's components as JSON Schema (Draft 4 is OpenAPI 3.0's schema dialect)."""
    return {"components": _json_schema(spec["components"])}


def documented_pairs(spec: dict) -> list[Pair]:
    pairs = []
    for path, item in spec["paths"].items():
        if path.startswith("/__admin"):  # the emulator's own API: scenarios never apply
            continue
        for method, operation in item.items():
            if method not in METHODS:  # e.g. path-level `parameters`
                continue
            for key in operation.get("responses") or {}:
                if key == "default" or int(key) >= 400:
                    pairs.append(Pair(operation["operationId"], method.upper(), path, key))
    return pairs


def served(client) -> dict[tuple[str, str], Any]:
    """(method, path template) → the Operation the app serves there."""
    return {(method, path): op for method, path, op in
            client.app.state.runtime.operations.operations()}


@pytest.fixture
def injecting(make_client, tmp_path, spec):
    """An app with a scenario answering `status: N` to any call sent with `x-inject: N`."""
    codes = sorted({s for pair in documented_pairs(spec)
                    for s in pair.statuses(set(_responses(spec, pair)))})
    rules = [{"id": f"s{code}", "match": {"headers": {HEADER: str(code)}},
              "effects": {"status": code}} for code in codes]
    (tmp_path / "scen").mkdir()
    (tmp_path / "scen" / "inject.yaml").write_text(yaml.safe_dump(
        {"name": "inject", "description": "every injected status", "rules": rules}))
    return make_client(scenarios=["inject"], scenarios_dir=[str(tmp_path / "scen")])


def test_every_documented_operation_is_served_by_a_vendor(spec, injecting):
    ops = served(injecting)
    missing = {str(p) for p in documented_pairs(spec) if (p.method, p.path) not in ops}
    assert missing == set()
    assert {ops[(p.method, p.path)].vendor for p in documented_pairs(spec)} == set(VENDORS)


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_documented_error_is_the_documented_answer(vendor, spec, schemas, injecting):
    ops = served(injecting)
    pairs = [p for p in documented_pairs(spec) if ops.get((p.method, p.path)) is not None
             and ops[(p.method, p.path)].vendor == vendor]
    covered = []
    for pair in pairs:
        for status in pair.statuses(set(_responses(spec, pair))):
            r = injecting.request(pair.method, pair.url(), headers={HEADER: str(status)})
            check(spec, schemas, pair, status, r)
        covered.append(str(pair))
    print(f"{vendor}: {len(covered)} (operation, status) pairs covered")
    print(textwrap.fill(", ".join(covered), 100))
    # what the vendor's own fragment documents, every pair of it: none left uncovered
    documented = fragment_pairs(vendor)
    assert sorted(set(documented) - set(covered)) == [], "documented, not covered"
    assert sorted(covered) == sorted(documented)


def fragment_pairs(vendor: str) -> list[str]:
    return [str(Pair(op_id, op["method"], op["path"], key))
            for op_id, op in vendor_classes()[vendor].documented_operations().items()
            if not op["path"].startswith("/__admin")
            for key in op.get("responses") or {} if key == "default" or int(key) >= 400]


def check(spec: dict, schemas: dict, pair: Pair, status: int, r) -> None:
    where = f"{pair} (injected {status})"
    assert r.status_code == status, where
    assert r.headers["x-emulator-rule"] == f"inject/s{status}", where
    documented = _resolve(spec, _responses(spec, pair)[pair.key])
    media_type, body = next(iter((documented.get("content") or {}).items()))
    assert r.headers["content-type"].split(";")[0] == media_type, where
    schema = {**schemas, **_json_schema(body["schema"])}
    value = r.json() if media_type == "application/json" else r.text
    errors = [e.message for e in Draft4Validator(schema).iter_errors(value)]
    assert errors == [], f"{where}: {r.text}"
    for name, header in (documented.get("headers") or {}).items():
        header = _resolve(spec, header)
        assert r.headers.get(name) is not None, f"{where}: no {name}"
        if header["schema"].get("type") == "integer":
            assert r.headers[name].isdigit(), f"{where}: {name}: {r.headers[name]}"


# -- the generated client ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    return shared_client(tmp_path_factory)


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_generated_client_parses_every_injected_error(vendor, spec, sdk, injecting):
    ops = served(injecting)
    api_client = sdk.ApiClient(sdk.Configuration())
    parsed = []
    for pair in documented_pairs(spec):
        if ops[(pair.method, pair.path)].vendor != vendor:
            continue
        types = generated_response_types(sdk, pair.operation_id)
        for status in pair.statuses(set(_responses(spec, pair))):
            r = injecting.request(pair.method, pair.url(), headers={HEADER: str(status)})
            expected = types.get(str(status), types.get("default"))
            data = deserialize(sdk, api_client, r, types)
            model = str if expected == "str" else getattr(sdk, expected)
            assert isinstance(data, model), f"{pair} (injected {status}): {r.text}"
        parsed.append(str(pair))
    assert parsed
    print(f"{vendor}: {len(parsed)} pairs parsed by the generated client")


def generated_response_types(sdk, operation_id: str) -> dict[str, str | None]:
    """The status → model table of the generated method for `operation_id`, read from its
    source (the client's own choice of model, not one re-derived here from the spec)."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation_id).lower() + "_with_http_info"
    method = next(getattr(cls, name) for cls in vars(sdk.api).values()
                  if isinstance(cls, type) and hasattr(cls, name))
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == \
                "_response_types_map":
            return ast.literal_eval(node.value)
    raise AssertionError(f"no _response_types_map in {name}")


def deserialize(sdk, api_client, r, types: dict):
    """What the generated client makes of `r`: an error status raises its ApiException,
    carrying the parsed model (None when the body does not parse)."""
    raw = urllib3.HTTPResponse(body=r.content, headers=dict(r.headers), status=r.status_code,
                               reason=r.reason_phrase, preload_content=True)
    response = sdk.rest.RESTResponse(raw)
    response.read()
    with pytest.raises(sdk.ApiException) as raised:
        api_client.response_deserialize(response, types)
    return raised.value.data


# -- the spec as JSON Schema -------------------------------------------------------------------
def _responses(spec: dict, pair: Pair) -> dict:
    return spec["paths"][pair.path][pair.method.lower()]["responses"]


def _resolve(spec: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    target = spec
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects → JSON Schema Draft 4: `nullable: true` admits null."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out
