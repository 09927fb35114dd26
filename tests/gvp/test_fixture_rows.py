"""GVP fixture users, products and pricing models are rows: they follow their sandbox into
snapshots, sandbox copies and exports, leave with a reset, and every replica on the database
sees them; the catalogue anchor is the same in every process."""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_START
from tests.gvp.conftest import AUTH, buy, purchase_of
from tests.support.postgres import throwaway_database

FIXTURES = {"gvp": {
    "pricing_models": [{"id": 401, "title": "Promo", "price": 1.5}],
    "products": [{"id": 6100, "type": "Movie", "title": "Extra", "pricingModels": [401]},
                 {"id": 6101, "type": "Movie", "title": "Extra Two", "pricingModels": [401]}],
    "users": [{"userName": "eve", "password": "eve123", "ewallet": 5.0, "owns": [1001]}]}}


def sb(sandbox: str) -> dict:
    return {"X-Emulator-Sandbox": sandbox}


def login(client, sandbox: str, user: str = "eve", password: str = "eve123") -> dict:
    return client.get(f"{AUTH}/LoginUserPassword", headers=sb(sandbox), params={
        "userName": user, "password": password, "deviceType": 1, "instanceId": 1}).json()


def token(client, sandbox: str, user: str = "eve", password: str = "eve123") -> str:
    body = login(client, sandbox, user, password)
    assert body["StatusCode"] == 0, body
    return body["Content"]["Token"]


def eve_buys(client, sandbox: str, product_id: int) -> dict:
    return buy(client, token(client, sandbox), product_id, "Movie", 401, "eWallet",
               headers=sb(sandbox))


def load(client, sandbox: str, document: dict = FIXTURES):
    return client.post("/__admin/fixtures", json=document, headers=sb(sandbox))


def new_sandbox(client, sandbox: str, source: str | None = None) -> None:
    body = {"id": sandbox, **({"from": source} if source else {})}
    r = client.post("/__admin/sandboxes", json=body)
    assert r.status_code == 201, r.text


def _follows_snapshots_copies_and_exports(client) -> None:
    new_sandbox(client, "a")
    assert load(client, "a").status_code == 200
    bought = purchase_of(eve_buys(client, "a", 6100))
    assert bought["Price"] == 1.5 and bought["PricingModelId"] == 401
    saved = client.post("/__admin/snapshots", json={"name": "eve"}, headers=sb("a"))
    assert saved.status_code == 201

    new_sandbox(client, "b", source="eve")  # a copy of a: eve, her purchase, 6101 and 401
    assert eve_buys(client, "b", 6100)["StatusCode"] == 23  # UserAlreadyHasProduct
    assert purchase_of(eve_buys(client, "b", 6101))["Price"] == 1.5

    document = client.get("/__admin/snapshots/eve/export").json()
    assert {"gvp_fixture_user", "gvp_fixture_product", "gvp_fixture_pricing_model",
            "gvp_fixture_load"} <= set(document["tables"])
    assert client.delete("/__admin/snapshots/eve").status_code == 204
    assert client.post("/__admin/snapshots/import", json=document).status_code == 201
    new_sandbox(client, "c", source="eve")
    assert purchase_of(eve_buys(client, "c", 6101))["Price"] == 1.5

    bob = {"gvp": {"users": [{"userName": "bob", "password": "bob123", "owns": [1001]}]}}
    assert load(client, "a", bob).status_code == 200
    assert login(client, "a", "bob", "bob123")["StatusCode"] == 0
    assert client.post("/__admin/snapshots/eve/restore", headers=sb("a")).status_code == 200
    assert login(client, "a", "bob", "bob123")["StatusCode"] == 1010  # loaded after the snapshot
    assert eve_buys(client, "a", 6100)["StatusCode"] == 23

    assert client.post("/__admin/reset", headers=sb("a")).status_code == 200
    assert login(client, "a")["StatusCode"] == 1010  # InvalidUserException
    rich = token(client, "a", "rich", "rich123")
    assert buy(client, rich, 6100, "Movie", 401, "Billing", headers=sb("a"))["StatusCode"] == 109
    assert login(client, "b")["StatusCode"] == 0  # the copies keep theirs
    assert login(client, "default")["StatusCode"] == 1010  # never loaded there


def test_fixtures_follow_snapshots_sandbox_copies_and_exports_but_not_a_reset(client):
    _follows_snapshots_copies_and_exports(client)


def test_the_same_on_postgresql(make_client):
    with throwaway_database() as url:
        _follows_snapshots_copies_and_exports(make_client(database_url=url))


def test_a_second_replica_on_the_database_sees_loads_and_resets(make_settings, open_client):
    settings = make_settings()
    first, second = open_client(settings), open_client(settings)
    new_sandbox(first, "a")
    assert login(second, "a")["StatusCode"] == 1010  # second has used a's (empty) catalogue
    assert load(first, "a").status_code == 200
    assert purchase_of(eve_buys(second, "a", 6100))["Price"] == 1.5
    assert eve_buys(first, "a", 6100)["StatusCode"] == 23  # one purchase, seen by both

    more = {"gvp": {"users": [{"userName": "bob", "password": "bob123", "owns": [1001]}]}}
    assert load(second, "a", more).status_code == 200
    assert login(first, "a", "bob", "bob123")["StatusCode"] == 0
    assert first.post("/__admin/reset", headers=sb("a")).status_code == 200
    assert login(second, "a")["StatusCode"] == 1010
    assert login(second, "a", "bob", "bob123")["StatusCode"] == 1010


