"""OAuth 1.0 two-legged HMAC-SHA1 signing, checked with requests signed by an independent
client library (requests-oauthlib), in strict, lenient and off modes."""

from __future__ import annotations

import pytest
import requests
from requests_oauthlib import OAuth1

from tests.gvp.conftest import AUTH, SUBS

KEY, SECRET = "gvp-demo-key", "gvp-demo-secret"
BASE = "http://testserver"


def signed(client, path: str, params: dict, *, secret: str = SECRET, timestamp=None,
           nonce: str | None = None, method: str = "GET", kind: str = "query", key: str = KEY):
    """Sign with requests-oauthlib, then send the very bytes it produced through the app."""
    clock = client.app.state.runtime.clocks.get("default")
    auth = OAuth1(key, client_secret=secret, signature_type=kind,
                  timestamp=str(int(clock.time()) if timestamp is None else timestamp),
                  nonce=nonce)
    if method == "GET":
        request = requests.Request("GET", BASE + path, params=params, auth=auth)
    else:
        request = requests.Request("POST", BASE + path, data=params, auth=auth)
    prepared = request.prepare()
    return client.request(method, prepared.url, headers=dict(prepared.headers),
                          content=prepared.body)


@pytest.fixture
def strict(make_client):
    return make_client(gvp={"oauth_mode": "strict"})


def _login(client, **kw):
    return signed(client, f"{AUTH}/LoginUserPassword", {
        "userName": "rich", "password": "rich123", "deviceType": 1, "instanceId": 1}, **kw).json()


@pytest.mark.parametrize("kind", ["query", "auth_header", "body"])
def test_strict_accepts_requests_signed_by_requests_oauthlib(strict, kind):
    method = "POST" if kind == "body" else "GET"
    body = _login(strict, kind=kind, method=method)
    assert body["StatusCode"] == 0, body
    token = body["Content"]["Token"]
    purchase = signed(strict, f"{SUBS}/CreatePurchase", {
        "token": token, "productId": 6001, "productType": "Movie", "pricingModelId": 301,
        "paymentType": "Billing", "pin": "1234"}, kind=kind, method=method).json()
    assert purchase["StatusCode"] == 0, purchase


def test_strict_rejects_unsigned_and_wrongly_signed_requests(strict):
    unsigned = strict.get(f"{AUTH}/LoginAnonymous", params={"deviceType": 1, "instanceId": 1})
    assert unsigned.status_code == 200
    assert unsigned.json()["StatusCode"] == 1002
    assert unsigned.json()["StatusMessage"].startswith("InvalidSignatureException")
    assert _login(strict, secret="not-the-secret")["StatusCode"] == 1002
    assert _login(strict, key="someone-else")["StatusCode"] == 1005


def test_strict_rejects_a_tampered_parameter(strict):
    clock = strict.app.state.runtime.clocks.get("default")
    auth = OAuth1(KEY, client_secret=SECRET, signature_type="query",
                  timestamp=str(int(clock.time())))
    prepared = requests.Request("GET", f"{BASE}{AUTH}/LoginUserPassword", auth=auth, params={
        "userName": "rich", "password": "rich123", "deviceType": 1}).prepare()
    tampered = prepared.url.replace("deviceType=1", "deviceType=2")
    assert strict.get(tampered).json()["StatusCode"] == 1002


def test_strict_checks_the_timestamp_against_the_sandbox_clock(strict):
    clock = strict.app.state.runtime.clocks.get("default")
    now = int(clock.time())
    assert _login(strict, timestamp=now - 301)["StatusCode"] == 1003
    assert _login(strict, timestamp=now + 301)["StatusCode"] == 1003
    assert _login(strict, timestamp=now - 300)["StatusCode"] == 0
    # a device with a wrong clock asks GetTime (unsigned) and signs with the answer
    server_time = strict.get(f"{AUTH}/GetTime", params={
        "deviceType": 1, "oauth_consumer_key": KEY}).json()
    assert server_time["StatusCode"] == 0 and server_time["Content"] == now
    clock.advance(3600)
    assert _login(strict, timestamp=now)["StatusCode"] == 1003
    fresh = strict.get(f"{AUTH}/GetTime").json()["Content"]
    assert _login(strict, timestamp=fresh)["StatusCode"] == 0


def test_strict_rejects_a_reused_nonce(strict):
    assert _login(strict, nonce="nonce-0001")["StatusCode"] == 0
    replay = _login(strict, nonce="nonce-0001")
    assert replay["StatusCode"] == 1004
    assert replay["StatusMessage"].startswith("NonceAlreadyUsedException")
    assert _login(strict, nonce="nonce-0002")["StatusCode"] == 0


def test_get_time_checks_the_consumer_key_but_never_a_signature(strict):
    bad = strict.get(f"{AUTH}/GetTime", params={"oauth_consumer_key": "nope"}).json()
    assert bad["StatusCode"] == 1005
    assert strict.get(f"{AUTH}/GetTime", params={"deviceType": "x"}).json()["StatusCode"] == 1011


def test_lenient_accepts_unsigned_but_verifies_present_signatures(client):
    assert client.get(f"{AUTH}/LoginAnonymous").json()["StatusCode"] == 0
    assert _login(client)["StatusCode"] == 0
    assert _login(client, secret="wrong")["StatusCode"] == 1002
    # lenient mode does not judge timestamps (a client on real time may call a frozen clock)
    assert _login(client, timestamp=1)["StatusCode"] == 0


def test_lenient_does_not_parse_unsigned_requests_strictly(client):
    # characters RFC 5849 parsing refuses (raw brackets, braces, bars) are fine unsigned
    r = client.get(f"{AUTH}/LoginUserPassword?userName=rich&password=rich123&deviceId=[a]{{b}}|c")
    assert "[a]{b}|c" in str(r.request.url)
    assert r.json()["StatusCode"] == 0
    bogus = client.get(f"{AUTH}/LoginAnonymous?oauth_consumer_key={KEY}&oauth_signature=abc"
                       "&oauth_signature_method=HMAC-SHA1").json()
    assert bogus["StatusCode"] == 1002


def test_off_ignores_signatures(make_client):
    off = make_client(gvp={"oauth_mode": "off"})
    assert _login(off, secret="wrong")["StatusCode"] == 0


def test_custom_consumers_from_settings(make_client):
    custom = make_client(gvp={"oauth_mode": "strict", "consumers": {"stb-key": "stb-secret"}})
    assert _login(custom, key="stb-key", secret="stb-secret")["StatusCode"] == 0
    assert _login(custom)["StatusCode"] == 1005
