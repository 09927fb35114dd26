"""The Vendor hooks the control plane uses: resources, force, next event, fixtures, regions."""

from __future__ import annotations

import pytest

from emulator.errors import InvalidTransition, NotFound
from emulator.vendors.base import Operation
from tests.conftest import FIXED_START
from tests.hlconnect.helpers import AUTH, assert_error, buy, info, plain_asset, validate

T0 = FIXED_START.timestamp()


@pytest.fixture
def hl(client):
    return client.app.state.runtime.vendors["hlconnect"]


def session(client):
    return client.app.state.runtime.db.write_session()


def test_resources_list_every_line_with_its_state(client, hl):
    buy(client, asset_id=1000003, order=1)
    with session(client) as s:
        [res] = hl.admin_resources(s, "default")
        assert res["id"] == "production-1-1-1"
        assert (res["kind"], res["status"], res["created_at"]) == ("order_line", "PROCESSING", T0)
        assert res["progression"]["kind"] == "never"
        assert hl.admin_resource(s, "default", "production-1-1-1") == res
        assert hl.admin_resource(s, "default", "production-1-1-2") is None
        assert hl.admin_resource(s, "default", "garbage") is None
        assert hl.admin_resources(s, "other") == []


def test_force_complete_fail_and_processing(client, hl):
    buy(client, asset_id=1000003, order=1)
    buy(client, asset_id=1000003, order=2)
    asset = plain_asset(client)
    buy(client, asset_id=asset, order=3)
    with session(client) as s:
        assert hl.admin_force(s, "default", "production-1-1-1", "complete", None,
                              T0)["status"] == "COMPLETED"
        hl.admin_force(s, "default", "production-1-2-1", "fail", "forced failure", T0)
        hl.admin_force(s, "default", "production-1-3-1", "processing", None, T0)
        with pytest.raises(InvalidTransition):
            hl.admin_force(s, "default", "production-1-1-1", "fail", None, T0)
        with pytest.raises(NotFound):
            hl.admin_force(s, "default", "production-1-9-1", "complete", None, T0)
    assert info(client, 1).json()[0]["status"] == "COMPLETED"
    assert info(client, 2).json() == {"status": "FAILED", "message": "forced failure"}
    for _ in range(3):  # pinned: the default policy no longer completes it
        assert info(client, 3).status_code == 202


def test_next_event_is_the_earliest_time_based_fulfilment(client, hl):
    hl.load_fixtures("default", {"orders": [
        {"order_number": 1, "order_line_id": 1, "asset_id": 1000001,
         "progression": {"kind": "after_seconds", "seconds": 120}},
        {"order_number": 1, "order_line_id": 2, "asset_id": 1000001,
         "progression": {"kind": "after_seconds", "seconds": 60}},
        {"order_number": 2, "order_line_id": 1, "asset_id": 1000001, "status": "COMPLETED"},
    ]})
    with session(client) as s:
        assert hl.next_event_at(s, "default", T0) == T0 + 60
        assert hl.next_event_at(s, "default", T0 + 60) == T0 + 120
        assert hl.next_event_at(s, "default", T0 + 120) is None
    client.app.state.runtime.clocks.get("default").advance(60)
    lines = info(client, 1).json()
    assert lines == {"status": "PROCESSING"}  # line 2 done, line 1 still due at +120
    client.app.state.runtime.clocks.get("default").advance(60)
    assert [line["status"] for line in info(client, 1).json()] == ["COMPLETED", "COMPLETED"]
    assert info(client, 2).json()[0]["download_url"]


def test_fixture_assets_join_the_catalogue_of_their_sandbox(client, hl):
    hl.load_fixtures("default", {"assets": [
        {"asset_id": 2000001, "title": "Fixture Hymn", "min_qty": 3, "world": False,
         "countries": ["GB"]}]})
    page = client.get("/assets/list", headers=AUTH,
                      params={"last_id": 1000010, "page_size": 5}).json()
    [asset] = page["assets"]
    assert (asset["asset_id"], asset["title"], asset["min_qty"]) == (2000001, "Fixture Hymn", 3)
    assert asset["images"][0]["url"].startswith("http://testserver/hlconnect/")
    assert_error(validate(client, asset_id=2000001, ip="198.51.100.1", quantity=2), 422,
                 "minimum quantity 3")
    assert validate(client, asset_id=2000001, ip="198.51.100.1", quantity=3).status_code == 200
    assert_error(validate(client, asset_id=2000001, quantity=3), 422, "not available in US")


@pytest.mark.parametrize("data, where", [
    ({"assets": [{"asset_id": "x"}]}, "hlconnect.assets[0].asset_id"),
    ({"assets": [{"asset_id": 5, "colour": "red"}]}, "hlconnect.assets[0].colour"),
    ({"assets": [{"asset_id": 2000005, "images": [{"url": 5}]}]},
     "hlconnect.assets[0].images.0.url"),
    ({"assets": [{"asset_id": 2**64}]}, "hlconnect.assets[0].asset_id"),
    ({"orders": [{"order_number": 1, "order_line_id": 1, "asset_id": 1000001,
                  "customer": ""}]}, "hlconnect.orders[0].customer"),
    ({"orders": [{"order_number": 1, "order_line_id": 1, "asset_id": 77}]},
     "hlconnect.orders[0].asset_id"),
    ({"orders": [{"order_number": 1, "order_line_id": 1, "asset_id": 1000001,
                  "status": "LOST"}]}, "hlconnect.orders[0].status"),
    ({"widgets": []}, "hlconnect.widgets"),
])
def test_invalid_fixtures_name_the_field(hl, data, where):
    with pytest.raises(ValueError, match=where.replace("[", r"\[").replace("]", r"\]")):
        hl.load_fixtures("default", data)


def test_region_blocked_and_buyer_country(hl):
    op = Operation("hlconnect", "connector_purchase_validate_purchase_before_payment", "live")
    r = hl.region_blocked(op, "not sold in DE", "/purchase/validate-purchase-before-payment")
    assert r.status_code == 422 and b'"message":"not sold in DE"' in r.body
    assert hl.buyer_country({}, {"customer_ip": "203.0.113.5"}) == "DE"
    assert hl.buyer_country({}, {"customer_ip": "nonsense"}) is None
    assert hl.buyer_country({}, {"country_code": "ca"}) == "CA"
    assert hl.buyer_country({}, None) is None


def test_operations_and_owns(hl):
    match = hl.runtime.operations.match
    assert match("POST", "/purchase/register").operation_id == "connector_purchase_register"
    sandbox = match("POST", "/sandbox/purchase/register")
    assert (sandbox.operation_id, sandbox.flavour) == ("connector_purchase_register_sandbox",
                                                       "sandbox")
    assert match("POST", "/sandbox/purchase/validate-purchase-before-payment") is None
    assert match("GET", "/purchase/register") is None
    assert hl.owns("/purchase/anything") and hl.owns("/sandbox") and not hl.owns("/api/v3/x")
    assert "connector_health_sandbox" in hl.operation_ids()


def test_operation_ids_are_exactly_the_fragments(hl):
    fragment = hl.load_fragment()
    documented = {op["operationId"] for item in fragment["paths"].values()
                  for op in item.values()}
    assert hl.operation_ids() == documented
    assert len(documented) == 18  # 8 live + 7 sandbox + 3 link targets
