"""Statuses a scenario injects on GVP: the envelope of the exception the status stands for, and
the payment page's own HTML pages where the contract documents them."""

from __future__ import annotations

from tests.gvp.conftest import SUBS
from tests.support.scenarios import rules_file


def _client(make_client, tmp_path, rules: str, **settings):
    return make_client(scenarios=[rules_file(tmp_path, "gvp-faults", rules)], **settings)


RULES = """\
- id: s404
  match: {vendor: gvp, headers: {x-case: "404"}}
  effects: {status: 404}
- id: s401
  match: {vendor: gvp, headers: {x-case: "401"}}
  effects: {status: 401}
- id: s500
  match: {vendor: gvp, headers: {x-case: "500"}}
  effects: {status: {code: 500, message: database unavailable}}
- id: s402
  match: {vendor: gvp, headers: {x-case: "402"}}
  effects: {status: 402}
- id: s410
  match: {vendor: gvp, operation: PaymentPage, headers: {x-case: "410"}}
  effects: {status: {code: 410, message: This link is no longer valid.}}
"""


def _envelope(r, status: int, code: int, message: str) -> None:
    assert r.status_code == status and r.headers["content-type"].startswith("application/json")
    assert r.json() == {"StatusCode": code, "Severity": 3, "StatusMessage": message,
                        "Content": None}


def test_an_injected_status_is_the_envelope_of_the_exception_it_stands_for(make_client,
                                                                            tmp_path):
    client = _client(make_client, tmp_path, RULES)
    url = f"{SUBS}/CreatePurchase"
    for send in (client.get, client.post):  # the form POST documents what the GET does
        _envelope(send(url, headers={"x-case": "404"}), 404, 1012,
                  "EndpointNotFoundException: Not Found")
    r = client.get(url, headers={"x-case": "401"})
    _envelope(r, 401, 30, "AuthenticationRequired")  # a wiki name: the text is in the header
    assert r.headers["x-emulator-detail"] == "Unauthorized"
    _envelope(client.get(url, headers={"x-case": "500"}), 500, 1,
              "GenericError: database unavailable")
    # a status no exception is mapped to is a GenericError
    _envelope(client.get(url, headers={"x-case": "402"}), 402, 1, "GenericError: Payment Required")


def test_the_http_status_mapping_decides_what_a_status_stands_for(make_client, tmp_path):
    client = _client(make_client, tmp_path, RULES, gvp={"http_status_mode": "mapped",
                                                        "http_status": {"InsufficientBalance": 402}})
    r = client.get(f"{SUBS}/CreatePurchase", headers={"x-case": "402"})
    _envelope(r, 402, 87, "InsufficientBalance")


def test_the_payment_page_answers_an_injected_documented_status_with_its_html_page(make_client,
                                                                                   tmp_path):
    client = _client(make_client, tmp_path, RULES)
    r = client.get("/gvp/payment/default/1", params={"exp": "1", "sig": "x"},
                   headers={"x-case": "410"})
    assert r.status_code == 410 and r.headers["content-type"].startswith("text/html")
    assert '<p id="message">This link is no longer valid.</p>' in r.text
    # a status the page does not document: GVP's generic envelope
    _envelope(client.get("/gvp/payment/default/1", headers={"x-case": "500"}), 500, 1,
              "GenericError: database unavailable")
    journal = client.get("/__admin/requests", params={"limit": 2}).json()["requests"]
    assert [e["operation"] for e in journal] == ["PaymentPage", "PaymentPage"]  # the spec's id
