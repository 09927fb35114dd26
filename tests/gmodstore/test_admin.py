"""GmodStore in the control plane: discovery routes, orders/force, fixtures, reset."""

from __future__ import annotations

import json

from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    OTHER_PRODUCT,
    OWNER,
    PRODUCT,
    PRODUCT_2,
    assert_error,
    create,
    created,
    purchase_url,
    purchases_url,
)

STEAM64 = 76561197960265728


def _products(client, sandbox="default"):
    r = client.get("/__admin/gmodstore/products", headers={"X-Emulator-Sandbox": sandbox})
    assert r.status_code == 200
    return {p["id"]: p for p in r.json()["data"]}


def test_products_list_the_demo_ids_and_who_manages_them(client):
    products = _products(client)
    assert products[PRODUCT]["managedByTokens"] == ["gms-demo-token", "gms-read-token"]
    assert products[PRODUCT_2]["teamName"] == "Demo Studio"
    assert products[OTHER_PRODUCT]["managedByTokens"] == ["gms-other-team-token"]
    assert len(products) > 10
    assert all(isinstance(p["id"], str) and p["teamId"] for p in products.values())


def test_users_are_steamid64_strings_and_demo_ids_are_stable_across_seeds(make_client):
    a = make_client(seed=1).get("/__admin/gmodstore/users").json()["data"]
    again = make_client(seed=1).get("/__admin/gmodstore/users").json()["data"]
    b = make_client(seed=2).get("/__admin/gmodstore/users").json()["data"]
    assert a == again  # same seed, same catalogue
    assert {u["id"] for u in a} != {u["id"] for u in b}  # the generated part follows the seed
    for users in (a, b):
        ids = {u["id"] for u in users}
        assert {OWNER, *BUYERS} <= ids
        assert all(u["id"].isdigit() and int(u["id"]) > STEAM64 for u in users)
    owner = next(u for u in a if u["id"] == OWNER)
    assert owner["tokens"] == ["gms-demo-token", "gms-read-token"]


def test_generated_products_can_be_bought_by_any_generated_user(client):
    users = client.get("/__admin/gmodstore/users").json()["data"]
    plain = next(u["id"] for u in users if not u["tokens"] and not u["id"].startswith("765611980"))
    assert create(client, plain).status_code == 201


