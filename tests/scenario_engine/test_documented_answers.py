"""A plug-in vendor's injected statuses answer what its contract fragment documents.

DocumentedAcme documents, for `acme_ping`, its own maintenance model for 503 and its generic
envelope for 4XX; `documented_error` renders the model, and everything else (a status the
operation does not document, an operation without a fragment entry) gets `render_error`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.jsonio import JSONResponse
from emulator.settings import settings_class
from emulator.vendors.base import DocumentedAnswer
from tests.conftest import FIXED_START
from tests.scenario_engine.acme import Acme


class DocumentedAcme(Acme):
    openapi_fragment = Path(__file__).with_name("acme.documented.yaml")

    def documented_error(self, answer: DocumentedAnswer, message: str | None, path: str):
        if answer.schema == "AcmeMaintenance":
            return JSONResponse({"maintenance": message or "back soon", "entry": answer.key},
                                answer.status)
        return None  # AcmeError is render_error's shape


RULES = [
    {"id": f"s{code}", "match": {"headers": {"x-case": str(code)}}, "effects": {"status": code}}
    for code in (503, 418, 500)
] + [{"id": "worded", "match": {"headers": {"x-case": "worded"}},
      "effects": {"status": {"code": 503, "message": "until noon"}}},
     {"id": "gateway", "match": {"headers": {"x-case": "gateway"}},
      "effects": {"status": {"code": 503, "gateway": True}}}]


@pytest.fixture
def client(tmp_path):
    (tmp_path / "faults.yaml").write_text(yaml.safe_dump(
        {"name": "faults", "description": "injected statuses", "rules": RULES}))
    settings = settings_class({"acme": DocumentedAcme})(
        database_url=f"sqlite:///{tmp_path / 'emulator.db'}", clock_start=FIXED_START,
        scenarios_dir=[tmp_path], scenarios=["faults"])
    with TestClient(create_app(settings)) as c:
        yield c


def test_a_documented_status_gets_the_documented_model(client):
    r = client.get("/acme/ping", headers={"x-case": "503"})
    assert r.status_code == 503 and r.json() == {"maintenance": "back soon", "entry": "503"}
    r = client.get("/acme/ping", headers={"x-case": "worded"})
    assert r.json() == {"maintenance": "until noon", "entry": "503"}  # the rule's text


def test_the_generic_shape_where_it_is_the_documented_one_or_nothing_is_documented(client):
    r = client.get("/acme/ping", headers={"x-case": "418"})  # 4XX: the generic envelope
    assert r.status_code == 418
    assert r.json() == {"acme_error": {"status": 418, "message": "I'm a Teapot"}}
    r = client.get("/acme/ping", headers={"x-case": "500"})  # not documented at all
    assert r.json() == {"acme_error": {"status": 500, "message": "Internal Server Error"}}
    r = client.get("/acme/orders", headers={"x-case": "503"})  # an undocumented operation
    assert r.json() == {"acme_error": {"status": 503, "message": "Service Unavailable"}}


def test_gateway_stays_a_bare_page(client):
    r = client.get("/acme/ping", headers={"x-case": "gateway"})
    assert r.status_code == 503 and r.headers["content-type"] == "text/html"
