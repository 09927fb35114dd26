"""The seed's four calls against real state: create, list, get, update (revoke/un-revoke)."""

from __future__ import annotations

from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    OTHER,
    OTHER_PRODUCT,
    PRODUCT,
    PRODUCT_2,
    READ,
    assert_error,
    create,
    created,
    purchase_url,
    purchases_url,
)


def test_create_returns_the_purchase_in_camel_case(client):
    r = create(client, BUYERS[0])
    assert r.status_code == 201
    data = r.json()["data"]
    assert set(data) == {"id", "userId", "productId", "revoked", "createdAt", "updatedAt"}
    assert data["userId"] == BUYERS[0] and data["productId"] == PRODUCT
    assert data["revoked"] is False
    assert data["createdAt"] == data["updatedAt"] == "2026-01-01T00:00:00Z"  # the frozen clock
    assert isinstance(data["id"], str) and data["id"]


def test_created_purchase_is_fetched_and_listed(client):
    first = created(client, BUYERS[0])
    second = created(client, BUYERS[1])
    r = client.get(purchase_url(first["id"]), headers=DEMO)
    assert r.status_code == 200 and r.json() == {"data": first}
    listing = client.get(purchases_url(), headers=READ).json()
    assert [p["id"] for p in listing["data"]] == [first["id"], second["id"]]
    assert listing["cursors"] == {"next": None, "prev": None}
    assert listing["meta"] == {"perPage": 24}


def test_revoke_and_unrevoke_update_revoked_and_updated_at(client, clock):
    purchase = created(client)
    clock.advance(90)
    r = client.put(purchase_url(purchase["id"]), json={"revoked": True}, headers=DEMO)
    assert r.status_code == 200
    revoked = r.json()["data"]
    assert revoked["revoked"] is True
    assert revoked["createdAt"] == "2026-01-01T00:00:00Z"
    assert revoked["updatedAt"] == "2026-01-01T00:01:30Z"
    assert client.get(purchase_url(purchase["id"]), headers=DEMO).json()["data"] == revoked
    clock.advance(30)
    back = client.put(purchase_url(purchase["id"]), json={"revoked": False}, headers=DEMO)
    assert back.json()["data"]["revoked"] is False
    assert back.json()["data"]["updatedAt"] == "2026-01-01T00:02:00Z"


def test_update_with_the_current_value_changes_nothing(client, clock):
    purchase = created(client)
    clock.advance(60)
    for body in ({"revoked": False}, {}):
        r = client.put(purchase_url(purchase["id"]), json=body, headers=DEMO)
        assert r.status_code == 200 and r.json()["data"] == purchase


def test_second_active_purchase_of_same_product_is_refused_without_a_row(client):
    created(client, BUYERS[0])
    body = assert_error(create(client, BUYERS[0]), 400, "already has an active", field="userId")
    assert "errors" in body
    listing = client.get(purchases_url(), headers=DEMO).json()["data"]
    assert len(listing) == 1
    # the same user may hold the other product, and another user this one
    assert create(client, BUYERS[0], PRODUCT_2).status_code == 201
    assert create(client, BUYERS[1]).status_code == 201


def test_revoked_purchase_allows_a_new_one_but_unrevoking_then_conflicts(client):
    old = created(client, BUYERS[0])
    client.put(purchase_url(old["id"]), json={"revoked": True}, headers=DEMO)
    new = created(client, BUYERS[0])
    assert new["id"] != old["id"]
    r = client.put(purchase_url(old["id"]), json={"revoked": False}, headers=DEMO)
    assert_error(r, 400, "already has an active", field="revoked")
    assert client.get(purchase_url(old["id"]), headers=DEMO).json()["data"]["revoked"] is True


def test_unknown_user_on_create_is_a_validation_error(client):
    assert_error(create(client, "76561190000000000"), 400, "userId", field="userId")


def test_unknown_product_and_purchase_are_404(client):
    assert_error(create(client, product="no-such-product"), 404, "no-such-product")
    assert_error(client.get(purchases_url("no-such-product"), headers=DEMO), 404, "not found")
    assert_error(client.get(purchase_url("nope"), headers=DEMO), 404, "nope")
    assert_error(client.put(purchase_url("nope"), json={"revoked": True}, headers=DEMO), 404)


def test_purchase_of_another_product_is_404_under_this_one(client):
    purchase = created(client, BUYERS[0], PRODUCT)
    assert_error(client.get(purchase_url(purchase["id"], PRODUCT_2), headers=DEMO), 404)


def test_product_the_token_owner_cannot_manage_is_403(client):
    assert_error(create(client, product=OTHER_PRODUCT), 403, "cannot manage")
    assert_error(client.get(purchases_url(OTHER_PRODUCT), headers=DEMO), 403, "cannot manage")
    # ... and the other team's token is refused the demo product, but manages its own
    assert_error(client.get(purchases_url(PRODUCT), headers=OTHER), 403, "cannot manage")
    assert create(client, BUYERS[0], OTHER_PRODUCT, headers=OTHER).status_code == 201


def test_get_with_a_filter_that_does_not_match_is_404(client):
    purchase = created(client)
    url = purchase_url(purchase["id"])
    assert client.get(url, params={"filter[revoked]": "false"}, headers=DEMO).status_code == 200
    assert_error(client.get(url, params={"filter[revoked]": "true"}, headers=DEMO), 404,
                 "does not match")
    assert_error(client.get(url, params={"filter[userId]": BUYERS[3]}, headers=DEMO), 404)


def test_sandboxes_do_not_share_purchases(client):
    created(client)
    client.post("/__admin/sandboxes", json={"id": "other"})
    other = {**DEMO, "X-Emulator-Sandbox": "other"}
    r = client.get(purchases_url(), headers=other)
    assert r.status_code == 200 and r.json()["data"] == []
    assert client.post(purchases_url(), json={"userId": BUYERS[0]}, headers=other).status_code == 201


def test_state_survives_a_restart(make_client):
    first = make_client()
    purchase = created(first)
    second = make_client()  # a new app on the same database file
    assert second.get(purchase_url(purchase["id"]), headers=DEMO).json()["data"] == purchase
    assert_error(create(second, BUYERS[0]), 400, "already has an active")


def test_transitions_are_recorded_for_the_lifecycle(client, clock):
    purchase = created(client)
    clock.advance(5)
    client.put(purchase_url(purchase["id"]), json={"revoked": True}, headers=DEMO)
    r = client.get(f"/__admin/orders/gmodstore/{purchase['id']}")
    assert r.status_code == 200, r.text
    moves = [(t["from"], t["to"]) for t in r.json()["transitions"]]
    assert moves == [(None, "active"), ("active", "revoked")]
