"""A Python client generated from openapi.yaml (OpenAPI Generator, like the real GmodStore SDK)
runs the seed's ProductPurchasesApi calls against a live emulator: create, list with filters
and paging, get, update/revoke, and the 401/403/404/429 answers as ApiExceptions."""

from __future__ import annotations

import json

import pytest

from emulator.vendors.gmodstore.settings import (
    DEMO_BUYER_IDS,
    DEMO_PRODUCT_2_ID,
    DEMO_PRODUCT_ID,
    OTHER_TEAM_PRODUCT_ID,
)
from tests.conftest import FIXED_START
from tests.contract.sdk import shared_client
from tests.support.live_server import live_server


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    return shared_client(tmp_path_factory)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from emulator.settings import Settings

    db = tmp_path_factory.mktemp("gmodstore-db") / "emulator.db"
    settings = Settings(database_url=f"sqlite:///{db}", clock_start=FIXED_START, seed=0,
                        gmodstore={"rate_limit": 1000})
    with live_server(settings) as base:
        yield base


def _api(sdk, base: str, token: str | None = "gms-demo-token"):
    # retries=False: urllib3 would otherwise honour Retry-After on a 429 by sleeping (in real
    # time, while the emulator's clock is frozen), which is what a real client would do
    config = sdk.Configuration(host=base, access_token=token, retries=False)
    return sdk.ProductPurchasesApi(sdk.ApiClient(config))


def _headers(headers) -> dict:
    return {k.lower(): v for k, v in dict(headers).items()}


def _error(exc) -> dict:
    body = json.loads(exc.body)
    assert set(body) <= {"message", "errors"} and body["message"]
    assert _headers(exc.headers)["x-ratelimit-limit"]
    return body


def test_seed_calls_through_the_generated_client(sdk, server):
    api = _api(sdk, server)
    made = []
    for user in DEMO_BUYER_IDS:
        response = api.create_product_purchase(
            DEMO_PRODUCT_ID, new_product_purchase_payload=sdk.NewProductPurchasePayload(user_id=user))
        assert isinstance(response, sdk.CreateProductPurchaseResponse)
        assert response.data.user_id == user and response.data.revoked is False
        assert response.data.created_at == FIXED_START
        made.append(response.data)

    got = api.get_product_purchase(DEMO_PRODUCT_ID, made[0].id)
    assert got.data == made[0]

    revoked = api.update_product_purchase(
        DEMO_PRODUCT_ID, made[1].id,
        update_product_purchase_payload=sdk.UpdateProductPurchasePayload(revoked=True))
    assert revoked.data.revoked is True

    page1 = api.list_product_purchases(DEMO_PRODUCT_ID, per_page=2)
    assert [p.id for p in page1.data] == [m.id for m in made[:2]]
    assert page1.meta.per_page == 2 and page1.cursors.prev is None
    page2 = api.list_product_purchases(DEMO_PRODUCT_ID, per_page=2, cursor=page1.cursors.next)
    assert [p.id for p in page2.data] == [m.id for m in made[2:]]
    assert page2.cursors.next is None

    active = api.list_product_purchases(
        DEMO_PRODUCT_ID, filter=sdk.ProductPurchaseFilter(revoked=False))
    assert [p.id for p in active.data] == [made[0].id, made[2].id, made[3].id]
    one = api.list_product_purchases(
        DEMO_PRODUCT_ID, filter=sdk.ProductPurchaseFilter(user_id=DEMO_BUYER_IDS[3]))
    assert [p.user_id for p in one.data] == [DEMO_BUYER_IDS[3]]
    filtered_get = api.get_product_purchase(DEMO_PRODUCT_ID, made[1].id,
                                            filter=sdk.ProductPurchaseFilter(revoked=True))
    assert filtered_get.data.id == made[1].id

    restored = api.update_product_purchase(
        DEMO_PRODUCT_ID, made[1].id,
        update_product_purchase_payload=sdk.UpdateProductPurchasePayload(revoked=False))
    assert restored.data.revoked is False


def test_duplicate_is_a_400_with_field_errors(sdk, server):
    api = _api(sdk, server)
    payload = sdk.NewProductPurchasePayload(user_id=DEMO_BUYER_IDS[0])
    first = api.create_product_purchase(DEMO_PRODUCT_2_ID, new_product_purchase_payload=payload)
    assert first.data.product_id == DEMO_PRODUCT_2_ID
    with pytest.raises(sdk.ApiException) as caught:
        api.create_product_purchase(DEMO_PRODUCT_2_ID, new_product_purchase_payload=payload)
    assert caught.value.status == 400
    assert "userId" in _error(caught.value)["errors"]


def test_401_403_404_through_the_client(sdk, server):
    with pytest.raises(sdk.ApiException) as caught:
        _api(sdk, server, token="wrong").list_product_purchases(DEMO_PRODUCT_ID)
    assert caught.value.status == 401
    _error(caught.value)

    read_only = _api(sdk, server, token="gms-read-token")
    with pytest.raises(sdk.ApiException) as caught:
        read_only.create_product_purchase(DEMO_PRODUCT_ID, new_product_purchase_payload=(
            sdk.NewProductPurchasePayload(user_id=DEMO_BUYER_IDS[0])))
    assert caught.value.status == 403
    assert "product-purchases:write" in _error(caught.value)["message"]

    with pytest.raises(sdk.ApiException) as caught:
        _api(sdk, server).list_product_purchases(OTHER_TEAM_PRODUCT_ID)
    assert caught.value.status == 403

    with pytest.raises(sdk.ApiException) as caught:
        _api(sdk, server).get_product_purchase(DEMO_PRODUCT_ID, "no-such-purchase")
    assert caught.value.status == 404


def test_429_through_the_client(sdk, tmp_path):
    from emulator.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'rl.db'}", clock_start=FIXED_START,
                        gmodstore={"rate_limit": 2})
    with live_server(settings) as base:
        api = _api(sdk, base)
        with_info = api.list_product_purchases_with_http_info(DEMO_PRODUCT_ID)
        assert _headers(with_info.headers)["x-ratelimit-remaining"] == "1"
        api.list_product_purchases(DEMO_PRODUCT_ID)
        with pytest.raises(sdk.ApiException) as caught:
            api.list_product_purchases(DEMO_PRODUCT_ID)
        assert caught.value.status == 429
        headers = _headers(caught.value.headers)
        assert headers["retry-after"] == "60" and headers["x-ratelimit-remaining"] == "0"
        _error(caught.value)