def test_a_restarted_emulator_keeps_the_fixtures(make_settings, open_client):
    settings = make_settings()
    first = open_client(settings)
    assert load(first, "default").status_code == 200
    first.__exit__(None, None, None)
    again = open_client(settings)
    assert purchase_of(eve_buys(again, "default", 6100))["Price"] == 1.5


def test_startup_fixtures_are_the_baseline_of_every_sandbox(make_client, tmp_path):
    path = tmp_path / "gvp.yaml"
    path.write_text("gvp:\n  users: [{userName: eve, password: eve123, owns: [1001]}]\n")
    client = make_client(fixtures=[str(path)])
    assert login(client, "default")["StatusCode"] == 0
    assert client.post("/__admin/reset").status_code == 200
    assert login(client, "default")["StatusCode"] == 0  # reset reloads the baseline
    new_sandbox(client, "fresh")
    assert login(client, "fresh")["StatusCode"] == 0
    # loading the same user again is harmless: nothing new to store
    again = load(client, "fresh", {"gvp": {"users": [
        {"userName": "eve", "password": "eve123", "owns": [1001]}]}})
    assert again.status_code == 200 and again.json()["rows_added"] == 0


def test_a_fixture_replaces_a_seeded_entry_in_its_sandbox_only(client):
    new_sandbox(client, "cheap")
    cheaper = {"gvp": {"pricing_models": [{"id": 301, "title": "Rental SD 48 h", "price": 0.99}]}}
    assert load(client, "cheap", cheaper).status_code == 200
    rich = token(client, "cheap", "rich", "rich123")
    bought = buy(client, rich, 6001, "Movie", 301, "Billing", headers=sb("cheap"))
    assert purchase_of(bought)["Price"] == 0.99
    rich = token(client, "default", "rich", "rich123")
    assert purchase_of(buy(client, rich, 6001, "Movie", 301, "Billing"))["Price"] == 3.99


@pytest.mark.parametrize("document, field", [
    ({"products": [{"id": 2**31, "type": "Movie", "title": "X"}]}, "gvp.products.0.id"),
    ({"pricing_models": [{"id": 401, "title": "X", "price": 1e12}]}, "gvp.pricing_models.0.price"),
    ({"products": [{"id": 6100, "type": "Movie", "title": "X", "startOffsetDays": 1e9}]},
     "gvp.products.0.startOffsetDays"),
    ({"users": [{"userName": "eve", "password": "a"}, {"userName": "eve", "password": "b"}]},
     "gvp.users.1.userName"),
    ({"users": [{"userName": "eve", "password": "eve123", "purchasePin": "1" * 17}]},
     "gvp.users.0.purchasePin"),
    ({"products": [{"id": 6100, "type": "Movie", "title": "X",
                    "pricingModels": list(range(1, 102))}]}, "gvp.products.0.pricingModels"),
])
def test_bad_fixtures_name_the_field_and_store_nothing(client, document, field):
    r = load(client, "default", {"gvp": {
        "users": [{"userName": "mallory", "password": "m"}], **document}})
    assert r.status_code == 422 and field in r.json()["detail"], r.text
    assert login(client, "default", "mallory", "m")["StatusCode"] == 1010


def test_an_infinite_offset_in_yaml_is_refused(client):
    r = client.post("/__admin/fixtures", content="gvp:\n  products:\n    - {id: 6100, type: Movie, "
                    "title: X, endOffsetDays: .inf}\n")
    assert r.status_code == 422 and "gvp.products.0.endOffsetDays" in r.json()["detail"], r.text


def test_a_loaded_fixture_cannot_be_changed_without_a_reset(client):
    assert load(client, "default").status_code == 200
    changed = {"gvp": {"users": [{"userName": "eve", "password": "other"}]}}
    r = load(client, "default", changed)
    assert r.status_code == 422 and "gvp.users.0.userName" in r.json()["detail"]
    assert "reset" in r.json()["detail"]
    assert login(client, "default")["StatusCode"] == 0  # still eve123
    client.post("/__admin/reset")
    assert load(client, "default", changed).status_code == 200
    assert login(client, "default", "eve", "other")["StatusCode"] == 0


def test_a_failed_load_of_another_vendor_takes_the_gvp_rows_back(client):
    document = {**FIXTURES, "hlconnect": {"assets": [{"asset_id": "not a number"}]}}
    assert load(client, "default", document).status_code == 422
    assert login(client, "default")["StatusCode"] == 1010
    assert load(client, "default").status_code == 200  # and a later load starts clean
    assert purchase_of(eve_buys(client, "default", 6100))["Price"] == 1.5


@pytest.mark.parametrize("clock_start", [FIXED_START, None], ids=["frozen", "running"])
def test_every_replica_places_the_windows_at_the_same_anchor(make_settings, open_client,
                                                             clock_start):
    """The anchor once came from each process's start-up clock: a replica started after the
    clock was advanced put 6008's opening elsewhere."""
    settings = make_settings(clock_start=clock_start)
    first = open_client(settings)
    anchor = first.get("/__admin/gvp/cases").json()["anchor"]
    assert first.post("/__admin/clock/advance", json={"seconds": 3 * 86400}).status_code == 200
    second = open_client(settings)
    assert second.get("/__admin/gvp/cases").json()["anchor"] == anchor
    if clock_start is not None:
        assert anchor == int(FIXED_START.timestamp())
