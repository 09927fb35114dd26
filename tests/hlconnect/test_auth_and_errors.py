"""Bearer auth, account isolation, and the ErrorResponse envelope on every HL path."""

from __future__ import annotations

import pytest

from tests.hlconnect.helpers import AUTH, AUTH2, DISABLED, assert_error, buy, info


def test_health_needs_no_token_and_names_the_environment(client):
    live = client.get("/health")
    assert live.status_code == 200
    assert live.headers["x-environment"] == "production"
    assert all(set(item) == {"name", "health"} and item["health"] for item in live.json())
    assert client.get("/sandbox/health").headers["x-environment"] == "sandbox"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"},
                                     {"Authorization": "Basic aGw6ZGVtbw=="},
                                     {"Authorization": "Bearer "}])
def test_missing_or_unknown_token_is_401(client, headers):
    for path in ("/assets/list", "/purchase/info?order_id=1", "/sandbox/assets/list"):
        body = assert_error(client.get(path, headers=headers), 401, "token")
        assert body["name"] == "Unauthorized"


def test_disabled_vendor_is_403_on_assets_and_401_elsewhere(client):
    assert_error(client.get("/assets/list", headers=DISABLED), 403, "Vendor access check failed")
    assert_error(client.get("/sandbox/assets/list", headers=DISABLED), 403)
    assert_error(client.get("/purchase/info?order_id=1", headers=DISABLED), 401, "disabled")
    r = client.post("/purchase/validate-purchase-before-payment", headers=DISABLED,
                    json={"asset_id": 1000001, "customer_ip": "192.0.2.1", "quantity": 1})
    assert_error(r, 401)


def test_auth_is_checked_before_the_body(client):
    assert_error(client.post("/purchase/register", content=b"{not json"), 401)


def test_tokens_are_configurable(make_client):
    custom = make_client(hlconnect={"tokens": {"shop-a": {"account": 7}}})
    assert custom.get("/assets/list", headers={"Authorization": "Bearer shop-a"}).status_code == 200
    assert_error(custom.get("/assets/list", headers=AUTH), 401)


def test_orders_of_another_account_are_invisible(client):
    assert buy(client, order=4242).status_code == 201
    assert info(client, 4242).status_code == 200
    assert_error(info(client, 4242, headers=AUTH2), 404, "4242")
    assert_error(client.get("/purchase/download-url", headers=AUTH2,
                            params={"order_id": 4242, "order_line_id": 1}), 404)
    assert_error(client.delete("/purchase/cancel", headers=AUTH2,
                               params={"order_id": 4242, "order_line_id": 1}), 404)
    # the second account may use the same order number for its own order
    assert buy(client, order=4242, headers=AUTH2).status_code == 201


def test_unknown_paths_in_the_hl_space_are_error_responses(client):
    for path in ("/purchase/nope", "/assets", "/sandbox/whatever", "/hlconnect/nothing"):
        assert_error(client.get(path, headers=AUTH), 404, "no such endpoint")
    r = client.post("/sandbox/purchase/validate-purchase-before-payment", headers=AUTH,
                    json={"asset_id": 1000001, "customer_ip": "192.0.2.1", "quantity": 1})
    assert_error(r, 404)
    # paths outside every vendor keep the emulator's plain answer
    assert client.get("/definitely-not-here").json() == {
        "detail": "no such endpoint: GET /definitely-not-here"}


def test_wrong_methods_are_405_error_responses(client):
    assert_error(client.put("/purchase/register", headers=AUTH), 405, "PUT")
    assert_error(client.get("/purchase/cancel", headers=AUTH), 405)
    assert_error(client.post("/sandbox/purchase/info", headers=AUTH), 405)


def test_bad_query_values_are_422_error_responses(client):
    assert_error(client.get("/purchase/info", headers=AUTH), 422, "order_id")
    assert_error(client.get("/purchase/info?order_id=abc", headers=AUTH), 422, "order_id")
    assert_error(client.get("/purchase/info?order_id=99999999999999999999999", headers=AUTH),
                 422, "order_id")
    assert_error(client.get("/purchase/view-url?order_id=1", headers=AUTH), 422, "order_line_id")
    assert_error(client.get("/assets/list?page_size=0", headers=AUTH), 422, "page_size")
    assert_error(client.get("/assets/list?page_size=101", headers=AUTH), 422, "page_size")


def test_successful_responses_carry_x_environment_and_errors_do_not(client):
    assert client.get("/assets/list", headers=AUTH).headers["x-environment"] == "production"
    assert client.get("/sandbox/assets/list", headers=AUTH).headers["x-environment"] == "sandbox"
    assert "x-environment" not in client.get("/assets/list").headers
