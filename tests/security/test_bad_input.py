"""Hand-written bad input for every vendor, against a real server on loopback.

Each case gets the vendor's own documented error shape (HL `ErrorResponse`, GmodStore
`{"message", "errors"?}`, GVP's envelope with a non-zero StatusCode), never a 5xx, never a
traceback or a file path; and nothing is stored (the sandbox has no order afterwards).
"""

from __future__ import annotations

import json

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.live_server import live_server

HL = {"Authorization": "Bearer hl-demo-token"}
GMS = {"Authorization": "Bearer gms-demo-token"}
GMS_P = "/api/v3/products/00000000-0000-4000-a000-000000000001/purchases"
HUGE = 1_048_576 + 1
DEEP = b"[" * 100_000 + b"]" * 100_000
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    db = tmp_path_factory.mktemp("bad-input") / "emulator.db"
    with live_server(Settings(database_url=f"sqlite:///{db}", clock_start=FIXED_START)) as url:
        yield url


@pytest.fixture
def c(base):
    sandbox = httpx.post(f"{base}/__admin/sandboxes", json={}).json()["id"]
    with httpx.Client(base_url=base, timeout=30,
                      headers={"X-Emulator-Sandbox": sandbox}) as client:
        rich(client)  # GVP creates a user's seeded purchases (rich owns 1001) on first use
        before = _orders(client)
        yield client
        assert _orders(client) == before  # nothing stored by any bad request


def _orders(client) -> list[tuple]:
    found = client.get("/__admin/orders").json()["orders"]
    return sorted((o["vendor"], o["id"], o["status"]) for o in found)


def clean(r: httpx.Response) -> None:
    assert r.status_code < 500, r.text
    for leak in ("Traceback", "File \"", ".py", "/work/", "site-packages", "sqlalchemy"):
        assert leak not in r.text, r.text


def hl_error(r: httpx.Response, status: int) -> None:
    clean(r)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"name", "message", "code", "status"} and body["status"] == status, body
    assert body["message"]


def gms_error(r: httpx.Response, status: int, field: str | None = None) -> None:
    clean(r)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) <= {"message", "errors"} and body["message"], body
    if field:
        assert field in body["errors"], body


def gvp_error(r: httpx.Response, code: int, status: int = 200) -> None:
    clean(r)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"StatusCode", "Severity", "StatusMessage", "Content"}, body
    assert (body["StatusCode"], body["Severity"], body["Content"]) == (code, 3, None), body


def hl_body(**changes) -> dict:
    body = {"asset_id": 1000001, "order_number": 5, "order_line_id": 1, "country_code": "US",
            "quantity": 1, "line_item_price": 4.99, "unit_price": 4.99, "customer": "Ada"}
    body.update(changes)
    return body


def raw(body: dict, old: str, new: str) -> bytes:
    return json.dumps(body).replace(old, new).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- HL Connect
