"""Bad input gets a GmodStore 400 with a clear message: never a 500, never FastAPI's body."""

from __future__ import annotations

import pytest

from emulator.vendors.gmodstore.schemas import FILTER_QUOTE
from tests.gmodstore.helpers import (
    BUYERS,
    DEMO,
    assert_error,
    created,
    purchase_url,
    purchases_url,
)


@pytest.mark.parametrize("body, field, fragment", [
    (b"{not json", "body", "not valid JSON"),
    (b'["a list"]', "body", "JSON object"),
    (b'"text"', "body", "JSON object"),
    (b"{}", "userId", "required"),
    (b'{"userId": null}', "userId", "required"),
    (b'{"userId": 76561198000000011}', "userId", "string"),
    (b'{"userId": ["76561198000000011"]}', "userId", "string"),
    (b'{"userId": ""}', "userId", "required"),
])
def test_create_rejects_bad_bodies(client, body, field, fragment):
    r = client.post(purchases_url(), content=body,
                    headers={**DEMO, "Content-Type": "application/json"})
    assert_error(r, 400, fragment, field=field)
    assert client.get(purchases_url(), headers=DEMO).json()["data"] == []  # no half-written row


def test_create_without_a_body_says_user_id_is_required(client):
    assert_error(client.post(purchases_url(), headers=DEMO), 400, "required", field="userId")


@pytest.mark.parametrize("body, fragment", [
    (b"{oops", "not valid JSON"),
    (b'{"revoked": "yes"}', "true or false"),
    (b'{"revoked": 1}', "true or false"),
    (b'{"revoked": null}', "true or false"),
    (b"[true]", "JSON object"),
])
def test_update_rejects_bad_bodies(client, body, fragment):
    purchase = created(client)
    r = client.put(purchase_url(purchase["id"]), content=body,
                   headers={**DEMO, "Content-Type": "application/json"})
    assert_error(r, 400, fragment)
    assert client.get(purchase_url(purchase["id"]), headers=DEMO).json()["data"] == purchase


@pytest.mark.parametrize("params, field", [
    ({"filter[bogus]": "1"}, "filter.bogus"),
    ({"filter[]": "1"}, "filter"),
    ({"filter": "revoked"}, "filter"),
    ({"filter": "[1]"}, "filter"),
    ({"filter": '{"bogus": 1}'}, "filter.bogus"),
    ({"filter": '{"revoked": "maybe"}'}, "filter.revoked"),
    ({"filter": '{"userId": 5}'}, "filter.userId"),
    ({"filter[revoked][x]": "1"}, "filter"),
    ({"filter[revoked]": "maybe"}, "filter.revoked"),
    ({"perPage": "0"}, "perPage"),
    ({"perPage": "101"}, "perPage"),
    ({"perPage": "-5"}, "perPage"),
    ({"perPage": "ten"}, "perPage"),
    ({"perPage": ""}, "perPage"),
    ({"perPage": "1e3"}, "perPage"),
])
def test_list_rejects_bad_queries(client, params, field):
    assert_error(client.get(purchases_url(), params=params, headers=DEMO), 400, field=field)


def test_unknown_filter_message_names_the_filter_and_the_allowed_keys(client):
    body = assert_error(client.get(purchases_url(), params={"filter[status]": "x"},
                                   headers=DEMO), 400, "filter[status]")
    assert "revoked, userId, productId" in body["message"]


def test_get_rejects_unknown_filters_too(client):
    purchase = created(client)
    r = client.get(purchase_url(purchase["id"]), params={"filter[nope]": "1"}, headers=DEMO)
    assert_error(r, 400, field="filter.nope")


def test_per_page_bounds_are_inclusive(client):
    for n in (1, 100):
        r = client.get(purchases_url(), params={"perPage": n}, headers=DEMO)
        assert r.status_code == 200 and r.json()["meta"] == {"perPage": n}


def test_unknown_endpoint_and_method_are_gmodstore_shaped(client):
    assert_error(client.get("/api/v3/products", headers=DEMO), 404, "no such endpoint")
    r = client.delete(purchases_url(), headers=DEMO)
    assert_error(r, 405, "not supported")
    assert r.headers["allow"] == "GET, POST"
    r = client.patch(purchase_url("x"), headers=DEMO)
    assert_error(r, 405)
    assert r.headers["allow"] == "GET, PUT"


def test_valid_filters_are_accepted_in_every_spelling(client):
    created(client, BUYERS[0])
    for value in ("true", "TRUE", "1", "false", "False", "0"):
        r = client.get(purchases_url(), params={"filter[revoked]": value}, headers=DEMO)
        assert r.status_code == 200
        expected = 0 if value.lower() in ("true", "1") else 1
        assert len(r.json()["data"]) == expected


def test_json_object_filter_from_generated_python_clients_is_understood(client):
    """OpenAPI Generator's Python client sends deepObject filters as filter=<JSON>."""
    created(client, BUYERS[0])
    created(client, BUYERS[1])
    r = client.get(purchases_url(), params={
        "filter": f'{{"revoked": false, "userId": "{BUYERS[1]}"}}'}, headers=DEMO)
    assert r.status_code == 200
    assert [p["userId"] for p in r.json()["data"]] == [BUYERS[1]]


def test_a_filter_sent_as_a_python_repr_is_quoted_back_with_both_accepted_forms(client):
    """An older generated client sends the filter model's repr: filter={'revoked': True}."""
    sent = "{'revoked': True, 'userId': '" + "7" * 120 + "'}"
    r = client.get(purchases_url(), params={"filter": sent}, headers=DEMO)
    body = assert_error(r, 400, "filter[key]=value", field="filter")
    message = body["message"]
    assert "filter=<JSON object>" in message and "revoked, userId, productId" in message
    assert message.endswith("got filter=" + sent[:FILTER_QUOTE - len("filter=") - 3] + "...")
    r = client.get(purchases_url(), params={"filter[revoked][x]": "1"}, headers=DEMO)
    assert assert_error(r, 400, field="filter")["message"].endswith("got filter[revoked][x]=1")