def test_purchases_appear_in_admin_orders_and_can_be_forced(client, clock):
    purchase = created(client)
    listing = client.get("/__admin/orders", params={"vendor": "gmodstore"}).json()
    assert [o["id"] for o in listing["orders"]] == [purchase["id"]]
    assert listing["orders"][0]["status"] == "active" and listing["orders"][0]["kind"] == "purchase"
    clock.advance(30)
    r = client.post(f"/__admin/orders/gmodstore/{purchase['id']}/force",
                    json={"action": "fail", "message": "chargeback"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert r.json()["transitions"][-1]["reason"] == "admin force fail: chargeback"
    seen = client.get(purchase_url(purchase["id"]), headers=DEMO).json()["data"]
    assert seen["revoked"] is True and seen["updatedAt"] == "2026-01-01T00:00:30Z"
    r = client.post(f"/__admin/orders/gmodstore/{purchase['id']}/force", json={"action": "complete"})
    assert r.json()["status"] == "active"
    r = client.post(f"/__admin/orders/gmodstore/{purchase['id']}/force",
                    json={"action": "processing"})
    assert r.status_code == 400 and "un-revoke" in r.json()["detail"]
    assert client.post("/__admin/orders/gmodstore/nope/force",
                       json={"action": "fail"}).status_code == 404


FIXTURE = {"gmodstore": {
    "users": [{"id": "76561198111111111", "name": "fixture-buyer"}],
    "teams": [{"id": "team-fixture", "name": "Fixture Team", "members": [OWNER]}],
    "products": [{"id": "prod-fixture", "name": "Fixture HUD", "teamId": "team-fixture",
                  "price": "1.99"}],
    "purchases": [{"productId": "prod-fixture", "userId": "76561198111111111"},
                  {"productId": PRODUCT, "userId": BUYERS[2], "revoked": True}],
}}


def test_fixtures_add_products_users_and_purchases(client):
    r = client.post("/__admin/fixtures", json=FIXTURE)
    assert r.status_code == 200, r.text
    assert _products(client)["prod-fixture"]["managedByTokens"] == ["gms-demo-token",
                                                                     "gms-read-token"]
    listed = client.get(purchases_url("prod-fixture"), headers=DEMO).json()["data"]
    assert [p["userId"] for p in listed] == ["76561198111111111"]
    revoked = client.get(purchases_url(), params={"filter[revoked]": "true"}, headers=DEMO)
    assert [p["userId"] for p in revoked.json()["data"]] == [BUYERS[2]]
    # loading the same document again adds nothing
    assert client.post("/__admin/fixtures", json=FIXTURE).json()["rows_added"] == 0
    assert create(client, "76561198111111111", PRODUCT).status_code == 201


def test_bad_fixtures_name_the_field_and_leave_nothing_behind(client):
    bad = json.loads(json.dumps(FIXTURE))
    bad["gmodstore"]["purchases"][1]["userId"] = "nobody"
    r = client.post("/__admin/fixtures", json=bad)
    assert r.status_code == 422 and "gmodstore.purchases[1].userId" in r.text
    assert "prod-fixture" not in _products(client)
    assert client.get(purchases_url(), headers=DEMO).json()["data"] == []


def test_startup_fixtures_survive_restarts_and_resets(make_client, tmp_path):
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(FIXTURE))
    first = make_client(fixtures=[path])
    assert "prod-fixture" in _products(first)
    created(first, BUYERS[0], "prod-fixture")
    second = make_client(fixtures=[path])  # restart: the baseline is not reloaded...
    assert "prod-fixture" in _products(second)  # ...and still there, because it is stored
    assert len(second.get(purchases_url("prod-fixture"), headers=DEMO).json()["data"]) == 2
    assert second.post("/__admin/reset", json={}).status_code == 200
    after = second.get(purchases_url("prod-fixture"), headers=DEMO).json()["data"]
    assert [p["userId"] for p in after] == ["76561198111111111"]  # baseline only


def test_fixture_catalogue_belongs_to_its_sandbox(client):
    client.post("/__admin/sandboxes", json={"id": "fx"})
    r = client.post("/__admin/fixtures", json=FIXTURE, headers={"X-Emulator-Sandbox": "fx"})
    assert r.status_code == 200
    assert "prod-fixture" in _products(client, "fx")
    assert "prod-fixture" not in _products(client)
    assert_error(client.get(purchases_url("prod-fixture"), headers=DEMO), 404)


def test_reset_forgets_purchases(client):
    created(client)
    assert client.post("/__admin/reset", json={}).status_code == 200
    assert client.get(purchases_url(), headers=DEMO).json()["data"] == []


def test_lifecycle_is_registered_for_coverage(client):
    r = client.get("/__admin/coverage")
    assert r.status_code == 200
    assert "gmodstore.purchase" in r.text


def test_startup_banner_names_base_url_tokens_and_demo_ids(client):
    vendor = client.app.state.runtime.vendors["gmodstore"]
    text = "\n".join(vendor.startup_lines("http://127.0.0.1:8080"))
    assert "http://127.0.0.1:8080/api/v3" in text
    for needle in ("gms-demo-token", "gms-read-token", "gms-other-team-token", PRODUCT,
                   OTHER_PRODUCT, "/__admin/gmodstore/products"):
        assert needle in text


def test_snapshots_restore_purchases_in_their_order(client, clock):
    users = [u["id"] for u in client.get("/__admin/gmodstore/users").json()["data"][:5]]
    before = [created(client, u) for u in users[:4]]
    assert client.post("/__admin/snapshots", json={"name": "gms"}).status_code == 201
    clock.advance(10)
    client.put(purchase_url(before[0]["id"]), json={"revoked": True}, headers=DEMO)
    created(client, users[4])
    r = client.post("/__admin/snapshots/gms/restore")
    assert r.status_code == 200, r.text
    assert client.get(purchases_url(), headers=DEMO).json()["data"] == before
    # the restored rows keep the one-active-purchase rule
    assert_error(create(client, users[0]), 400, "already has an active")


def test_fixture_typos_are_refused(client):
    r = client.post("/__admin/fixtures", json={"gmodstore": {"products": [
        {"id": "p", "name": "P", "teamID": "00000000-0000-4000-b000-000000000001"}]}})
    assert r.status_code == 422 and "gmodstore.products[0].teamID: unknown field" in r.text
    r = client.post("/__admin/fixtures", json={"gmodstore": {"purchase": []}})
    assert r.status_code == 422 and "unknown section" in r.text
