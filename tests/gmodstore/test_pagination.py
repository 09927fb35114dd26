"""Keyset cursor pagination: stable under inserts, both directions, cursors bound to a listing."""

from __future__ import annotations

import base64

from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    PRODUCT_2,
    assert_error,
    created,
    purchase_url,
    purchases_url,
)


def _page(client, cursor=None, per_page=2, product=None, **filters):
    params = {"perPage": per_page, **{f"filter[{k}]": v for k, v in filters.items()}}
    if cursor:
        params["cursor"] = cursor
    url = purchases_url(product) if product else purchases_url()
    r = client.get(url, params=params, headers=DEMO)
    assert r.status_code == 200, r.text
    return r.json()


def _seed_users(client, n):
    users = client.get("/__admin/gmodstore/users").json()["data"]
    return [u["id"] for u in users[:n]]


def test_pages_walk_every_purchase_once_in_creation_order(client, clock):
    users = _seed_users(client, 7)
    ids = []
    for user in users:
        ids.append(created(client, user)["id"])
        clock.advance(1)
    seen, cursor, pages = [], None, 0
    while True:
        page = _page(client, cursor, per_page=3)
        seen += [p["id"] for p in page["data"]]
        pages += 1
        assert (page["cursors"]["prev"] is None) == (pages == 1)
        cursor = page["cursors"]["next"]
        if cursor is None:
            break
    assert seen == ids and pages == 3


def test_inserts_while_paging_neither_skip_nor_repeat(client):
    """The frozen clock gives every purchase the same createdAt: order still holds."""
    users = _seed_users(client, 10)
    first_ids = [created(client, u)["id"] for u in users[:4]]
    page1 = _page(client, per_page=3)
    assert [p["id"] for p in page1["data"]] == first_ids[:3]
    later_ids = [created(client, u)["id"] for u in users[4:7]]  # inserted mid-walk
    page2 = _page(client, page1["cursors"]["next"], per_page=3)
    later_ids += [created(client, u)["id"] for u in users[7:10]]
    page3 = _page(client, page2["cursors"]["next"], per_page=3)
    page4 = _page(client, page3["cursors"]["next"], per_page=3)
    walked = [p["id"] for pg in (page1, page2, page3, page4) for p in pg["data"]]
    assert walked == first_ids + later_ids
    assert len(set(walked)) == len(walked)
    assert page4["cursors"]["next"] is None


def test_prev_cursor_goes_back_a_page(client):
    users = _seed_users(client, 5)
    ids = [created(client, u)["id"] for u in users]
    page1 = _page(client, per_page=2)
    page2 = _page(client, page1["cursors"]["next"], per_page=2)
    page3 = _page(client, page2["cursors"]["next"], per_page=2)
    assert [p["id"] for p in page3["data"]] == ids[4:]
    back = _page(client, page3["cursors"]["prev"], per_page=2)
    assert back["data"] == page2["data"]
    assert back["cursors"]["next"] == page2["cursors"]["next"]
    first = _page(client, back["cursors"]["prev"], per_page=2)
    assert first["data"] == page1["data"] and first["cursors"]["prev"] is None


def test_filters_apply_to_pages_and_revoking_moves_purchases_between_them(client, clock):
    users = _seed_users(client, 4)
    bought = [created(client, u) for u in users]
    clock.advance(10)
    client.put(purchase_url(bought[1]["id"]), json={"revoked": True}, headers=DEMO)
    active = _page(client, per_page=10, revoked="false")["data"]
    assert [p["id"] for p in active] == [bought[i]["id"] for i in (0, 2, 3)]
    revoked = _page(client, per_page=10, revoked="true")["data"]
    assert [p["id"] for p in revoked] == [bought[1]["id"]]
    one_user = _page(client, per_page=10, userId=users[2])["data"]
    assert [p["userId"] for p in one_user] == [users[2]]
    assert _page(client, per_page=10, productId=PRODUCT_2)["data"] == []
    assert len(_page(client, per_page=10, productId=bought[0]["productId"])["data"]) == 4


def test_a_filtered_walk_uses_its_own_cursors(client):
    users = _seed_users(client, 6)
    for u in users:
        created(client, u)
    page1 = _page(client, per_page=2, revoked="false")
    page2 = _page(client, page1["cursors"]["next"], per_page=2, revoked="false")
    assert len(page2["data"]) == 2


def test_garbage_cursors_are_400(client):
    for cursor in ("garbage", "a.b", "!!!.???", "x" * 600,
                   base64.urlsafe_b64encode(b'["n", "x", 1]').decode() + ".sig"):
        r = client.get(purchases_url(), params={"cursor": cursor}, headers=DEMO)
        assert_error(r, 400, "cursor", field="cursor")


def test_tampered_cursor_is_400(client):
    users = _seed_users(client, 3)
    for u in users:
        created(client, u)
    cursor = _page(client, per_page=1)["cursors"]["next"]
    body, _, sig = cursor.partition(".")
    assert base64.urlsafe_b64decode(body + "==") != b'["n",1767225600.0,0]'
    forged = base64.urlsafe_b64encode(b'["n",1767225600.0,0]').decode().rstrip("=")
    r = client.get(purchases_url(), params={"cursor": f"{forged}.{sig}"}, headers=DEMO)
    assert_error(r, 400, field="cursor")


def test_cursor_from_another_listing_is_400(client):
    users = _seed_users(client, 3)
    for u in users:
        created(client, u)
        created(client, u, PRODUCT_2)
    cursor = _page(client, per_page=1)["cursors"]["next"]
    other_product = client.get(purchases_url(PRODUCT_2), params={"cursor": cursor},
                               headers=DEMO)
    assert_error(other_product, 400, "different listing", field="cursor")
    other_filter = client.get(purchases_url(), params={"cursor": cursor,
                                                       "filter[revoked]": "false"},
                              headers=DEMO)
    assert_error(other_filter, 400, "different listing")
    other_sandbox = client.post("/__admin/sandboxes", json={"id": "elsewhere"})
    assert other_sandbox.status_code == 201
    r = client.get(purchases_url(), params={"cursor": cursor},
                   headers={**DEMO, "X-Emulator-Sandbox": "elsewhere"})
    assert_error(r, 400, "different listing")


def test_per_page_may_change_between_pages(client):
    users = _seed_users(client, 5)
    ids = [created(client, u)["id"] for u in users]
    page1 = _page(client, per_page=1)
    rest = _page(client, page1["cursors"]["next"], per_page=10)
    assert [p["id"] for p in page1["data"] + rest["data"]] == ids
    assert rest["meta"] == {"perPage": 10}


def test_default_page_size_is_24(client):
    users = _seed_users(client, 26)
    for u in users:
        created(client, u)
    page = _page(client, per_page=24)
    default = client.get(purchases_url(), headers=DEMO).json()
    assert default["meta"]["perPage"] == 24 and len(default["data"]) == 24
    assert default["data"] == page["data"]
    assert len(_page(client, default["cursors"]["next"], per_page=24)["data"]) == 2


def test_empty_product_lists_nothing(client):
    page = _page(client, product=PRODUCT_2)
    assert page == {"data": [], "cursors": {"next": None, "prev": None}, "meta": {"perPage": 2}}
    assert BUYERS  # the demo buyers exist for every seed