HL_REGISTER = "/sandbox/purchase/register"
HL_CASES = {
    "malformed JSON": (lambda c: c.post(HL_REGISTER, headers={**HL, **JSON},
                                        content=b'{"asset_id": 1,'), 422),
    "form-encoded body": (lambda c: c.post(HL_REGISTER, headers=HL, data={"asset_id": "1"}), 422),
    "XML body": (lambda c: c.post(HL_REGISTER, headers={**HL, "content-type": "application/xml"},
                                  content=b"<register><asset_id>1</asset_id></register>"), 422),
    "body over 1 MB": (lambda c: c.post(HL_REGISTER, headers={**HL, **JSON},
                                        content=b'{"customer":"' + b"x" * HUGE + b'"}'), 413),
    "deeply nested JSON": (lambda c: c.post(HL_REGISTER, headers={**HL, **JSON}, content=DEEP),
                           422),
    "deeply nested field": (lambda c: c.post(HL_REGISTER, headers={**HL, **JSON}, content=raw(
        hl_body(customer=None), "null", '{"a":' * 5000 + "1" + "}" * 5000)), 422),
    "NUL in a string": (lambda c: c.post(HL_REGISTER, headers=HL, json=hl_body(customer="a\0b")),
                        422),
    "lone surrogate": (lambda c: c.post(HL_REGISTER, headers={**HL, **JSON},
                                        content=raw(hl_body(), '"Ada"', '"\\ud800"')), 422),
    "invalid UTF-8": (lambda c: c.post(HL_REGISTER, headers={**HL, **JSON},
                                       content=json.dumps(hl_body()).encode().replace(
                                           b'"Ada"', b'"\xff\xfe"')), 422),
    "integer beyond 64 bits": (lambda c: c.post(HL_REGISTER, headers=HL,
                                                json=hl_body(order_number=2 ** 70)), 422),
    "negative id": (lambda c: c.post(HL_REGISTER, headers=HL, json=hl_body(order_number=-1)), 422),
    "zero id": (lambda c: c.post(HL_REGISTER, headers=HL, json=hl_body(asset_id=0)), 422),
    "zero line id": (lambda c: c.get("/sandbox/purchase/download-url", headers=HL,
                                     params={"order_id": 5, "order_line_id": 0}), 422),
    "SQL-like id": (lambda c: c.get("/sandbox/purchase/info", headers=HL,
                                    params={"order_id": "1 OR 1=1"}), 422),
    "SQL-like asset": (lambda c: c.post(HL_REGISTER, headers=HL,
                                        json=hl_body(asset_id="1; DROP TABLE hl_order_line")), 422),
    "path-like image": (lambda c: c.get("/hlconnect/images/..%2F..%2Fetc%2Fpasswd/cover.svg"), 404),
    "path-like download": (lambda c: c.get("/hlconnect/download/..%2F..%2Fetc%2Fpasswd"), 404),
    "path-like asset": (lambda c: c.post(HL_REGISTER, headers=HL,
                                         json=hl_body(asset_id="../../etc/passwd")), 422),
    "duplicate query parameter": (lambda c: c.get(
        "/sandbox/purchase/info?order_id=1&order_id=x", headers=HL), 422),
    "missing Authorization": (lambda c: c.post(HL_REGISTER, json=hl_body()), 401),
    "basic credentials": (lambda c: c.post(HL_REGISTER, headers={"Authorization": "Basic eDp5"},
                                      json=hl_body()), 401),
    "doubled Authorization": (lambda c: c.post(HL_REGISTER, json=hl_body(), headers=[
        ("Authorization", "Bearer hl-demo-token"), ("Authorization", "Bearer hl-demo-token-2")]),
        401),
}


@pytest.mark.parametrize("case", HL_CASES)
def test_hlconnect_bad_input(c, case):
    send, status = HL_CASES[case]
    hl_error(send(c), status)


# --------------------------------------------------------------------------- GmodStore
GMS_CASES = {
    "malformed JSON": (lambda c: c.post(GMS_P, headers={**GMS, **JSON}, content=b'{"userId":'),
                       400, "body"),
    "form-encoded body": (lambda c: c.post(GMS_P, headers=GMS, data={"userId": "7656"}), 400,
                          "body"),
    "XML body": (lambda c: c.post(GMS_P, headers={**GMS, "content-type": "application/xml"},
                                  content=b"<userId>76561198000000011</userId>"), 400, "body"),
    "body over 1 MB": (lambda c: c.post(GMS_P, headers={**GMS, **JSON},
                                        content=b'{"userId":"' + b"1" * HUGE + b'"}'), 413, None),
    "deeply nested JSON": (lambda c: c.post(GMS_P, headers={**GMS, **JSON},
                                            content=b'{"userId":' + DEEP + b"}"), 400, "body"),
    "NUL in a string": (lambda c: c.post(GMS_P, headers=GMS, json={"userId": "7656\0"}), 400,
                        "userId"),
    "lone surrogate": (lambda c: c.post(GMS_P, headers={**GMS, **JSON},
                                        content=b'{"userId": "\\ud800"}'), 400, None),
    "integer beyond 64 bits": (lambda c: c.post(GMS_P, headers=GMS, json={"userId": 2 ** 70}),
                               400, "userId"),
    "negative purchase id": (lambda c: c.get(f"{GMS_P}/-1", headers=GMS), 404, None),
    "zero purchase id": (lambda c: c.put(f"{GMS_P}/0", headers=GMS, json={"revoked": True}), 404,
                         None),
    "zero user id": (lambda c: c.post(GMS_P, headers=GMS, json={"userId": "0"}), 400, "userId"),
    "SQL-like user": (lambda c: c.post(GMS_P, headers=GMS, json={"userId": "' OR 1=1 --"}), 400,
                      "userId"),
    "path-like product": (lambda c: c.post("/api/v3/products/..%2F..%2Fetc/purchases",
                                           headers=GMS, json={"userId": "1"}), 404, None),
    "duplicate query parameter": (lambda c: c.get(f"{GMS_P}?perPage=1&perPage=ten",
                                                  headers=GMS), 400, "perPage"),
    "missing Authorization": (lambda c: c.post(GMS_P, json={"userId": "76561198000000011"}), 401,
                              None),
    "doubled Authorization": (lambda c: c.post(GMS_P, json={"userId": "76561198000000011"},
                                               headers=[("Authorization", "Bearer gms-demo-token"),
                                                        ("Authorization", "Bearer gms-read-token")]),
                              401, None),
}


