"""EMULATOR_ADMIN_TOKEN: every /__admin route needs it; vendor paths never accept it."""

from __future__ import annotations

import pytest

from tests.control.conftest import TOY_AUTH

TOKEN = "adm-7f3c"


@pytest.fixture
def locked(make_toy_client):
    return make_toy_client(admin_token=TOKEN)


@pytest.mark.parametrize("method, path", [
    ("GET", "/__admin/sandboxes"), ("POST", "/__admin/reset"), ("GET", "/__admin/clock"),
    ("POST", "/__admin/clock/advance"), ("GET", "/__admin/orders"), ("GET", "/__admin/coverage"),
    ("GET", "/__admin/snapshots"), ("POST", "/__admin/requests/verify"),
    ("GET", "/__admin/requests"), ("GET", "/__admin/scenarios"), ("GET", "/__admin/ui"),
    ("GET", "/__admin/ui/app.js"), ("GET", "/__admin/no-such-route"),
])
def test_admin_routes_need_the_token(locked, method, path):
    r = locked.request(method, path)
    assert r.status_code == 401
    assert r.json()["detail"].startswith("admin token required")
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = locked.request(method, path, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.json() == {"detail": "invalid admin token"}


def test_both_headers_are_accepted(locked):
    assert locked.get("/__admin/clock", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert locked.get("/__admin/clock", headers={"X-Emulator-Admin-Token": TOKEN}).status_code == 200


def test_health_stays_open_for_probes(locked):
    assert locked.get("/__admin/health").status_code == 200


def test_the_dashboard_login_link_sets_a_cookie(locked):
    r = locked.get(f"/__admin/ui?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/__admin/ui"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/__admin" in cookie
    assert TOKEN not in cookie  # a keyed digest, not the token
    assert locked.get("/__admin/ui").status_code == 200  # the client keeps the cookie
    assert locked.get("/__admin/orders").status_code == 200
    locked.cookies.clear()
    assert locked.get("/__admin/orders").status_code == 401
    # the query token is only a login link for the page, not for the API
    assert locked.get(f"/__admin/orders?token={TOKEN}").status_code == 401


def test_vendor_paths_never_accept_the_admin_token(locked):
    r = locked.post("/toy/orders", json={"item": "gem"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 401 and r.json() == {"toy_error": "toy: bad credentials"}
    r = locked.post("/toy/orders", json={"item": "gem"},
                    headers={"X-Emulator-Admin-Token": TOKEN})
    assert r.status_code == 401
    assert locked.post("/toy/orders", json={"item": "gem"}, headers=TOY_AUTH).status_code == 201


def test_without_a_token_admin_is_open(toy):
    assert toy.get("/__admin/sandboxes").status_code == 200