@pytest.mark.parametrize("case", GMS_CASES)
def test_gmodstore_bad_input(c, case):
    send, status, field = GMS_CASES[case]
    gms_error(send(c), status, field)


# --------------------------------------------------------------------------- GVP
BUY = "/SubscriptionService.svc/CreatePurchase"


def rich(c) -> str:
    r = c.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": "rich", "password": "rich123", "deviceType": 1, "instanceId": 1})
    return r.json()["Content"]["Token"]


def buy(c, **changes) -> httpx.Response:
    params = {"token": rich(c), "productId": 6001, "productType": "Movie", "pricingModelId": 301,
              "paymentType": "Billing", "pin": "1234"}
    params.update(changes)
    return c.get(BUY, params=params)


GVP_CASES = {
    "malformed form body": (lambda c: c.post(BUY, content=b"%%%&&=token&=", headers={
        "content-type": "application/x-www-form-urlencoded"}), 1001, 200),
    "JSON body instead of a form": (lambda c: c.post(BUY, json={"token": rich(c)}), 1001, 200),
    "body over 1 MB": (lambda c: c.post(BUY, data={"token": "x" * HUGE}), 1, 413),
    "deeply nested JSON": (lambda c: c.post(BUY, headers=JSON, content=DEEP), 1001, 200),
    "NUL in a string": (lambda c: c.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": "ri\0ch", "password": "rich123", "deviceType": 1, "instanceId": 1}), 1010, 200),
    "control characters in the PIN": (lambda c: buy(c, pin="12\x1b4"), 62, 200),
    "integer beyond 64 bits": (lambda c: buy(c, productId=2 ** 70), 1011, 200),
    "negative id": (lambda c: buy(c, productId=-1), 109, 200),
    "zero id": (lambda c: buy(c, productId=0), 109, 200),
    "SQL-like user": (lambda c: c.get("/AuthenticationService.svc/LoginUserPassword", params={
        "userName": "rich' OR '1'='1", "password": "' OR '1'='1", "deviceType": 1,
        "instanceId": 1}), 1010, 200),
    "SQL-like id": (lambda c: buy(c, productId="6001 OR 1=1"), 1011, 200),
    "path-like payment link": (lambda c: c.get("/gvp/payment/..%2F..%2Fetc/1"), 1012, 404),
    "duplicate query parameter": (lambda c: c.get(
        f"{BUY}?token={rich(c)}&productId=6001&productId=abc&productType=Movie"
        "&pricingModelId=301&paymentType=Billing&pin=1234"), 1011, 200),
    "empty integer parameter": (lambda c: buy(c, productId=""), 1011, 200),
    "control character as an integer": (lambda c: c.get(
        "/AuthenticationService.svc/GetTime?deviceType=%1D"), 1011, 200),
    "missing token": (lambda c: buy(c, token=""), 1001, 200),
    "doubled Authorization": (lambda c: c.get(BUY, headers=[
        ("Authorization", 'OAuth oauth_consumer_key="gvp-demo-key"'),
        ("Authorization", 'OAuth oauth_consumer_key="other"')]), 1002, 200),
}


@pytest.mark.parametrize("case", GVP_CASES)
def test_gvp_bad_input(c, case):
    send, code, status = GVP_CASES[case]
    gvp_error(send(c), code, status)


def test_sql_like_and_unicode_strings_are_stored_as_plain_data(c):
    """Accepted text (quotes, SQL, emoji, right-to-left, combining marks) is data, stored and
    shown back verbatim; the table is intact afterwards."""
    name = "Robert'); DROP TABLE hl_order_line;-- 🎻 שלום e\u0301"
    r = c.post(HL_REGISTER, headers=HL, json=hl_body(order_number=77, customer=name))
    assert r.status_code == 201, r.text
    info = c.get("/sandbox/purchase/info", headers=HL, params={"order_id": 77})
    assert info.status_code == 200 and info.json()[0]["customer"] == name, info.text
    with httpx.Client(base_url=str(c.base_url)) as other:  # the fixture's check: a clean sandbox
        sandbox = other.post("/__admin/sandboxes", json={}).json()["id"]
    c.headers["X-Emulator-Sandbox"] = sandbox
    rich(c)
